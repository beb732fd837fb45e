package licensing

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"imageconverter/functions/wire"
)

// Calls per user per month (near the plan's design figure, ≈12).
// Each scenario is a month of one user through the licensing client against
// the real local stack, on the day machine's calendar (daymachine_test.go),
// counting every request at the http.RoundTripper. Run with -v to see the
// per-route figures (docs/licensing.md records them). The bounds below are
// per route, so a change that adds calls fails here, whatever the timing.

// monthScenario is how a user uses the app over 30 days.
type monthScenario struct {
	name string
	plan string
	// runs returns the files each run of that day writes, or nil when the
	// app is not opened that day. A run of 0 files reserves nothing.
	runs func(day int) []int
	// written is what a run really writes of what was granted (skips, outputs kept larger).
	written func(day, run, granted int) int
	bounds  map[string]int // per route (and "total"): at most
}

type monthResult struct {
	calls   map[string]int
	total   int
	days    int // days the app was opened
	runs    int // runs that converted something
	refused string
}

func runMonth(t *testing.T, sc monthScenario) monthResult {
	st := requireStack(t)
	ctx := ctxT(t)
	// The month starts at 10:00 in Seoul today; each day the app opens at
	// 10:00 and runs at 13:00 and 16:00, so no run crosses a Seoul midnight.
	start := time.Now().In(wire.Korea)
	start = time.Date(start.Year(), start.Month(), start.Day(), 10, 0, 0, 0, wire.Korea)
	m := newDayMachine(t, &fakeClock{t: start})
	a := st.newSimClient(t, "dev-month-"+sc.plan, m)
	s, err := a.SignUp(ctx, email(t), "password-1")
	if err != nil {
		t.Fatal(err)
	}
	m.mu.Lock()
	m.uid = s.UserID
	m.mu.Unlock()
	st.grant(t, s.Email, sc.plan)
	a.PlanChanged()
	if err := a.EnsureFresh(ctx); err != nil {
		t.Fatal(err)
	}
	if a.Status().Plan != sc.plan {
		t.Fatalf("after the grant: %+v", a.Status())
	}
	a.calls.mu.Lock()
	a.calls.calls, a.calls.refused = map[string]int{}, map[string]int{}
	a.calls.mu.Unlock()

	var res monthResult
	for day := range 30 {
		a.clock.mu.Lock()
		a.clock.t = start.Add(time.Duration(day) * 24 * time.Hour)
		a.clock.mu.Unlock()
		runs := sc.runs(day)
		if runs == nil {
			continue
		}
		res.days++
		if err := a.EnsureFresh(ctx); err != nil { // the app opens
			t.Fatalf("day %d: %v", day, err)
		}
		if day == 15 { // the renewal job extends the subscription (no call from the app)
			st.grant(t, s.Email, sc.plan)
		}
		for run, files := range runs {
			a.clock.Add(3 * time.Hour)
			if files == 0 {
				continue // a photo already converted: nothing to reserve
			}
			id := fmt.Sprintf("month-%d-%d", day, run)
			g, err := a.Reserve(ctx, id, files)
			if err != nil {
				t.Fatalf("day %d run %d: %v", day, run, err)
			}
			if g.Granted != files {
				t.Fatalf("day %d run %d: granted %d of %d (%+v)", day, run, g.Granted, files, a.Status())
			}
			res.runs++
			if err := a.Commit(id, sc.written(day, run, g.Granted)); err != nil {
				t.Fatal(err)
			}
		}
		if st := a.Status(); st.Plan != sc.plan || st.Reason != "" {
			t.Fatalf("day %d: plan %s reason %s", day, st.Plan, st.Reason)
		}
	}
	// Everything of past days has reached the server (with the refreshes):
	// only the last day's runs and block may still wait.
	a.mu.Lock()
	for _, e := range a.st.Ledger.pending() {
		if e.Day != DayOf(a.clock.Now()) {
			t.Errorf("entry of %s never sent: %+v", e.Day, e)
		}
	}
	a.mu.Unlock()
	res.calls = a.calls.snapshot()
	for k, v := range res.calls {
		if strings.HasPrefix(k, "GET /v1/") || strings.HasPrefix(k, "POST /v1/") || strings.HasPrefix(k, "DELETE /v1/") {
			res.total += v
		}
	}
	a.calls.mu.Lock()
	res.refused = fmt.Sprint(a.calls.refused)
	a.calls.mu.Unlock()

	keys := make([]string, 0, len(res.calls))
	for k := range res.calls {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "  %-40s %d\n", k, res.calls[k])
	}
	t.Logf("%s: %d days opened, %d runs: %d calls to the functions API\n%s(throttled or failed attempts, retried, not counted: %s)",
		sc.name, res.days, res.runs, res.total, b.String(), res.refused)
	for route, most := range sc.bounds {
		got := res.calls[route]
		switch route {
		case "total":
			got = res.total
		case routeAnyEntitlement:
			got = res.calls[routeEntitlement] + res.calls[routeEntitlementPost]
		}
		if got > most {
			t.Errorf("%s: %s = %d, at most %d", sc.name, route, got, most)
		}
	}
	return res
}

