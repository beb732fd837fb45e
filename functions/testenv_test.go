package api

// Test harness: the real handler over the real Firebase emulators (no mocks).
// Each test signs up fresh users, so tests need no global reset and can share
// the emulators with other suites. Without the emulator variables the tests
// skip, unless IC_REQUIRE_SERVICES=1 (CI, make test), where they fail.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"imageconverter/functions/internal/config"
	"imageconverter/functions/internal/store"
	"imageconverter/functions/wire"
)

// requireEmulators skips (or fails under IC_REQUIRE_SERVICES=1) without the emulators.
func requireEmulators(t testing.TB) {
	t.Helper()
	if os.Getenv("FIRESTORE_EMULATOR_HOST") == "" || os.Getenv("FIREBASE_AUTH_EMULATOR_HOST") == "" {
		msg := "FIRESTORE_EMULATOR_HOST and FIREBASE_AUTH_EMULATOR_HOST are not set; start them with scripts/emulators.sh start and eval \"$(scripts/emulators.sh env)\""
		if os.Getenv("IC_REQUIRE_SERVICES") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	if os.Getenv("GOOGLE_CLOUD_PROJECT") == "" {
		t.Setenv("GOOGLE_CLOUD_PROJECT", config.DefaultProjectID)
	}
}

// fakeClock is the server's clock in tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Set(t time.Time)         { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *fakeClock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// noon in Seoul (03:00 UTC) of a fixed day: far from the day boundary.
var testNoon = time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC)

type testEnv struct {
	t     *testing.T
	srv   *Server
	http  *httptest.Server
	clock *fakeClock
	cfg   *config.Config
}

// newTestEnv builds a Server over the emulators with a fake clock at testNoon.
// env sets extra environment variables (e.g. rate limits) for the config.
func newTestEnv(t *testing.T, env ...string) *testEnv {
	t.Helper()
	requireEmulators(t)
	t.Setenv(config.DevKeyFileEnv, filepath.Join(t.TempDir(), "devkey.json"))
	t.Setenv("RATE_LIMIT_IP_RPS", "0") // off unless a test turns it on
	t.Setenv("RATE_LIMIT_USER_RPS", "0")
	for i := 0; i+1 < len(env); i += 2 {
		t.Setenv(env[i], env[i+1])
	}
	cfg, err := config.FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{t: testNoon}
	srv, err := NewServer(context.Background(), cfg, WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.store.SeedPlans(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); srv.Close() })
	return &testEnv{t: t, srv: srv, http: hs, clock: clock, cfg: cfg}
}

var testUserSeq atomic.Int64

// testUser is a user signed in on the Auth emulator.
type testUser struct {
	UID, Email, Token string
}

// signUp creates a fresh user on the Auth emulator (REST, as the desktop does).
func signUp(t testing.TB, label string) testUser {
	t.Helper()
	email := fmt.Sprintf("%s-%d-%d@test.example.com", label, time.Now().UnixNano(), testUserSeq.Add(1))
	var out struct {
		IDToken string `json:"idToken"`
		LocalID string `json:"localId"`
	}
	authREST(t, "accounts:signUp", map[string]any{"email": email, "password": "secret-123", "returnSecureToken": true}, &out)
	return testUser{UID: out.LocalID, Email: email, Token: out.IDToken}
}

// signIn returns a fresh ID token (e.g. after a revocation).
func signIn(t testing.TB, u testUser) string {
	t.Helper()
	var out struct {
		IDToken string `json:"idToken"`
	}
	authREST(t, "accounts:signInWithPassword", map[string]any{"email": u.Email, "password": "secret-123", "returnSecureToken": true}, &out)
	return out.IDToken
}

func authREST(t testing.TB, method string, body, out any) {
	t.Helper()
	b, _ := json.Marshal(body)
	url := "http://" + os.Getenv("FIREBASE_AUTH_EMULATOR_HOST") + "/identitytoolkit.googleapis.com/v1/" + method + "?key=fake-api-key"
	resp, err := http.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatalf("auth emulator %s: %v", method, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("auth emulator %s: %d %s", method, resp.StatusCode, raw)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatal(err)
	}
}

// response is a decoded API answer.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// errorBody decodes an error answer.
func (r response) errorBody(t testing.TB) wire.ErrorBody {
	t.Helper()
	var e wire.ErrorResponse
	r.decode(t, &e)
	return e.Error
}

// wantError asserts an error answer with code (and its status).
func (r response) wantError(t testing.TB, code wire.Code) wire.ErrorBody {
	t.Helper()
	e := r.errorBody(t)
	if e.Code != code || r.Status != wire.HTTPStatus(code) {
		t.Fatalf("got %d %s, want %d %s", r.Status, r.Body, wire.HTTPStatus(code), code)
	}
	if e.Message == "" {
		t.Fatalf("error %s has no message", code)
	}
	return e
}

func (r response) wantOK(t testing.TB, v any) {
	t.Helper()
	if r.Status/100 != 2 {
		t.Fatalf("got %d %s, want 2xx", r.Status, r.Body)
	}
	if v != nil {
		r.decode(t, v)
	}
}

// call sends a request; body may be nil, a string (sent raw) or a value (JSON).
// headers are name, value pairs.
func (e *testEnv) call(method, path, token string, body any, headers ...string) response {
	e.t.Helper()
	return callURL(e.t, e.http.URL, method, path, token, body, headers...)
}

func callURL(t testing.TB, base, method, path, token string, body any, headers ...string) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, _ := json.Marshal(b)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, Header: resp.Header, Body: raw}
}

// device returns the headers of a device.
func device(id string) []string {
	return []string{wire.HeaderDeviceID, id, wire.HeaderDeviceName, "Test PC " + id, wire.HeaderDeviceOS, "linux", wire.HeaderAppVersion, "1.0.0"}
}

// subscribe gives uid plan until end directly in Firestore (as payments would).
func (e *testEnv) subscribe(uid, plan string, end time.Time, autoRenew bool) {
	e.t.Helper()
	err := e.srv.setSubscription(context.Background(), uid, store.SubscriptionDoc{
		Plan: plan, Status: wire.StatusActive, AutoRenew: autoRenew,
		CurrentPeriodStart: end.AddDate(0, -1, 0), CurrentPeriodEnd: end,
	})
	if err != nil {
		e.t.Fatal(err)
	}
}
