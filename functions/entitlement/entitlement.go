// Package entitlement signs and verifies the offline entitlement:
// a compact JWS (JWT) signed with Ed25519 (alg "EdDSA") whose header names the
// key ("kid"), so keys can be rotated while old app builds keep trusting the
// keys they were built with. The server signs; the server and the desktop app
// verify. It imports nothing from Firebase.
package entitlement

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"imageconverter/functions/wire"
)

// OfflineGrace is how long an entitlement stays valid without contacting the
// server: exp = iat + OfflineGrace.
const OfflineGrace = 7 * 24 * time.Hour

// Errors returned by Verify, wrapped; test with errors.Is.
var (
	ErrInvalid     = errors.New("entitlement: invalid or tampered token")
	ErrExpired     = errors.New("entitlement: expired; sign in online to renew it")
	ErrUnknownKey  = errors.New("entitlement: signed by an unknown key")
	ErrWrongDevice = errors.New("entitlement: issued for another device")
)

// Entitlement is the content of a signed entitlement.
type Entitlement struct {
	UserID    string      // claim "sub"
	Plan      string      // claim "plan"
	Limits    wire.Limits // claim "limits"
	Device    string      // claim "device": the device id it was issued to
	PeriodEnd *time.Time  // claim "periodEnd" (seconds); nil for the free plan
	IssuedAt  time.Time   // claim "iat"
	ExpiresAt time.Time   // claim "exp" = offline-until
	KeyID     string      // header "kid" (set by Verify)
}

// claims is the JWT body.
type claims struct {
	Plan      string           `json:"plan"`
	Limits    wire.Limits      `json:"limits"`
	Device    string           `json:"device"`
	PeriodEnd *jwt.NumericDate `json:"periodEnd,omitempty"`
	jwt.RegisteredClaims
}

// PublicKey is one trusted verification key.
type PublicKey struct {
	KeyID string
	Key   ed25519.PublicKey
}

// Signer signs entitlements with one private key.
type Signer struct {
	kid string
	key ed25519.PrivateKey
	now func() time.Time
}

// NewSigner builds a signer from a 32-byte Ed25519 seed and its key id.
func NewSigner(kid string, seed []byte) (*Signer, error) {
	if kid == "" {
		return nil, errors.New("entitlement: empty key id")
	}
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("entitlement: signing key seed is %d bytes, want %d", len(seed), ed25519.SeedSize)
	}
	return &Signer{kid: kid, key: ed25519.NewKeyFromSeed(seed), now: time.Now}, nil
}

// ParseSeed decodes a base64 (standard or URL, padded or not) 32-byte seed, the
// format of ENTITLEMENT_SIGNING_KEY.
func ParseSeed(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			if len(b) != ed25519.SeedSize {
				return nil, fmt.Errorf("entitlement: signing key decodes to %d bytes, want a %d-byte Ed25519 seed", len(b), ed25519.SeedSize)
			}
			return b, nil
		}
	}
	return nil, errors.New("entitlement: signing key is not base64")
}

// WithClock replaces the signer's clock (tests).
func (s *Signer) WithClock(now func() time.Time) *Signer {
	c := *s
	c.now = now
	return &c
}

// KeyID returns the signer's kid.
func (s *Signer) KeyID() string { return s.kid }

// PublicKey returns the key that verifies this signer's tokens.
func (s *Signer) PublicKey() PublicKey {
	return PublicKey{KeyID: s.kid, Key: s.key.Public().(ed25519.PublicKey)}
}

// Sign returns the compact JWS of e. IssuedAt defaults to now; ExpiresAt is
// IssuedAt + OfflineGrace, or e.ExpiresAt when that is set and earlier (a
// paid period that ends sooner and will not renew); both truncated to
// seconds, and never before IssuedAt.
func (s *Signer) Sign(e Entitlement) (string, error) {
	if e.UserID == "" || e.Device == "" || e.Plan == "" {
		return "", errors.New("entitlement: sign: user, device and plan are required")
	}
	iat := e.IssuedAt
	if iat.IsZero() {
		iat = s.now()
	}
	iat = iat.Truncate(time.Second)
	exp := iat.Add(OfflineGrace)
	if !e.ExpiresAt.IsZero() && e.ExpiresAt.Before(exp) {
		exp = e.ExpiresAt.Truncate(time.Second)
		if exp.Before(iat) {
			exp = iat
		}
	}
	c := claims{
		Plan:   e.Plan,
		Limits: e.Limits,
		Device: e.Device,
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   e.UserID,
			IssuedAt:  jwt.NewNumericDate(iat),
			ExpiresAt: jwt.NewNumericDate(exp),
		},
	}
	if e.PeriodEnd != nil {
		c.PeriodEnd = jwt.NewNumericDate(*e.PeriodEnd)
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c)
	tok.Header["kid"] = s.kid
	out, err := tok.SignedString(s.key)
	if err != nil {
		return "", fmt.Errorf("entitlement: sign: %w", err)
	}
	return out, nil
}

