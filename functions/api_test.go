package api

import (
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"imageconverter/functions/wire"
)

// A misconfigured production function answers unavailable (and logs why)
// instead of crashing in init; it builds nothing until the settings are fixed.
func TestServeAPIMisconfigured(t *testing.T) {
	for _, k := range []string{"FIRESTORE_EMULATOR_HOST", "FIREBASE_AUTH_EMULATOR_HOST", "ENTITLEMENT_SIGNING_KEY", "ENTITLEMENT_KEY_ID"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	lazy.mu.Lock()
	saved := lazy.srv
	lazy.srv = nil
	lazy.mu.Unlock()
	t.Cleanup(func() { lazy.mu.Lock(); lazy.srv = saved; lazy.mu.Unlock() })

	rec := httptest.NewRecorder()
	serveAPI(rec, httptest.NewRequest("GET", "/v1/plans", nil))
	r := response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	r.wantError(t, wire.CodeUnavailable)
	if lazy.srv != nil {
		t.Fatal("a server was built from a bad configuration")
	}
}

func TestHealthRoute(t *testing.T) {
	e := newTestEnv(t)
	var got struct {
		OK    bool   `json:"ok"`
		KeyID string `json:"keyId"`
	}
	e.call("GET", "/v1/health?deep=1", "", nil).wantOK(t, &got)
	if !got.OK || got.KeyID != e.cfg.Signer.KeyID() {
		t.Fatalf("health = %+v", got)
	}
	if r := e.call("GET", "/v1/health", "", nil); r.Status != http.StatusOK {
		t.Fatalf("shallow health = %d", r.Status)
	}
}
