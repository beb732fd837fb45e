package licensing

import (
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"imageconverter/functions/entitlement"
	"imageconverter/functions/wire"
	"imageconverter/licensing/firebaseauth"
	"imageconverter/licensing/policy"
	"imageconverter/licensing/secrets"
)

// forger is someone who made their own Ed25519 key and signs a Pro
// entitlement for their account and computer with it.
func forger(t *testing.T, user, device string) (wire.JWKS, string) {
	t.Helper()
	seed := make([]byte, 32)
	rand.Read(seed)
	signer, err := entitlement.NewSigner("mine-1", seed)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := signer.Sign(entitlement.Entitlement{UserID: user, Plan: wire.PlanPro, Limits: policy.DefaultPlans.Lookup(wire.PlanPro).Limits(), Device: device})
	if err != nil {
		t.Fatal(err)
	}
	return entitlement.JWKS(signer.PublicKey()), tok
}

// The review's scenario: API address on loopback, the forger's key stored
// in state.json (devKeys, the old place) and in the keychain item, and a
// self-signed Pro token in the keychain. A release build must stay on Free.
func TestReleaseIgnoresStoredKeys(t *testing.T) {
	if learnLocalKeys {
		t.Skip("localstack build: learning the local stack's key is its purpose")
	}
	dir := t.TempDir()
	keys, tok := forger(t, "u1", "dev-a")
	store := &secrets.File{Path: filepath.Join(dir, "secrets.json")}
	sess, _ := json.Marshal(sessionPart{Session: &firebaseauth.Session{UserID: "u1", Email: "u1@example.com", RefreshToken: "r"}})
	ent, _ := json.Marshal(entitlementPart{Token: tok, FetchedAt: time.Now(), LastSeen: time.Now(), DevKeys: keys})
	local, _ := json.Marshal(map[string]any{"devKeys": keys})
	for k, v := range map[string][]byte{sessionKey: sess, entitlementKey: ent} {
		if err := store.Set(k, string(v)); err != nil {
			t.Fatal(err)
		}
	}
	state := &secrets.File{Path: filepath.Join(dir, "state.json")}
	if err := state.Set(localKey, string(local)); err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.APIBase = "http://127.0.0.1:1"
	svc, err := New(Options{Config: cfg, Store: store, StatePath: state.Path, DeviceID: "dev-a"})
	if err != nil {
		t.Fatal(err)
	}
	if st := svc.Status(); st.Plan != wire.PlanFree || st.Reason != ReasonUntrustedKey {
		t.Fatalf("forged Pro with stored keys: plan=%s reason=%s, want free/%s", st.Plan, st.Reason, ReasonUntrustedKey)
	}
}

// A release build never learns a key from the server, even a loopback one
// that serves GET /v1/keys and the forged entitlement.
func TestReleaseNeverLearnsKeys(t *testing.T) {
	if learnLocalKeys {
		t.Skip("localstack build: learning the local stack's key is its purpose")
	}
	keys, tok := forger(t, "u1", "dev-a")
	asked := 0
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/v1/keys":
			asked++
			json.NewEncoder(w).Encode(keys)
		case "/v1/entitlement":
			json.NewEncoder(w).Encode(wire.EntitlementResponse{Plan: wire.PlanPro, Status: wire.StatusActive, Entitlement: tok, ServerTime: time.Now()})
		default:
			http.NotFound(w, r)
		}
	}))
	defer api.Close()
	dir := t.TempDir()
	cfg := DefaultConfig()
	cfg.APIBase = api.URL // 127.0.0.1: "local"
	svc, err := New(Options{Config: cfg, Store: &secrets.File{Path: filepath.Join(dir, "secrets.json")}, StatePath: filepath.Join(dir, "state.json"), DeviceID: "dev-a", Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	svc.mu.Lock()
	svc.st.Session = &firebaseauth.Session{UserID: "u1", Email: "u1@example.com", RefreshToken: "r"}
	svc.idToken, svc.idExpires = "id", time.Now().Add(time.Hour)
	svc.mu.Unlock()
	if err := svc.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	if st := svc.Status(); st.Plan != wire.PlanFree || st.Reason != ReasonUntrustedKey {
		t.Errorf("after a refresh from a loopback API: plan=%s reason=%s, want free/%s", st.Plan, st.Reason, ReasonUntrustedKey)
	}
	if asked != 0 {
		t.Errorf("GET /v1/keys asked %d times by a release build", asked)
	}
}
