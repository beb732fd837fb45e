package apiclient

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"imageconverter/functions/wire"
)

// These tests drive the retry and refresh rules against scripted HTTP
// servers (real HTTP, scripted answers); the real function server is
// exercised in licensing's integration tests.

type fakeTokens struct {
	token     atomic.Value
	refreshes atomic.Int32
}

func (f *fakeTokens) Token(context.Context) (string, error) { return f.token.Load().(string), nil }
func (f *fakeTokens) Refresh(context.Context) (string, error) {
	f.refreshes.Add(1)
	f.token.Store("fresh")
	return "fresh", nil
}

func newTokens(tok string) *fakeTokens {
	f := &fakeTokens{}
	f.token.Store(tok)
	return f
}

func writeErr(w http.ResponseWriter, code wire.Code) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(wire.HTTPStatus(code))
	json.NewEncoder(w).Encode(wire.ErrorResponse{Error: wire.ErrorBody{Code: code, Message: string(code)}})
}

func TestRetriesFiveHundredsThenSucceeds(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) < 3 {
			writeErr(w, wire.CodeUnavailable)
			return
		}
		json.NewEncoder(w).Encode(wire.ReserveResponse{Granted: 2, Day: "2026-11-27"})
	}))
	defer srv.Close()
	c := &Client{BaseURL: srv.URL, Tokens: newTokens("t"), Backoff: time.Millisecond, MaxAttempts: 3}
	got, _, err := c.Reserve(context.Background(), wire.ReserveRequest{RunID: "r", Count: 2})
	if err != nil || got.Granted != 2 {
		t.Fatalf("got %+v, %v", got, err)
	}
	if calls.Load() != 3 {
		t.Errorf("calls = %d, want 3", calls.Load())
	}
}

func TestGivesUpAfterMaxAttempts(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeErr(w, wire.CodeInternal)
	}))
	defer srv.Close()
	c := &Client{BaseURL: srv.URL, Tokens: newTokens("t"), Backoff: time.Millisecond, MaxAttempts: 4}
	_, _, err := c.Entitlement(context.Background())
	if CodeOf(err) != wire.CodeInternal {
		t.Fatalf("err = %v, want internal", err)
	}
	if calls.Load() != 4 {
		t.Errorf("calls = %d, want 4", calls.Load())
	}
}

func TestClientErrorsAreNotRetried(t *testing.T) {
	for _, code := range []wire.Code{wire.CodeQuotaExceeded, wire.CodeDeviceLimit, wire.CodeInvalidArgument} {
		var calls atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			writeErr(w, code)
		}))
		c := &Client{BaseURL: srv.URL, Tokens: newTokens("t"), Backoff: time.Millisecond}
		_, _, err := c.Reserve(context.Background(), wire.ReserveRequest{RunID: "r", Count: 1})
		var we *wire.Error
		if !errors.As(err, &we) || we.Code != code || we.Status != wire.HTTPStatus(code) {
			t.Errorf("%s: err = %v", code, err)
		}
		if calls.Load() != 1 {
			t.Errorf("%s: calls = %d, want 1", code, calls.Load())
		}
		srv.Close()
	}
}

func TestUnauthorizedRefreshesOnce(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.Header.Get("Authorization") != "Bearer fresh" {
			writeErr(w, wire.CodeUnauthenticated)
			return
		}
		if r.Header.Get(wire.HeaderDeviceID) != "dev-1" {
			t.Errorf("device header = %q", r.Header.Get(wire.HeaderDeviceID))
		}
		json.NewEncoder(w).Encode(wire.DevicesResponse{Devices: []wire.Device{{ID: "dev-1"}}})
	}))
	defer srv.Close()
	tok := newTokens("stale")
	c := &Client{BaseURL: srv.URL, Tokens: tok, Device: Device{ID: "dev-1"}, Backoff: time.Millisecond}
	got, err := c.Devices(context.Background())
	if err != nil || len(got.Devices) != 1 {
		t.Fatalf("got %+v, %v", got, err)
	}
	if tok.refreshes.Load() != 1 || calls.Load() != 2 {
		t.Errorf("refreshes=%d calls=%d, want 1 and 2", tok.refreshes.Load(), calls.Load())
	}

	// A server that keeps saying 401 gets one refresh, not a loop.
	srv2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { writeErr(w, wire.CodeUnauthenticated) }))
	defer srv2.Close()
	tok2 := newTokens("stale")
	c2 := &Client{BaseURL: srv2.URL, Tokens: tok2, Backoff: time.Millisecond}
	if _, err := c2.Devices(context.Background()); CodeOf(err) != wire.CodeUnauthenticated {
		t.Errorf("err = %v", err)
	}
	if tok2.refreshes.Load() != 1 {
		t.Errorf("refreshes = %d, want 1", tok2.refreshes.Load())
	}
}

