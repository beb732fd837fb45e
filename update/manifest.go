// Package update keeps the app current: it reads the release manifest the
// project publishes (Firebase Hosting, /updates/stable.json), trusts it only
// when it is signed by a release key compiled into the app, says when a newer
// version exists (and when this one is too old to convert with), downloads
// the package for this system checking its size and SHA-256, and starts it.
// A tampered manifest, a wrong hash or a failed download change nothing.
package update

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Manifest describes the current release.
type Manifest struct {
	Version        string            `json:"version"`        // e.g. "1.4.0"
	MinimumVersion string            `json:"minimumVersion"` // older apps must update before converting
	Published      time.Time         `json:"published"`
	Notes          map[string]string `json:"notes"` // release notes by language: ko, en, ja
	Files          map[string]File   `json:"files"` // by platform: windows-amd64, darwin-universal, linux-amd64-deb
}

// File is one package of the release.
type File struct {
	URL    string `json:"url"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"` // hex
}

// Signed is the published form: the manifest's JSON, base64url, and an
// Ed25519 signature over those bytes by the key kid.
type Signed struct {
	KeyID     string `json:"kid"`
	Manifest  string `json:"manifest"`
	Signature string `json:"signature"`
}

// PublicKey is a release key's public half.
type PublicKey struct {
	KeyID string
	Key   ed25519.PublicKey
}

// Errors of a manifest the app does not trust.
var (
	ErrUntrustedKey = errors.New("update: the manifest is signed by a key this app does not trust")
	ErrBadSignature = errors.New("update: the manifest's signature does not match")
	ErrMalformed    = errors.New("update: the manifest is malformed")
)

// Sign makes the published form of m.
func Sign(m Manifest, kid string, key ed25519.PrivateKey) ([]byte, error) {
	body, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return json.MarshalIndent(Signed{KeyID: kid, Manifest: base64.RawURLEncoding.EncodeToString(body),
		Signature: base64.RawURLEncoding.EncodeToString(ed25519.Sign(key, body))}, "", "  ")
}

// Verify checks the published form against the trusted keys and returns the
// manifest it carries.
func Verify(data []byte, keys []PublicKey) (Manifest, error) {
	var s Signed
	if err := json.Unmarshal(data, &s); err != nil {
		return Manifest{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	body, err1 := base64.RawURLEncoding.DecodeString(s.Manifest)
	sig, err2 := base64.RawURLEncoding.DecodeString(s.Signature)
	if err1 != nil || err2 != nil {
		return Manifest{}, ErrMalformed
	}
	var key ed25519.PublicKey
	for _, k := range keys {
		if k.KeyID == s.KeyID {
			key = k.Key
		}
	}
	if key == nil {
		return Manifest{}, ErrUntrustedKey
	}
	if !ed25519.Verify(key, body, sig) {
		return Manifest{}, ErrBadSignature
	}
	var m Manifest
	if err := json.Unmarshal(body, &m); err != nil || m.Version == "" {
		return Manifest{}, fmt.Errorf("%w: no version", ErrMalformed)
	}
	return m, nil
}

// ParsePublicKey reads "kid:base64url-key".
func ParsePublicKey(s string) (PublicKey, error) {
	kid, x, ok := cutColon(s)
	b, err := base64.RawURLEncoding.DecodeString(x)
	if !ok || err != nil || len(b) != ed25519.PublicKeySize {
		return PublicKey{}, fmt.Errorf("update: %q is not kid:base64url-Ed25519-public-key", s)
	}
	return PublicKey{KeyID: kid, Key: b}, nil
}

func cutColon(s string) (string, string, bool) {
	for i := range s {
		if s[i] == ':' {
			return s[:i], s[i+1:], i > 0
		}
	}
	return "", "", false
}
