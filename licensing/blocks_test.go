package licensing

import (
	"context"
	"strings"
	"testing"
	"time"

	"imageconverter/functions/wire"
)

// Day blocks against the real server: the first run of the day reserves a
// block, later runs draw from it without a call, a second computer can never
// get more than the block left, and the unused rest goes back through a sync
// when this computer needs it. A Pro run costs no call at all; the next
// refresh carries it (POST /v1/entitlement).
func TestBlocksAndLocalCounting(t *testing.T) {
	st := requireStack(t)
	ctx := ctxT(t)
	a, addr := st.basicAccount(t, ctx, "dev-block-a")
	b := st.secondComputer(t, ctx, "dev-block-b", addr)
	before := a.calls.get(routeReserve)

	g, err := a.Reserve(ctx, "blk-1", 1)
	if err != nil || g.Granted != 1 || *g.Remaining != 49 {
		t.Fatalf("first run: %+v %v", g, err)
	}
	if s := a.Status(); s.UsageToday != 1 {
		t.Errorf("usage with a block of 10 = %d, want 1 (the rest is still this computer's)", s.UsageToday)
	}
	g, err = a.Reserve(ctx, "blk-2", 3)
	if err != nil || g.Granted != 3 {
		t.Fatalf("second run: %+v %v", g, err)
	}
	if n := a.calls.get(routeReserve) - before; n != 1 {
		t.Errorf("two runs made %d reserve calls, want 1 (the block)", n)
	}
	if again, err := a.Reserve(ctx, "blk-2", 3); err != nil || again.Granted != 3 || a.calls.get(routeReserve)-before != 1 {
		t.Errorf("repeated run id: %+v %v", again, err)
	}
	a.Commit("blk-1", 1)
	a.Commit("blk-2", 2) // one file skipped: 7 of the block left

	// The other computer: the server counts a's whole block, so b gets 40.
	g, err = b.Reserve(ctx, "blk-b", 45)
	if err != nil || g.Granted != 40 {
		t.Fatalf("second computer: %+v %v (want the 40 the server has left)", g, err)
	}
	b.Commit("blk-b", 40)

	// a needs 8 but holds 7: it closes the block, finds the server empty,
	// gives its 7 back and gets them again in a new block.
	g, err = a.Reserve(ctx, "blk-3", 8)
	if err != nil || g.Granted != 7 {
		t.Fatalf("after the other computer took the rest: %+v %v (want 7)", g, err)
	}
	a.Commit("blk-3", 7)
	if err := a.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if s := a.Status(); s.UsageToday != 50 || *s.Remaining != 0 {
		t.Errorf("end of the day: usage=%d remaining=%d, want 50 and 0 (1+2+40+7)", s.UsageToday, *s.Remaining)
	}

	// Pro: no reservation, counted here, reported by the next sync.
	p := st.newClient(t, "dev-block-p")
	ps, err := p.SignUp(ctx, email(t), "password-1")
	if err != nil {
		t.Fatal(err)
	}
	st.grant(t, ps.Email, wire.PlanPro)
	if err := p.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	g, err = p.Reserve(ctx, "pro-1", 120)
	if err != nil || g.Granted != 120 || g.Remaining != nil {
		t.Fatalf("pro run: %+v %v", g, err)
	}
	p.Commit("pro-1", 118)
	if n := p.calls.get(routeReserve); n != 0 {
		t.Errorf("pro run made %d reserve calls", n)
	}
	if s := p.Status(); s.UsageToday != 118 {
		t.Errorf("pro usage before sync = %d, want 118", s.UsageToday)
	}
	before = p.calls.get(routeEntitlementPost)
	if err := p.Refresh(ctx); err != nil { // a refresh carries everything waiting
		t.Fatal(err)
	}
	if n, m := p.calls.get(routeSync), p.calls.get(routeEntitlementPost)-before; n != 0 || m != 1 {
		t.Errorf("pro sync calls = %d, entitlement POSTs = %d; want 0 and 1 (the sync rides on the refresh)", n, m)
	}
	p.mu.Lock()
	server, pending := p.st.Ledger.ServerUsage, len(p.st.Ledger.pending())
	p.mu.Unlock()
	if server != 118 || pending != 0 {
		t.Errorf("server usage after the sync = %d (pending %d), want 118", server, pending)
	}
}

