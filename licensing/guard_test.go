package licensing

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"imageconverter/functions/entitlement"
	"imageconverter/functions/wire"
	"imageconverter/licensing/firebaseauth"
	"imageconverter/licensing/policy"
	"imageconverter/licensing/secrets"
)

// reopen starts the offline app again on the same keychain file and state file.
func (e *offlineEnv) reopen(t *testing.T) *Service {
	t.Helper()
	s, err := New(Options{Config: e.svc.cfg, Store: &secrets.File{Path: e.path}, StatePath: e.statePath(), DeviceID: "dev-a", Clock: e.clock.Now,
		TrustedKeys: e.svc.trusted, Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (e *offlineEnv) statePath() string { return filepath.Join(filepath.Dir(e.path), "state.json") }

// offlineRun reserves and commits n conversions with the server unreachable.
func offlineRun(t *testing.T, s *Service, id string, n int) {
	t.Helper()
	g, err := s.Reserve(context.Background(), id, n)
	if err != nil || g.Granted != n || !g.Offline {
		t.Fatalf("offline reserve %s: %+v %v", id, g, err)
	}
	if err := s.Commit(id, n); err != nil {
		t.Fatal(err)
	}
}

func unsent(s *Service, day string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, e := range s.st.Ledger.pending() {
		if e.Day == day {
			n += e.Count
		}
	}
	return n
}

// Deleting the state file offline used to give a fresh daily limit, and the
// runs were never reported. The keychain item's guard keeps the day's use
// and the unsent runs; the paid plan waits for an online check.
func TestDeletedStateFileKeepsOfflineUsage(t *testing.T) {
	e := newOffline(t, "dev-a")
	e.install(t, "u1", "basic", "dev-a")
	offlineRun(t, e.svc, "run-1", 30)
	day := e.svc.Status().Day
	if st := e.svc.Status(); st.Plan != "basic" || *st.Remaining != 20 {
		t.Fatalf("before: plan=%s remaining=%v", st.Plan, *st.Remaining)
	}
	if err := os.Remove(e.statePath()); err != nil {
		t.Fatal(err)
	}
	s := e.reopen(t)
	st := s.Status()
	if st.Plan != wire.PlanFree || st.Reason != ReasonUsageUnknown || !st.NeedsOnlineCheck || st.UsageToday != 30 || *st.Remaining != 0 {
		t.Fatalf("state file deleted: plan=%s reason=%s online=%v used=%d remaining=%d, want free/%s, 30 used, 0 left",
			st.Plan, st.Reason, st.NeedsOnlineCheck, st.UsageToday, *st.Remaining, ReasonUsageUnknown)
	}
	if n := unsent(s, day); n != 30 {
		t.Errorf("runs waiting for the server after the deletion: %d, want 30", n)
	}
	if g, _ := s.Reserve(context.Background(), "run-2", 5); g.Granted != 0 {
		t.Errorf("granted %d more offline after deleting the ledger", g.Granted)
	}
}

// Putting back an older copy of the state file restores what it lacks.
func TestRolledBackStateFileIsCaughtUp(t *testing.T) {
	e := newOffline(t, "dev-a")
	e.install(t, "u1", "basic", "dev-a")
	offlineRun(t, e.svc, "run-1", 10)
	old, err := os.ReadFile(e.statePath())
	if err != nil {
		t.Fatal(err)
	}
	offlineRun(t, e.svc, "run-2", 30)
	day := e.svc.Status().Day
	if err := os.WriteFile(e.statePath(), old, 0o600); err != nil {
		t.Fatal(err)
	}
	s := e.reopen(t)
	if st := s.Status(); st.Reason != ReasonUsageUnknown || st.UsageToday != 40 {
		t.Fatalf("rolled back: plan=%s reason=%s used=%d, want %s with 40 used", st.Plan, st.Reason, st.UsageToday, ReasonUsageUnknown)
	}
	if n := unsent(s, day); n != 40 {
		t.Errorf("unsent after rollback: %d, want 40", n)
	}
	// An untouched state file changes nothing.
	if st := e.reopen(t).Status(); st.Reason != ReasonUsageUnknown {
		t.Errorf("second start: %s", st.Reason) // still waiting for the online check
	}
	e2 := newOffline(t, "dev-a")
	e2.install(t, "u1", "basic", "dev-a")
	offlineRun(t, e2.svc, "run-1", 10)
	if st := e2.reopen(t).Status(); st.Reason != "" || st.Plan != "basic" || st.UsageToday != 10 {
		t.Errorf("plain restart: plan=%s reason=%s used=%d", st.Plan, st.Reason, st.UsageToday)
	}
}

// A paid period that ends while offline ends the paid plan on this computer
// (the server's exp covers the non-renewing case; this is the client's own
// check of the signed periodEnd).
func TestPeriodEndEndsPaidPlanOffline(t *testing.T) {
	e := newOffline(t, "dev-a")
	end := e.clock.Now().Add(2 * 24 * time.Hour)
	tok, err := e.signer.Sign(entitlement.Entitlement{UserID: "u1", Plan: "pro", Limits: policy.DefaultPlans.Lookup("pro").Limits(), Device: "dev-a", PeriodEnd: &end})
	if err != nil {
		t.Fatal(err)
	}
	s := e.svc
	s.mu.Lock()
	s.st.Session = &firebaseauth.Session{UserID: "u1", Email: "u1@example.com", RefreshToken: "r"}
	s.st.Token, s.st.FetchedAt = tok, e.clock.Now()
	s.seen(e.clock.Now())
	s.mu.Unlock()
	e.clock.Add(2*24*time.Hour - time.Minute)
	if st := s.Status(); st.Plan != "pro" {
		t.Fatalf("before the period end: plan=%s reason=%s", st.Plan, st.Reason)
	}
	e.clock.Add(2 * time.Minute)
	if st := s.Status(); st.Plan != wire.PlanFree || st.Reason != ReasonPeriodEnded || !st.NeedsOnlineCheck {
		t.Errorf("after the period end: plan=%s reason=%s online=%v, want free/%s", st.Plan, st.Reason, st.NeedsOnlineCheck, ReasonPeriodEnded)
	}
}

// Moving the clock forward offline used to open a new quota day (a fresh
// daily limit) each time. The quota day now follows the real time since
// the last server contact on the boot clock, which the wall clock does not
// move; after a restart of the computer the trusted clock decides again.
func TestClockForwardOpensNoNewQuotaDay(t *testing.T) {
	e := newOffline(t, "dev-a")
	e.install(t, "u1", "basic", "dev-a")
	boot, up := "boot-1", 10*time.Hour
	s := e.svc
	s.mu.Lock()
	s.bootClock = func() (string, time.Duration, bool) { return boot, up, true }
	s.markContact(e.clock.Now())
	s.mu.Unlock()
	offlineRun(t, s, "run-1", 50)
	day := s.Status().Day
	if r := *s.Status().Remaining; r != 0 {
		t.Fatalf("remaining after 50 = %d", r)
	}
	e.clock.Add(25 * time.Hour) // the clock moved forward, an hour really passed
	up += time.Hour
	if st := s.Status(); st.Day != day || *st.Remaining != 0 {
		t.Errorf("clock forward: day %s (was %s), remaining %d: a new quota day opened", st.Day, day, *st.Remaining)
	}
	if g, _ := s.Reserve(context.Background(), "run-2", 5); g.Granted != 0 {
		t.Errorf("granted %d after moving the clock forward", g.Granted)
	}
	up += 24 * time.Hour // a day really passed
	if st := s.Status(); st.Day == day || *st.Remaining != 50 {
		t.Errorf("a real day later: day %s, remaining %d, want the next day's 50", st.Day, *st.Remaining)
	}
	e.clock.Add(24 * time.Hour)
	boot = "boot-2" // restarted: no bound
	if st := s.Status(); st.Day <= day {
		t.Errorf("after a reboot the quota day is %s", st.Day)
	}
}