func TestNetworkErrorIsOffline(t *testing.T) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	c := &Client{BaseURL: "http://" + addr, Tokens: newTokens("t"), Backoff: time.Millisecond, MaxAttempts: 2}
	_, _, err := c.Entitlement(context.Background())
	if !errors.Is(err, ErrOffline) {
		t.Fatalf("err = %v, want ErrOffline", err)
	}
}

func TestContextCancelStopsRetries(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { writeErr(w, wire.CodeUnavailable) }))
	defer srv.Close()
	c := &Client{BaseURL: srv.URL, Tokens: newTokens("t"), Backoff: time.Hour, MaxAttempts: 5}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err := c.Entitlement(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Fatalf("err = %v after %v", err, time.Since(start))
	}
}

func TestPerAttemptTimeout(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(block)
	c := &Client{BaseURL: srv.URL, Tokens: newTokens("t"), Backoff: time.Millisecond, MaxAttempts: 2, CallTimeout: 50 * time.Millisecond}
	_, _, err := c.Entitlement(context.Background())
	if !errors.Is(err, ErrOffline) {
		t.Fatalf("hung server: err = %v, want ErrOffline", err)
	}
}

func TestRateLimitedWaitsRetryAfter(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			writeErr(w, wire.CodeRateLimited)
			return
		}
		json.NewEncoder(w).Encode(wire.DevicesResponse{})
	}))
	defer srv.Close()
	c := &Client{BaseURL: srv.URL, Tokens: newTokens("t"), Backoff: time.Millisecond}
	start := time.Now()
	if _, err := c.Devices(context.Background()); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < 900*time.Millisecond {
		t.Errorf("retried after %v, before the server's Retry-After of 1 s", el)
	}
}

// The combined refresh is a POST of the whole request, retried as it stands
// (both parts are idempotent on the server), and its answer carries the parts.
func TestEntitlementWithSendsBodyAndRetries(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req wire.EntitlementRequest
		if r.Method != http.MethodPost || r.URL.Path != "/v1/entitlement" || json.NewDecoder(r.Body).Decode(&req) != nil ||
			len(req.Sync) != 1 || req.Sync[0].ID != "b0" || req.Reserve == nil || req.Reserve.RunID != "run" || req.Reserve.Count != 10 {
			writeErr(w, wire.CodeInvalidArgument)
			return
		}
		if calls.Add(1) == 1 {
			writeErr(w, wire.CodeUnavailable)
			return
		}
		json.NewEncoder(w).Encode(wire.EntitlementResponse{Plan: "basic",
			Sync: &wire.SyncResponse{Recorded: 1}, Grant: &wire.ReserveResponse{Granted: 10, Day: "2026-11-27"}})
	}))
	defer srv.Close()
	c := &Client{BaseURL: srv.URL, Tokens: newTokens("t"), Backoff: time.Millisecond, MaxAttempts: 3}
	got, _, err := c.EntitlementWith(context.Background(), wire.EntitlementRequest{
		Sync:    []wire.SyncEntry{{ID: "b0", Day: "2026-11-26", Count: 3}},
		Reserve: &wire.ReserveRequest{RunID: "run", Count: 10},
	})
	if err != nil || got.Grant == nil || got.Grant.Granted != 10 || got.Sync == nil || got.Sync.Recorded != 1 {
		t.Fatalf("got %+v, %v", got, err)
	}
	if calls.Load() != 2 {
		t.Errorf("calls = %d, want 2 (one retry with the same body)", calls.Load())
	}
}