// Verifier checks entitlements against a set of trusted public keys.
type Verifier struct {
	keys map[string]ed25519.PublicKey
	// Now is the clock used for expiry; the desktop passes the later of the
	// system clock and the last time it saw, so setting the clock back helps nothing.
	Now func() time.Time
}

// NewVerifier trusts the given keys (at least one; kids must be distinct).
func NewVerifier(keys ...PublicKey) (*Verifier, error) {
	if len(keys) == 0 {
		return nil, errors.New("entitlement: no trusted keys")
	}
	v := &Verifier{keys: map[string]ed25519.PublicKey{}, Now: time.Now}
	for _, k := range keys {
		if k.KeyID == "" || len(k.Key) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("entitlement: bad trusted key %q", k.KeyID)
		}
		if _, dup := v.keys[k.KeyID]; dup {
			return nil, fmt.Errorf("entitlement: key id %q trusted twice", k.KeyID)
		}
		v.keys[k.KeyID] = k.Key
	}
	return v, nil
}

// Verify checks signature, kid and expiry and returns the content.
func (v *Verifier) Verify(token string) (Entitlement, error) {
	var c claims
	var kid string
	parser := jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(v.Now),
	)
	_, err := parser.ParseWithClaims(token, &c, func(t *jwt.Token) (any, error) {
		kid, _ = t.Header["kid"].(string)
		k, ok := v.keys[kid]
		if !ok {
			return nil, fmt.Errorf("%w: kid %q", ErrUnknownKey, kid)
		}
		return k, nil
	})
	switch {
	case err == nil:
	case errors.Is(err, ErrUnknownKey):
		return Entitlement{}, fmt.Errorf("%w", ErrUnknownKey)
	case errors.Is(err, jwt.ErrTokenExpired):
		return Entitlement{}, ErrExpired
	default:
		return Entitlement{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if c.Subject == "" || c.Device == "" || c.IssuedAt == nil {
		return Entitlement{}, fmt.Errorf("%w: missing sub, device or iat", ErrInvalid)
	}
	if c.ExpiresAt.Time.Sub(c.IssuedAt.Time) > OfflineGrace {
		return Entitlement{}, fmt.Errorf("%w: validity longer than the offline grace", ErrInvalid)
	}
	e := Entitlement{
		UserID: c.Subject, Plan: c.Plan, Limits: c.Limits, Device: c.Device,
		IssuedAt: c.IssuedAt.Time, ExpiresAt: c.ExpiresAt.Time, KeyID: kid,
	}
	if c.PeriodEnd != nil {
		t := c.PeriodEnd.Time
		e.PeriodEnd = &t
	}
	return e, nil
}

// VerifyForDevice is Verify plus a check that the token was issued to device.
func (v *Verifier) VerifyForDevice(token, device string) (Entitlement, error) {
	e, err := v.Verify(token)
	if err != nil {
		return e, err
	}
	if e.Device != device {
		return Entitlement{}, ErrWrongDevice
	}
	return e, nil
}

// JWKS renders public keys as the body of GET /v1/keys.
func JWKS(keys ...PublicKey) wire.JWKS {
	out := wire.JWKS{Keys: []wire.JWK{}}
	for _, k := range keys {
		out.Keys = append(out.Keys, wire.JWK{
			Kty: "OKP", Crv: "Ed25519", Kid: k.KeyID, Alg: "EdDSA", Use: "sig",
			X: base64.RawURLEncoding.EncodeToString(k.Key),
		})
	}
	return out
}

// KeysFromJWKS is the reverse of JWKS (the desktop may fetch /v1/keys to learn
// a rotated key, but should still only trust keys it was built with or pinned).
func KeysFromJWKS(set wire.JWKS) ([]PublicKey, error) {
	var out []PublicKey
	for _, k := range set.Keys {
		if k.Kty != "OKP" || k.Crv != "Ed25519" {
			return nil, fmt.Errorf("entitlement: key %q is %s/%s, want OKP/Ed25519", k.Kid, k.Kty, k.Crv)
		}
		x, err := base64.RawURLEncoding.DecodeString(k.X)
		if err != nil || len(x) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("entitlement: key %q: bad x", k.Kid)
		}
		out = append(out, PublicKey{KeyID: k.Kid, Key: ed25519.PublicKey(x)})
	}
	return out, nil
}