// On Pro a run needs no server at all (the API here is a closed port): it is
// counted in the ledger and waits for the next refresh, which carries it.
func TestProRunsCountedLocally(t *testing.T) {
	e := newOffline(t, "dev-a")
	e.install(t, "u1", wire.PlanPro, "dev-a")
	g, err := e.svc.Reserve(context.Background(), "pro-run", 300)
	if err != nil || g.Granted != 300 || g.Remaining != nil || g.Offline {
		t.Fatalf("pro reserve: %+v %v", g, err)
	}
	if err := e.svc.Commit("pro-run", 290); err != nil {
		t.Fatal(err)
	}
	if s := e.svc.Status(); s.UsageToday != 290 || s.Offline {
		t.Errorf("status: usage=%d offline=%v", s.UsageToday, s.Offline)
	}
	e.svc.mu.Lock()
	defer e.svc.mu.Unlock()
	p := e.svc.st.Ledger.pending()
	if len(p) != 1 || p[0].Count != 290 {
		t.Errorf("pending = %+v, want the run with 290", p)
	}
	if e.svc.st.Ledger.hasOffline(false) {
		t.Error("a Pro run counts as an offline run that must reach the server before any reservation")
	}
}

// The first run of a day with a refresh due costs one call: POST
// /v1/entitlement carries yesterday's settlement and asks for the run's
// block. Runs drawing from it cost none; when nothing is left the same call
// answers granted 0. (Day machine: the server lives on the test's calendar.)
func TestFirstRunOfTheDayIsOneCall(t *testing.T) {
	st := requireStack(t)
	ctx := ctxT(t)
	start := time.Now().In(wire.Korea)
	start = time.Date(start.Year(), start.Month(), start.Day(), 10, 0, 0, 0, wire.Korea)
	m := newDayMachine(t, &fakeClock{t: start})
	a := st.newSimClient(t, "dev-first-run", m)
	s, err := a.SignUp(ctx, email(t), "password-1")
	if err != nil {
		t.Fatal(err)
	}
	m.mu.Lock()
	m.uid = s.UserID
	m.mu.Unlock()
	st.grant(t, s.Email, wire.PlanBasic)
	a.PlanChanged()
	if err := a.EnsureFresh(ctx); err != nil {
		t.Fatal(err)
	}
	// Day 0: a block of 10 (the refresh after a plan change asks for none), 1 used.
	if g, err := a.Reserve(ctx, "first-0", 3); err != nil || g.Granted != 3 {
		t.Fatalf("day 0: %+v %v", g, err)
	}
	a.Commit("first-0", 1)

	// Day 1, the app left open overnight: the run finds the refresh due.
	a.clock.Add(27 * time.Hour)
	before := a.calls.snapshot()
	g, err := a.Reserve(ctx, "first-1", 2)
	if err != nil || g.Granted != 2 || g.Offline || *g.Remaining != 48 {
		t.Fatalf("day 1: %+v %v", g, err)
	}
	if g2, err := a.Reserve(ctx, "first-2", 3); err != nil || g2.Granted != 3 {
		t.Fatalf("day 1, second run: %+v %v", g2, err)
	}
	diff := func() map[string]int {
		d := map[string]int{}
		for k, v := range a.calls.snapshot() {
			if strings.HasPrefix(k, "GET /v1/") || strings.HasPrefix(k, "POST /v1/") {
				if n := v - before[k]; n != 0 {
					d[k] = n
				}
			}
		}
		return d
	}
	if d := diff(); len(d) != 1 || d[routeEntitlementPost] != 1 {
		t.Errorf("day 1 calls = %v, want one POST /v1/entitlement", d)
	}
	a.mu.Lock()
	pending, server := a.st.Ledger.pending(), a.st.Ledger.ServerUsage
	a.mu.Unlock()
	if len(pending) != 0 || server != 10 {
		t.Errorf("after the call: pending %+v (day 0's settlement not sent?), server usage %d (want the block of 10)", pending, server)
	}

	// Day 2: the whole limit in one run, then (a refresh forced) nothing left.
	a.clock.Add(24 * time.Hour)
	before = a.calls.snapshot()
	if g, err := a.Reserve(ctx, "first-3", 50); err != nil || g.Granted != 50 || *g.Remaining != 0 {
		t.Fatalf("day 2: %+v %v", g, err)
	}
	a.Commit("first-3", 50)
	a.PlanChanged()
	g, err = a.Reserve(ctx, "first-4", 1)
	if err != nil || g.Granted != 0 || g.Remaining == nil || *g.Remaining != 0 || g.Offline {
		t.Fatalf("day 2 over the limit: %+v %v", g, err)
	}
	if d := diff(); len(d) != 1 || d[routeEntitlementPost] != 2 {
		t.Errorf("day 2 calls = %v, want two POST /v1/entitlement", d)
	}
}
