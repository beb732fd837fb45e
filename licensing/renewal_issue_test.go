package licensing

import (
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"imageconverter/functions/entitlement"
	"imageconverter/functions/wire"
	"imageconverter/licensing/firebaseauth"
	"imageconverter/licensing/policy"
	"imageconverter/licensing/secrets"
)

// A failing monthly payment (past_due with a renewal issue) reaches the app,
// survives a restart without the network, and goes when the server says the
// renewal went through.
func TestRenewalIssueReachesTheAppAndClears(t *testing.T) {
	seed := make([]byte, 32)
	rand.Read(seed)
	signer, err := entitlement.NewSigner("test-1", seed)
	if err != nil {
		t.Fatal(err)
	}
	next := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
	end := time.Date(2026, 12, 10, 1, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	resp := wire.EntitlementResponse{Plan: wire.PlanBasic, Status: wire.StatusPastDue, PeriodEnd: &end,
		RenewalIssue: &wire.RenewalIssue{Reason: wire.RenewalCardDeclined, Since: next.AddDate(0, 0, -1), NextAttempt: &next}}
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/entitlement" {
			http.NotFound(w, r)
			return
		}
		tok, err := signer.Sign(entitlement.Entitlement{UserID: "u1", Plan: wire.PlanBasic, Limits: policy.DefaultPlans.Lookup(wire.PlanBasic).Limits(), Device: "dev-a"})
		if err != nil {
			t.Error(err)
		}
		mu.Lock()
		out := resp
		mu.Unlock()
		out.Entitlement, out.ServerTime = tok, time.Now()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(out)
	}))
	defer api.Close()

	dir := t.TempDir()
	open := func(base string) *Service {
		cfg := DefaultConfig()
		cfg.APIBase = base
		svc, err := New(Options{Config: cfg, Store: &secrets.File{Path: filepath.Join(dir, "secrets.json")}, StatePath: filepath.Join(dir, "state.json"),
			DeviceID: "dev-a", Backoff: time.Millisecond, TrustedKeys: []entitlement.PublicKey{signer.PublicKey()}})
		if err != nil {
			t.Fatal(err)
		}
		return svc
	}
	svc := open(api.URL)
	svc.mu.Lock()
	svc.st.Session = &firebaseauth.Session{UserID: "u1", Email: "u1@example.com", RefreshToken: "r"}
	svc.idToken, svc.idExpires = "id", time.Now().Add(time.Hour)
	svc.mu.Unlock()
	if err := svc.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	st := svc.Status()
	if st.Plan != wire.PlanBasic || st.SubscriptionStatus != wire.StatusPastDue || st.RenewalIssue == nil ||
		st.RenewalIssue.Reason != wire.RenewalCardDeclined || !st.RenewalIssue.NextAttempt.Equal(next) {
		t.Fatalf("after the refresh: plan %s, status %s, issue %+v; want basic, past_due, card_declined retried %v", st.Plan, st.SubscriptionStatus, st.RenewalIssue, next)
	}

	// Restarted with the server out of reach: the plan and the issue are still known.
	offline := open(closedPort(t))
	if st := offline.Status(); st.RenewalIssue == nil || st.RenewalIssue.Reason != wire.RenewalCardDeclined || st.Plan != wire.PlanBasic {
		t.Fatalf("after a restart offline: plan %s, issue %+v", st.Plan, st.RenewalIssue)
	}

	// The user registered a card again: the renewal went through.
	mu.Lock()
	later := end.AddDate(0, 1, 0)
	resp.Status, resp.RenewalIssue, resp.PeriodEnd = wire.StatusActive, nil, &later
	mu.Unlock()
	if err := svc.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	if st := svc.Status(); st.RenewalIssue != nil || st.SubscriptionStatus != wire.StatusActive {
		t.Fatalf("after the renewal went through: status %s, issue %+v", st.SubscriptionStatus, st.RenewalIssue)
	}
}