const (
	routeEntitlement     = "GET /v1/entitlement"
	routeEntitlementPost = "POST /v1/entitlement" // with sync entries and the day's block
	routeAnyEntitlement  = "entitlement"          // GET + POST, for bounds
	routeReserve         = "POST /v1/usage/reserve"
	routeSync            = "POST /v1/usage/sync"
)

// TestMonthOfServerCalls: (a) a Basic user who opens the app every day and
// converts on 40 runs, sometimes writing fewer files than granted; (b) the
// design figure's user: the app on 3 days a week, 1–2 runs a day; (c) (a) on
// Pro, which has no daily limit.
func TestMonthOfServerCalls(t *testing.T) {
	daily := func(day int) []int {
		second := 0
		if day%3 == 0 {
			second = 1
		}
		return []int{1, second} // 30 + 10 = 40 runs
	}
	written := func(day, run, granted int) int {
		if day%7 == 3 {
			return 0 // output larger than the original: kept, not counted
		}
		return granted
	}
	typical := func(day int) []int {
		switch day % 7 {
		case 0: // Monday: two runs
			return []int{3, 1}
		case 2, 4:
			return []int{2}
		}
		return nil
	}
	t.Run("daily-basic", func(t *testing.T) {
		r := runMonth(t, monthScenario{name: "(a) Basic, every day, 40 runs", plan: wire.PlanBasic, runs: daily, written: written,
			// One refresh per day after the first, carrying the waiting
			// settlements and the day's block (measured 29 POST
			// /v1/entitlement + 1 reserve on day 0 = 30; with separate
			// calls 29/30/2 = 61; one reservation per run: 29/40/4 = 73).
			bounds: map[string]int{routeAnyEntitlement: 29, routeReserve: 1, routeSync: 0, "total": 31}})
		if r.runs != 40 {
			t.Errorf("runs = %d, want 40", r.runs)
		}
	})
	t.Run("typical-basic", func(t *testing.T) {
		r := runMonth(t, monthScenario{name: "(b) Basic, 3 days a week, 1–2 runs", plan: wire.PlanBasic, runs: typical, written: written,
			// Measured 12 POST /v1/entitlement + 1 reserve = 13; with
			// separate calls 12/13/2 = 27; one reservation per run: 12/18/0 = 30.
			bounds: map[string]int{routeAnyEntitlement: 12, routeReserve: 1, routeSync: 0, "total": 14}})
		if r.days != 13 {
			t.Errorf("days = %d, want 13", r.days)
		}
	})
	t.Run("daily-pro", func(t *testing.T) {
		runMonth(t, monthScenario{name: "(c) Pro, every day, 40 runs", plan: wire.PlanPro, runs: daily, written: written,
			// Measured 29 POST /v1/entitlement = 29; with separate calls
			// 29/0/2 = 31; one reservation per run: 29/40/4 = 73.
			bounds: map[string]int{routeAnyEntitlement: 29, routeReserve: 0, routeSync: 0, "total": 30}})
	})
}
