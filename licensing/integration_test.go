package licensing

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"imageconverter/functions/wire"
	"imageconverter/licensing/policy"
)

// Scenarios of issue 5 against the real local stack (see stack_test.go).

func email(t *testing.T) string {
	return fmt.Sprintf("lic-%s-%d@example.com", strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-")), time.Now().UnixNano())
}

// grant gives the account a plan through the backend's admin command.
func (st *stack) grant(t *testing.T, email, plan string) {
	t.Helper()
	st.admin(t, "grant", "-email", email, "-plan", plan)
}

// basicAccount signs up a new user on a computer named device, grants Basic
// and refreshes, so the client holds a verified Basic entitlement.
func (st *stack) basicAccount(t *testing.T, ctx context.Context, device string) (c *client, addr string) {
	t.Helper()
	addr = email(t)
	c = st.newClient(t, device)
	s, err := c.SignUp(ctx, addr, "password-1")
	if err != nil {
		t.Fatal(err)
	}
	st.grant(t, s.Email, wire.PlanBasic)
	if err := c.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	return c, addr
}

// secondComputer signs the same account in on another computer.
func (st *stack) secondComputer(t *testing.T, ctx context.Context, device, addr string) *client {
	t.Helper()
	c := st.newClient(t, device)
	if _, err := c.SignIn(ctx, addr, "password-1"); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSignUpGrantRefreshOfflineGrace(t *testing.T) {
	st := requireStack(t)
	a := st.newClient(t, "dev-grace-a")
	ctx := ctxT(t)

	s, err := a.SignUp(ctx, email(t), "password-1")
	if err != nil {
		t.Fatalf("sign up: %v", err)
	}
	if !s.SignedIn || s.Plan != wire.PlanFree || s.Reason != "" || s.GraceDaysLeft != 7 || s.LastRefresh.IsZero() {
		t.Fatalf("after sign-up: %+v", s)
	}
	if r := canUseFormat(a, "avif"); r == nil || r.UpgradeTo != wire.PlanBasic {
		t.Errorf("free plan allows avif: %+v", r)
	}
	plans, err := a.FetchPlans(ctx)
	if err != nil || len(plans) < 3 || plans.Lookup(wire.PlanBasic).PriceKRW != 4900 {
		t.Fatalf("plans: %+v %v", plans, err)
	}
	if _, err := a.FetchPlans(ctx); err != nil || a.calls.get("GET /v1/plans") != 1 {
		t.Errorf("plans fetched %d times in a minute", a.calls.get("GET /v1/plans"))
	}
	if d := decide(a, policy.Request{Format: "webp", IncludesDirs: true, Files: 4}); d.Allowed != 0 || d.Refusals[0].Code != policy.CodeFolders {
		t.Errorf("free plan allows folders: %+v", d)
	}

	st.grant(t, s.Email, wire.PlanBasic)
	// Not on every call: the entitlement is a minute old, so EnsureFresh does nothing...
	before := a.calls.total()
	if err := a.EnsureFresh(ctx); err != nil || a.calls.total() != before || a.Status().Plan != wire.PlanFree {
		t.Fatalf("EnsureFresh called the server for a fresh entitlement (%d -> %d, %v)", before, a.calls.total(), err)
	}
	// ...until the plan changes (after a purchase) or the user asks.
	a.PlanChanged()
	if err := a.EnsureFresh(ctx); err != nil {
		t.Fatal(err)
	}
	s = a.Status()
	if s.Plan != wire.PlanBasic || s.SubscriptionStatus != wire.StatusActive {
		t.Fatalf("after grant: plan=%s status=%s reason=%s", s.Plan, s.SubscriptionStatus, s.Reason)
	}
	if canUseFormat(a, "avif") != nil || canUseFolders(a) != nil || canUseSchedules(a) != nil {
		t.Error("basic: avif, folders or schedules still locked")
	}
	if r := canScan(a); r == nil || r.UpgradeTo != wire.PlanPro {
		t.Errorf("basic scan: %+v", r)
	}
	if d := decide(a, policy.Request{Format: "avif", IncludesDirs: true, Files: 12}); d.Allowed != 10 || d.Queued != 2 {
		t.Errorf("basic folder of 12: %+v", d)
	}

	// A short outage the same day: the run is granted by the ledger and
	// counted on the server as soon as it is back (before the next grant).
	st.down.Store(true)
	a.clock.Add(time.Hour)
	g, err := a.Reserve(ctx, "offline-run-1", 4)
	if err != nil || !g.Offline || g.Granted != 4 {
		t.Fatalf("offline reserve: %+v %v", g, err)
	}
	if err := a.Commit(g.RunID, 3); err != nil {
		t.Fatal(err)
	}
	if s := a.Status(); !s.Offline || s.UsageToday != 3 {
		t.Errorf("offline status: offline=%v usage=%d", s.Offline, s.UsageToday)
	}
	st.down.Store(false)
	g, err = a.Reserve(ctx, "online-run-2", 2)
	if err != nil || g.Offline || g.Granted != 2 {
		t.Fatalf("online reserve: %+v %v", g, err)
	}
	if a.calls.get("POST /v1/usage/sync") != 1 {
		t.Errorf("offline run not synced before the next grant: %v", a.calls.snapshot())
	}
	if *g.Remaining != 50-3-2 {
		t.Errorf("server remaining = %d, want 45 (3 offline + 2 reserved)", *g.Remaining)
	}
	a.Commit(g.RunID, 2)

	// The server stops. The app restarts on the same computer, offline, for a week.
	st.down.Store(true)
	a2 := st.reopen(t, "dev-grace-a", a.path, a.clock)
	a2.clock.Add(6*24*time.Hour + 21*time.Hour)
	if err := a2.EnsureFresh(ctx); ErrorCode(err) != CodeOffline && ErrorCode(err) != "network" {
		t.Fatalf("refresh with the server down: %v", err)
	}
	s = a2.Status()
	if s.Plan != wire.PlanBasic || !s.Offline || s.GraceDaysLeft != 1 {
		t.Fatalf("day 7 offline: plan=%s offline=%v grace=%d reason=%s", s.Plan, s.Offline, s.GraceDaysLeft, s.Reason)
	}
	if canUseFormat(a2, "avif") != nil {
		t.Error("day 7 offline: avif locked")
	}
	g, err = a2.Reserve(ctx, "offline-run-3", 4)
	if err != nil || !g.Offline || g.Granted != 4 {
		t.Fatalf("day 7 offline reserve: %+v %v", g, err)
	}
	a2.Commit(g.RunID, 4)
	a2.clock.Add(3 * time.Hour) // day 8
	s = a2.Status()
	if s.Plan != wire.PlanFree || s.Reason != ReasonExpired {
		t.Fatalf("day 8 offline: plan=%s reason=%s", s.Plan, s.Reason)
	}
	if r := canUseFormat(a2, "avif"); r == nil {
		t.Error("expired entitlement still allows avif")
	}

	// Back online: basic returns. (The week-ahead test clock dates the
	// offline run in the server's future; the server refuses that entry and
	// the client drops it rather than stay stuck.)
	st.down.Store(false)
	if err := a2.EnsureFresh(ctx); err != nil {
		t.Fatal(err)
	}
	s = a2.Status()
	if s.Plan != wire.PlanBasic || s.Offline || s.Reason != "" || s.GraceDaysLeft != 7 {
		t.Fatalf("back online: plan=%s offline=%v reason=%s grace=%d", s.Plan, s.Offline, s.Reason, s.GraceDaysLeft)
	}
}

func TestTamperedAndCopiedEntitlement(t *testing.T) {
	st := requireStack(t)
	ctx := ctxT(t)
	a, _ := st.basicAccount(t, ctx, "dev-tamper-a")
	if a.Status().Plan != wire.PlanBasic {
		t.Fatalf("grant not seen: %+v", a.Status())
	}
	a.mu.Lock()
	genuine := a.st.Token
	// Keychain items must stay small (Windows Credential Manager: 2,560 bytes).
	for _, key := range []string{sessionKey, entitlementKey} {
		t.Logf("keychain item %s: %d bytes", key, len(a.written[key]))
		if n := len(a.written[key]); n == 0 || n > 1500 {
			t.Errorf("keychain item %s is %d bytes", key, n)
		}
	}
	a.mu.Unlock()

	// Tampered: change "basic" to "pro" inside the payload.
	parts := strings.Split(genuine, ".")
	payload := decodeSeg(t, parts[1])
	forged := parts[0] + "." + encodeSeg(strings.Replace(payload, `"plan":"basic"`, `"plan":"pro"`, 1)) + "." + parts[2]
	if forged == genuine {
		t.Fatal("payload had no plan claim to tamper with")
	}
	a.mu.Lock()
	a.st.Token = forged
	a.mu.Unlock()
	if s := a.Status(); s.Plan != wire.PlanFree || s.Reason != ReasonInvalid {
		t.Errorf("tampered: plan=%s reason=%s", s.Plan, s.Reason)
	}

	// Copied to another computer: same account, other device id.
	b := st.newClient(t, "dev-tamper-b")
	st.down.Store(true) // b cannot check online
	defer st.down.Store(false)
	b.mu.Lock()
	b.st = a.st
	b.st.Token = genuine
	b.st.DevKeys = a.st.DevKeys
	b.mu.Unlock()
	if s := b.Status(); s.Plan != wire.PlanFree || s.Reason != ReasonForeignDevice {
		t.Errorf("copied: plan=%s reason=%s", s.Plan, s.Reason)
	}
}

func TestClockMovedBackRequiresOnlineCheck(t *testing.T) {
	st := requireStack(t)
	ctx := ctxT(t)
	a := st.newClient(t, "dev-clock-a")
	s, err := a.SignUp(ctx, email(t), "password-1")
	if err != nil {
		t.Fatal(err)
	}
	st.grant(t, s.Email, wire.PlanBasic)
	if err := a.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	a.clock.Add(2 * time.Hour)
	a.Status()
	a.clock.Add(-26 * time.Hour) // set back a day before the last time seen
	s = a.Status()
	if s.Plan != wire.PlanFree || s.Reason != ReasonClockSetBack || !s.NeedsOnlineCheck {
		t.Fatalf("clock back: plan=%s reason=%s needsOnline=%v", s.Plan, s.Reason, s.NeedsOnlineCheck)
	}
	before := a.calls.get("GET /v1/entitlement") + a.calls.get("POST /v1/entitlement")
	g, err := a.Reserve(ctx, "after-clock-back", 2)
	if err != nil || g.Offline || g.Granted != 2 {
		t.Fatalf("reserve after clock back: %+v %v", g, err)
	}
	if a.calls.get("GET /v1/entitlement")+a.calls.get("POST /v1/entitlement") != before+1 {
		t.Errorf("a clock set back did not force an online check: %v", a.calls.snapshot())
	}
	if s := a.Status(); s.Plan != wire.PlanBasic || s.Reason != "" || s.NeedsOnlineCheck {
		t.Errorf("after online check: plan=%s reason=%s needsOnline=%v", s.Plan, s.Reason, s.NeedsOnlineCheck)
	}
}

func TestDevicesRaceAndDeviceLimit(t *testing.T) {
	st := requireStack(t)
	ctx := ctxT(t)
	a, addr := st.basicAccount(t, ctx, "dev-race-a")
	b := st.secondComputer(t, ctx, "dev-race-b", addr)
	if b.Status().Plan != wire.PlanBasic {
		t.Fatalf("second device: %+v", b.Status())
	}
	// Use 47 of 50, then both computers race for the last 3.
	g, err := a.Reserve(ctx, "warmup", 47)
	if err != nil || g.Granted != 47 {
		t.Fatalf("warm-up: %+v %v", g, err)
	}
	a.Commit("warmup", 47)
	var mu sync.Mutex
	granted := 0
	var wg sync.WaitGroup
	for i := range 6 {
		c := a
		if i%2 == 1 {
			c = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			g, err := c.Reserve(ctx, fmt.Sprintf("race-%d", i), 2)
			if err != nil {
				t.Errorf("race reserve %d: %v", i, err)
				return
			}
			mu.Lock()
			granted += g.Granted
			mu.Unlock()
		}()
	}
	wg.Wait()
	if granted != 3 {
		t.Errorf("the racing devices got %d conversions, want exactly the 3 left", granted)
	}
	if err := a.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if s := a.Status(); s.UsageToday != 50 || *s.Remaining != 0 {
		t.Errorf("after the race: usage=%d remaining=%d", s.UsageToday, *s.Remaining)
	}
	g, err = b.Reserve(ctx, "one-more", 1)
	if err != nil || g.Granted != 0 {
		t.Errorf("over the limit: %+v %v", g, err)
	}

	// A third computer on basic (2 devices): device_limit with the list.
	c := st.newClient(t, "dev-race-c")
	_, err = c.SignIn(ctx, addr, "password-1")
	var le *Error
	if !errors.As(err, &le) || le.Code != string(wire.CodeDeviceLimit) {
		t.Fatalf("third device: %v", err)
	}
	ids := map[string]bool{}
	for _, d := range le.Devices {
		ids[d.ID] = true
	}
	if len(le.Devices) != 2 || !ids["dev-race-a"] || !ids["dev-race-b"] || le.Message == "" {
		t.Errorf("device_limit devices = %+v", le.Devices)
	}
	if s := c.Status(); !s.SignedIn || s.Plan != wire.PlanFree || s.Reason != ReasonDeviceLimit {
		t.Errorf("third device status: %+v", s)
	}
	// It may still convert on the Free plan's terms (the server counts it).
	if d := decide(c, policy.Request{Format: "avif", Files: 1}); len(d.Refusals) == 0 || d.Refusals[0].Code != policy.CodeFormat {
		t.Errorf("device over the limit allowed avif: %+v", d)
	}
	if _, err := c.Reserve(ctx, "over-limit-device", 1); err != nil {
		t.Errorf("reserve on the device over the limit: %v", err)
	}
	// Removing one frees the place.
	if err := c.RemoveDevice(ctx, "dev-race-b"); err != nil {
		t.Fatal(err)
	}
	if err := c.Refresh(ctx); err != nil {
		t.Fatalf("after removing a device: %v", err)
	}
	devs, err := c.Devices(ctx)
	if err != nil || len(devs) != 2 {
		t.Fatalf("devices: %+v %v", devs, err)
	}
	for _, d := range devs {
		if d.ID == "dev-race-c" && !d.Current {
			t.Error("this computer not marked current")
		}
	}
	// The removed computer learns it at its next refresh and drops to Free.
	if err := b.Refresh(ctx); ErrorCode(err) != string(wire.CodeDeviceLimit) {
		t.Fatalf("removed device refresh: %v", err)
	}
	if s := b.Status(); s.Plan != wire.PlanFree || s.Reason != ReasonDeviceLimit {
		t.Errorf("removed device: plan=%s reason=%s", s.Plan, s.Reason)
	}
}

func TestUnauthorizedRefreshesTokenOnce(t *testing.T) {
	st := requireStack(t)
	ctx := ctxT(t)
	a := st.newClient(t, "dev-401-a")
	if _, err := a.SignUp(ctx, email(t), "password-1"); err != nil {
		t.Fatal(err)
	}
	// The ID token is rejected (expired, revoked): the server answers 401.
	a.mu.Lock()
	a.idToken = "not-a-valid-token"
	a.idExpires = time.Now().Add(time.Hour)
	a.mu.Unlock()
	refreshes, listed := a.calls.get("POST /securetoken.googleapis.com/v1/token"), a.calls.get("GET /v1/devices")
	devs, err := a.Devices(ctx)
	if err != nil || len(devs) != 1 {
		t.Fatalf("devices after 401: %+v %v", devs, err)
	}
	if got := a.calls.get("POST /securetoken.googleapis.com/v1/token") - refreshes; got != 1 {
		t.Errorf("token refreshes = %d, want 1", got)
	}
	if got := a.calls.get("GET /v1/devices") - listed; got != 2 {
		t.Errorf("device calls = %d, want 2 (401, then success)", got)
	}
}

// One computer's conversions of a day count once: signing in as a Free user
// after converting signed out does not give the day's conversions again, and
// neither does signing out after converting signed in.
func TestSignedOutAndAccountUseAddUp(t *testing.T) {
	st := requireStack(t)
	ctx := ctxT(t)
	c := st.newClient(t, "dev-anon-"+t.Name())
	use := func(run string, n int) {
		t.Helper()
		g, err := c.Reserve(ctx, run, n)
		if err != nil || g.Granted != n {
			t.Fatalf("reserve %s: %+v %v", run, g, err)
		}
		if err := c.Commit(run, n); err != nil {
			t.Fatal(err)
		}
	}
	use("anon-run-1", 3)
	if r := c.Status().Remaining; r == nil || *r != 2 {
		t.Fatalf("signed out after 3: remaining %v, want 2", r)
	}
	addr := email(t)
	if _, err := c.SignUp(ctx, addr, "password-1"); err != nil {
		t.Fatal(err)
	}
	s := c.Status()
	if s.Plan != wire.PlanFree || s.Remaining == nil || *s.Remaining != 2 {
		t.Fatalf("signed in as Free after 3 signed-out conversions: %+v, want 2 left", s)
	}
	// The server counted them too: a refresh says the same.
	if err := c.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if s := c.Status(); s.UsageToday != 3 || *s.Remaining != 2 {
		t.Fatalf("after refresh: used %d, remaining %d; want 3 and 2", s.UsageToday, *s.Remaining)
	}
	// Signing out and in again does not count them twice.
	if err := c.SignOut(); err != nil {
		t.Fatal(err)
	}
	if r := c.Status().Remaining; *r != 2 {
		t.Errorf("signed out again: remaining %d, want 2", *r)
	}
	if _, err := c.SignIn(ctx, addr, "password-1"); err != nil {
		t.Fatal(err)
	}
	if err := c.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if s := c.Status(); s.UsageToday != 3 {
		t.Fatalf("signed in again: used %d, want 3", s.UsageToday)
	}
	use("account-run-1", 2)
	if r := c.Status().Remaining; *r != 0 {
		t.Fatalf("signed in after 5: remaining %d, want 0", *r)
	}
	if err := c.SignOut(); err != nil {
		t.Fatal(err)
	}
	if r := c.Status().Remaining; *r != 0 {
		t.Errorf("signed out after the account used the day's 5: remaining %d, want 0", *r)
	}
}

// decodeSeg and encodeSeg read and write a JWS segment (base64url, no padding).
func decodeSeg(t *testing.T, s string) string {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func encodeSeg(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
