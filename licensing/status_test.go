package licensing

import (
	"context"
	"crypto/rand"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"imageconverter/functions/entitlement"
	"imageconverter/functions/wire"
	"imageconverter/licensing/firebaseauth"
	"imageconverter/licensing/policy"
	"imageconverter/licensing/secrets"
)

// These tests check the offline half of the Service — verification of a
// really signed entitlement against the clock, the device and the account,
// and the local ledger — with no server at all (the API URL is a closed
// port). The same scenarios run against the real local stack in
// integration_test.go.

// fakeClock is an injectable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

type offlineEnv struct {
	svc    *Service
	clock  *fakeClock
	signer *entitlement.Signer
	path   string
}

func newOffline(t *testing.T, device string) *offlineEnv {
	seed := make([]byte, 32)
	rand.Read(seed)
	signer, err := entitlement.NewSigner("test-1", seed)
	if err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{t: time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)}
	path := filepath.Join(t.TempDir(), "secrets.json")
	cfg := DefaultConfig()
	cfg.APIBase = closedPort(t)
	cfg.AuthEmulatorHost = strings.TrimPrefix(closedPort(t), "http://")
	svc, err := New(Options{Config: cfg, Store: &secrets.File{Path: path}, StatePath: filepath.Join(filepath.Dir(path), "state.json"), DeviceID: device, Clock: clock.Now,
		TrustedKeys: []entitlement.PublicKey{signer.PublicKey()}, Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return &offlineEnv{svc: svc, clock: clock, signer: signer.WithClock(clock.Now), path: path}
}

// install puts a session and an entitlement in place as a refresh would.
func (e *offlineEnv) install(t *testing.T, user, plan, device string) string {
	limits := policy.DefaultPlans.Lookup(plan).Limits()
	tok, err := e.signer.Sign(entitlement.Entitlement{UserID: user, Plan: plan, Limits: limits, Device: device})
	if err != nil {
		t.Fatal(err)
	}
	s := e.svc
	s.mu.Lock()
	s.st.Session = &firebaseauth.Session{UserID: user, Email: user + "@example.com", RefreshToken: "r"}
	s.st.Token = tok
	s.st.FetchedAt, s.st.FetchedBy = e.clock.Now(), s.cfg.AppVersion
	s.seen(e.clock.Now())
	s.save()
	s.mu.Unlock()
	return tok
}

func TestOfflineGraceSevenDays(t *testing.T) {
	e := newOffline(t, "dev-a")
	e.install(t, "u1", "basic", "dev-a")
	st := e.svc.Status()
	if st.Plan != "basic" || st.Reason != "" || st.GraceDaysLeft != 7 {
		t.Fatalf("fresh: plan=%s reason=%s grace=%d", st.Plan, st.Reason, st.GraceDaysLeft)
	}
	if r := canUseFormat(e.svc, "avif"); r != nil {
		t.Errorf("basic refuses avif: %+v", r)
	}
	e.clock.Add(6*24*time.Hour + 23*time.Hour)
	st = e.svc.Status()
	if st.Plan != "basic" || st.GraceDaysLeft != 1 {
		t.Errorf("day 7: plan=%s grace=%d reason=%s", st.Plan, st.GraceDaysLeft, st.Reason)
	}
	if !st.NeedsOnlineCheck {
		t.Error("an entitlement older than a day should ask for a refresh")
	}
	e.clock.Add(2 * time.Hour) // day 8
	st = e.svc.Status()
	if st.Plan != "free" || st.Reason != ReasonExpired || st.ReasonMessage == "" {
		t.Errorf("day 8: plan=%s reason=%s", st.Plan, st.Reason)
	}
	if r := canUseFormat(e.svc, "avif"); r == nil || r.UpgradeTo != "basic" {
		t.Errorf("expired: avif refusal %+v", r)
	}
}

func TestTamperedForeignAndOtherAccount(t *testing.T) {
	e := newOffline(t, "dev-a")
	tok := e.install(t, "u1", "free", "dev-a")
	// Tamper: swap the claims for a "pro" body, keep the signature.
	pro, _ := e.signer.Sign(entitlement.Entitlement{UserID: "u1", Plan: "pro", Limits: policy.DefaultPlans.Lookup("pro").Limits(), Device: "dev-a"})
	parts, proParts := strings.Split(tok, "."), strings.Split(pro, ".")
	forged := parts[0] + "." + proParts[1] + "." + parts[2]
	set := func(tok, user string) Status {
		e.svc.mu.Lock()
		e.svc.st.Token = tok
		e.svc.st.Session.UserID = user
		e.svc.mu.Unlock()
		return e.svc.Status()
	}
	if st := set(forged, "u1"); st.Plan != "free" || st.Reason != ReasonInvalid {
		t.Errorf("tampered: plan=%s reason=%s", st.Plan, st.Reason)
	}
	if st := set(pro, "u1"); st.Plan != "pro" {
		t.Errorf("genuine pro: plan=%s reason=%s", st.Plan, st.Reason)
	}
	other, _ := e.signer.Sign(entitlement.Entitlement{UserID: "u1", Plan: "pro", Limits: policy.DefaultPlans.Lookup("pro").Limits(), Device: "dev-b"})
	if st := set(other, "u1"); st.Plan != "free" || st.Reason != ReasonForeignDevice {
		t.Errorf("foreign device: plan=%s reason=%s", st.Plan, st.Reason)
	}
	if st := set(pro, "u2"); st.Plan != "free" || st.Reason != ReasonOtherAccount {
		t.Errorf("other account: plan=%s reason=%s", st.Plan, st.Reason)
	}
	// A token signed by a key the app does not trust.
	seed := make([]byte, 32)
	rand.Read(seed)
	rogue, _ := entitlement.NewSigner("test-1", seed) // same kid, other key
	rt, _ := rogue.WithClock(e.clock.Now).Sign(entitlement.Entitlement{UserID: "u1", Plan: "pro", Device: "dev-a"})
	if st := set(rt, "u1"); st.Plan != "free" || st.Reason != ReasonInvalid {
		t.Errorf("rogue key: plan=%s reason=%s", st.Plan, st.Reason)
	}
	unknownKid, _ := entitlement.NewSigner("rogue-kid", seed)
	ut, _ := unknownKid.WithClock(e.clock.Now).Sign(entitlement.Entitlement{UserID: "u1", Plan: "pro", Device: "dev-a"})
	if st := set(ut, "u1"); st.Plan != "free" || st.Reason != ReasonUntrustedKey {
		t.Errorf("unknown kid: plan=%s reason=%s", st.Plan, st.Reason)
	}
	unknownPlan, _ := e.signer.Sign(entitlement.Entitlement{UserID: "u1", Plan: "platinum", Device: "dev-a"})
	if st := set(unknownPlan, "u1"); st.Plan != "free" || st.Reason != ReasonUnknownPlan {
		t.Errorf("unknown plan: plan=%s reason=%s", st.Plan, st.Reason)
	}
}

func TestClockSetBackForcesOnlineCheck(t *testing.T) {
	e := newOffline(t, "dev-a")
	e.install(t, "u1", "basic", "dev-a")
	e.clock.Add(3 * 24 * time.Hour)
	if st := e.svc.Status(); st.Plan != "basic" {
		t.Fatalf("day 3: %s %s", st.Plan, st.Reason)
	}
	e.clock.Add(-2 * 24 * time.Hour) // the user sets the clock back two days
	st := e.svc.Status()
	if st.Plan != "free" || st.Reason != ReasonClockSetBack || !st.NeedsOnlineCheck {
		t.Fatalf("clock back: plan=%s reason=%s needsOnline=%v", st.Plan, st.Reason, st.NeedsOnlineCheck)
	}
	// Moving it forward again does not clear the demand: only the server can.
	e.clock.Add(2 * 24 * time.Hour)
	if st := e.svc.Status(); !st.NeedsOnlineCheck {
		t.Error("online check no longer required after moving the clock forward again")
	}
	// It survives a restart: the app records the time it saw (RecordTime) every
	// minute and when it quits.
	if err := e.svc.RecordTime(); err != nil {
		t.Fatal(err)
	}
	s2, err := New(Options{Config: e.svc.cfg, Store: &secrets.File{Path: e.path}, StatePath: filepath.Join(filepath.Dir(e.path), "state.json"), DeviceID: "dev-a", Clock: e.clock.Now,
		TrustedKeys: e.svc.trusted})
	if err != nil {
		t.Fatal(err)
	}
	if !s2.st.NeedOnline || !s2.NeedsRefresh() {
		t.Error("restart forgot the required online check")
	}
	// A small NTP correction is not "setting the clock back".
	e2 := newOffline(t, "dev-a")
	e2.install(t, "u1", "basic", "dev-a")
	e2.clock.Add(-time.Minute)
	if st := e2.svc.Status(); st.Reason != "" {
		t.Errorf("1-minute correction: reason %s", st.Reason)
	}
}

func TestOfflineLedgerAllowsDailyLimit(t *testing.T) {
	e := newOffline(t, "dev-a")
	e.install(t, "u1", "basic", "dev-a")
	ctx := context.Background()
	total := 0
	for i := 0; i < 7; i++ {
		g, err := e.svc.Reserve(ctx, "run-"+string(rune('a'+i)), 10)
		if err != nil {
			t.Fatal(err)
		}
		if !g.Offline {
			t.Fatal("expected an offline grant")
		}
		total += g.Granted
		if err := e.svc.Commit(g.RunID, g.Granted); err != nil {
			t.Fatal(err)
		}
	}
	if total != 50 {
		t.Errorf("offline grants over a day = %d, want basic's 50", total)
	}
	st := e.svc.Status()
	if st.UsageToday != 50 || *st.Remaining != 0 {
		t.Errorf("usage=%d remaining=%d", st.UsageToday, *st.Remaining)
	}
	if d := decide(e.svc, policy.Request{Format: "webp", Files: 3}); d.Allowed != 0 || d.Refusals[0].Code != policy.CodeDailyLimit {
		t.Errorf("decide at limit: %+v", d)
	}
	// Next Seoul day: the limit starts again.
	e.clock.Add(24 * time.Hour)
	if st := e.svc.Status(); st.UsageToday != 0 || *st.Remaining != 50 {
		t.Errorf("next day usage=%d remaining=%v", st.UsageToday, *st.Remaining)
	}
	// Unsent offline runs are kept for the sync.
	e.svc.mu.Lock()
	n := len(e.svc.st.Ledger.pending())
	e.svc.mu.Unlock()
	if n != 7 {
		t.Errorf("pending sync entries = %d, want 7", n)
	}
}

func TestSignedOutIsFree(t *testing.T) {
	e := newOffline(t, "dev-a")
	st := e.svc.Status()
	if st.SignedIn || st.Plan != "free" || st.Reason != ReasonSignedOut || *st.Remaining != 5 {
		t.Fatalf("signed out: %+v", st)
	}
	if st.Storage != secrets.KindFile || st.StorageWarning == "" {
		t.Errorf("file storage not reported: %s %q", st.Storage, st.StorageWarning)
	}
	g, err := e.svc.Reserve(context.Background(), "anon-1", 3)
	if err != nil || g.Granted != 1 && g.Granted != 3 {
		t.Fatalf("anon reserve %+v %v", g, err)
	}
	e.svc.Commit("anon-1", g.Granted)
	g2, _ := e.svc.Reserve(context.Background(), "anon-2", 10)
	if g.Granted+g2.Granted != 5 {
		t.Errorf("signed-out grants = %d + %d, want 5 in total", g.Granted, g2.Granted)
	}
	if d := decide(e.svc, policy.Request{Format: "avif", Files: 1}); len(d.Refusals) == 0 || d.Refusals[0].UpgradeTo != wire.PlanBasic {
		t.Errorf("signed out avif: %+v", d)
	}
}

func TestSignOutKeepsUnsentRunsForTheSameAccount(t *testing.T) {
	e := newOffline(t, "dev-a")
	e.install(t, "u1", "basic", "dev-a")
	ctx := context.Background()
	g, err := e.svc.Reserve(ctx, "offline-1", 3)
	if err != nil || !g.Offline {
		t.Fatalf("%+v %v", g, err)
	}
	e.svc.Commit(g.RunID, 3)
	if err := e.svc.SignOut(); err != nil {
		t.Fatal(err)
	}
	// The account's 3 conversions on this computer count for signed-out use too.
	if st := e.svc.Status(); st.SignedIn || st.Plan != "free" || st.UsageToday != 3 || *st.Remaining != 2 {
		t.Fatalf("signed out: %+v", st)
	}
	// Another account does not inherit them...
	e.svc.startSession(ctx, &firebaseauth.Session{UserID: "u2", RefreshToken: "r"})
	e.svc.mu.Lock()
	n := len(e.svc.st.Ledger.pending())
	e.svc.mu.Unlock()
	if n != 0 {
		t.Errorf("another account got %d unsent runs", n)
	}
	// ...while the same account, signing out and in again, gets them back.
	e2 := newOffline(t, "dev-a")
	e2.install(t, "u1", "basic", "dev-a")
	g, _ = e2.svc.Reserve(ctx, "offline-2", 2)
	e2.svc.Commit(g.RunID, 2)
	e2.svc.SignOut()
	e2.svc.startSession(ctx, &firebaseauth.Session{UserID: "u1", RefreshToken: "r"})
	e2.svc.mu.Lock()
	p := e2.svc.st.Ledger.pending()
	e2.svc.mu.Unlock()
	if len(p) != 1 || p[0].ID != "offline-2" || p[0].Count != 2 {
		t.Errorf("same account after sign-out/in: pending %+v", p)
	}
}

func TestStateSplitBetweenKeychainAndFile(t *testing.T) {
	e := newOffline(t, "dev-a")
	e.install(t, "u1", "basic", "dev-a")
	g, _ := e.svc.Reserve(context.Background(), "offline-1", 2)
	e.svc.Commit(g.RunID, 2)
	keychain := &secrets.File{Path: e.path} // stands in for the keychain here
	for _, key := range []string{sessionKey, entitlementKey} {
		v, err := keychain.Get(key)
		if err != nil || v == "" {
			t.Fatalf("keychain item %s: %v", key, err)
		}
		if strings.Contains(v, "offline-1") {
			t.Errorf("keychain item %s holds the ledger", key)
		}
	}
	local, err := (&secrets.File{Path: filepath.Join(filepath.Dir(e.path), "state.json")}).Get(localKey)
	if err != nil || !strings.Contains(local, "offline-1") || strings.Contains(local, `"r"`) && strings.Contains(local, "refreshToken") {
		t.Fatalf("state file: %q %v", local, err)
	}
	// Signing out deletes the session item.
	e.svc.SignOut()
	if _, err := keychain.Get(sessionKey); err == nil {
		t.Error("session item left in the keychain after sign-out")
	}
}

// TestReserveOnASilentNetwork: the server accepts connections and never
// answers. Reserve must fall back to the ledger within its online budget.
func TestReserveOnASilentNetwork(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close() // hold it open, say nothing
		}
	}()
	e := newOffline(t, "dev-a")
	e.svc.api.BaseURL = "http://" + l.Addr().String()
	e.svc.auth.EmulatorHost = l.Addr().String()
	e.svc.onlineBudget = 300 * time.Millisecond
	e.install(t, "u1", "basic", "dev-a")
	start := time.Now()
	g, err := e.svc.Reserve(context.Background(), "silent-1", 3)
	if err != nil || !g.Offline || g.Granted != 3 {
		t.Fatalf("reserve: %+v %v", g, err)
	}
	if el := time.Since(start); el > 3*time.Second {
		t.Errorf("reserve took %v on a silent network", el)
	}
	if !e.svc.Status().Offline {
		t.Error("status does not say offline")
	}
	// A caller's own cancellation is not "offline": it is reported.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.svc.Reserve(ctx, "silent-2", 1); ErrorCode(err) != CodeCanceled {
		t.Errorf("canceled reserve: %v", err)
	}
}
