package entitlement

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"imageconverter/functions/wire"
)

func seed(b byte) []byte {
	s := make([]byte, ed25519.SeedSize)
	for i := range s {
		s[i] = b
	}
	return s
}

var t0 = time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC)

func sample() Entitlement {
	limit := 50
	pe := t0.Add(20 * 24 * time.Hour)
	return Entitlement{
		UserID: "u1", Plan: "basic", Device: "dev-a", PeriodEnd: &pe,
		Limits: wire.Limits{DailyLimit: &limit, Formats: []string{"webp", "avif"}, Features: []string{"files", "folders"}, BatchSize: 10, MaxDevices: 2},
	}
}

func newPair(t *testing.T, kid string, b byte) (*Signer, *Verifier) {
	t.Helper()
	s, err := NewSigner(kid, seed(b))
	if err != nil {
		t.Fatal(err)
	}
	s = s.WithClock(func() time.Time { return t0 })
	v, err := NewVerifier(s.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	v.Now = func() time.Time { return t0.Add(time.Hour) }
	return s, v
}

func TestSignVerifyRoundTrip(t *testing.T) {
	s, v := newPair(t, "k1", 1)
	tok, err := s.Sign(sample())
	if err != nil {
		t.Fatal(err)
	}
	// Header: alg EdDSA and kid.
	hdr, _ := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[0])
	var h map[string]any
	if err := json.Unmarshal(hdr, &h); err != nil || h["alg"] != "EdDSA" || h["kid"] != "k1" {
		t.Fatalf("header = %s (%v)", hdr, err)
	}
	// The claims the desktop reads.
	body, _ := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[1])
	var c map[string]any
	_ = json.Unmarshal(body, &c)
	if c["sub"] != "u1" || c["plan"] != "basic" || c["device"] != "dev-a" ||
		c["iat"].(float64) != float64(t0.Unix()) || c["exp"].(float64) != float64(t0.Add(7*24*time.Hour).Unix()) ||
		c["periodEnd"].(float64) != float64(t0.Add(20*24*time.Hour).Unix()) {
		t.Fatalf("claims = %s", body)
	}
	e, err := v.VerifyForDevice(tok, "dev-a")
	if err != nil {
		t.Fatal(err)
	}
	if e.UserID != "u1" || e.KeyID != "k1" || *e.Limits.DailyLimit != 50 || !e.ExpiresAt.Equal(t0.Add(OfflineGrace)) || !e.PeriodEnd.Equal(t0.Add(20*24*time.Hour)) {
		t.Fatalf("verified = %+v", e)
	}
}

func TestVerifyFailures(t *testing.T) {
	s, v := newPair(t, "k1", 1)
	good, _ := s.Sign(sample())
	parts := strings.Split(good, ".")

	// Modified payload: plan upgraded to pro, signature kept.
	var c map[string]any
	body, _ := base64.RawURLEncoding.DecodeString(parts[1])
	_ = json.Unmarshal(body, &c)
	c["plan"] = "pro"
	nb, _ := json.Marshal(c)
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString(nb) + "." + parts[2]

	// Foreign kid: a different key that claims an unknown kid, and one that claims our kid.
	foreign, _ := NewSigner("k2", seed(2))
	foreignTok, _ := foreign.WithClock(func() time.Time { return t0 }).Sign(sample())
	impostor, _ := NewSigner("k1", seed(3))
	impostorTok, _ := impostor.WithClock(func() time.Time { return t0 }).Sign(sample())

	// alg none.
	noneTok := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","kid":"k1"}`)) + "." + parts[1] + "."

	expired := *v
	expired.Now = func() time.Time { return t0.Add(OfflineGrace + time.Minute) }

	cases := []struct {
		name  string
		v     *Verifier
		token string
		want  error
	}{
		{"modified payload", v, tampered, ErrInvalid},
		{"foreign kid", v, foreignTok, ErrUnknownKey},
		{"wrong key with our kid", v, impostorTok, ErrInvalid},
		{"alg none", v, noneTok, ErrInvalid},
		{"garbage", v, "not.a.token", ErrInvalid},
		{"expired", &expired, good, ErrExpired},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.v.Verify(tc.token)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := v.VerifyForDevice(good, "dev-b"); !errors.Is(err, ErrWrongDevice) {
		t.Fatalf("other device: err = %v", err)
	}
}

func TestSeveralTrustedKeys(t *testing.T) {
	old, _ := NewSigner("2026-01", seed(1))
	cur, _ := NewSigner("2026-07", seed(2))
	v, err := NewVerifier(old.PublicKey(), cur.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []*Signer{old, cur} {
		tok, _ := s.Sign(sample())
		if e, err := v.Verify(tok); err != nil || e.KeyID != s.KeyID() {
			t.Fatalf("%s: %v %+v", s.KeyID(), err, e)
		}
	}
	if _, err := NewVerifier(old.PublicKey(), old.PublicKey()); err == nil {
		t.Fatal("duplicate kid accepted")
	}
}

func TestJWKSRoundTrip(t *testing.T) {
	s, _ := NewSigner("k1", seed(1))
	set := JWKS(s.PublicKey())
	if set.Keys[0].Kty != "OKP" || set.Keys[0].Crv != "Ed25519" || set.Keys[0].Alg != "EdDSA" {
		t.Fatalf("jwk = %+v", set.Keys[0])
	}
	keys, err := KeysFromJWKS(set)
	if err != nil || keys[0].KeyID != "k1" || !keys[0].Key.Equal(s.PublicKey().Key) {
		t.Fatalf("keys = %+v, %v", keys, err)
	}
}

func TestParseSeed(t *testing.T) {
	if b, err := ParseSeed(base64.StdEncoding.EncodeToString(seed(7))); err != nil || b[0] != 7 {
		t.Fatalf("%v %v", b, err)
	}
	if _, err := ParseSeed(base64.StdEncoding.EncodeToString([]byte("short"))); err == nil {
		t.Fatal("short seed accepted")
	}
	if _, err := ParseSeed("%%%"); err == nil {
		t.Fatal("non-base64 accepted")
	}
}
