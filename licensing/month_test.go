package licensing

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"imageconverter/functions/wire"
)

// TestMonthOfServerCalls simulates a month of a typical user through the
// licensing client and counts every request at the http.RoundTripper:
// Basic plan, the app opened every day, two runs a day (one of them skipping a
// file now and then), one renewal in the middle of the month. Run with -v to
// see the figures (docs/licensing.md records them).
func TestMonthOfServerCalls(t *testing.T) {
	st := requireStack(t)
	ctx := ctxT(t)
	a := st.newClient(t, "dev-month-a")
	s, err := a.SignUp(ctx, email(t), "password-1")
	if err != nil {
		t.Fatal(err)
	}
	st.grant(t, s.Email, wire.PlanBasic)
	a.PlanChanged()
	if err := a.EnsureFresh(ctx); err != nil {
		t.Fatal(err)
	}
	setup := a.calls.snapshot()
	a.calls.mu.Lock()
	a.calls.calls, a.calls.refused = map[string]int{}, map[string]int{}
	a.calls.mu.Unlock()

	// The server's quota day follows the real clock while the client's clock
	// runs a month ahead, so every run lands on the same server day: keep the
	// month's runs under Basic's 50 a day (2 runs × ~0.8 file × 30 days).
	start := a.clock.Now()
	var renewedAt time.Time
	for day := range 30 {
		a.clock.t = start.Add(time.Duration(day)*24*time.Hour + 2*time.Hour)
		if err := a.EnsureFresh(ctx); err != nil { // the app opens
			t.Fatalf("day %d: %v", day, err)
		}
		if day == 15 { // the renewal job extends the subscription
			st.grant(t, s.Email, wire.PlanBasic)
			renewedAt = a.clock.Now()
		}
		for run := range 2 {
			a.clock.Add(3 * time.Hour)
			want := 1
			if run == 1 && day%3 != 0 {
				want = 0 // most second runs are a photo already converted: nothing to reserve
			}
			if want == 0 {
				continue
			}
			id := fmt.Sprintf("month-%d-%d", day, run)
			g, err := a.Reserve(ctx, id, want)
			if err != nil {
				t.Fatalf("day %d run %d: %v", day, run, err)
			}
			written := g.Granted
			if day%7 == 3 {
				written = 0 // output larger than the original: kept, not counted
			}
			if err := a.Commit(id, written); err != nil {
				t.Fatal(err)
			}
		}
	}
	if a.Status().Plan != wire.PlanBasic || renewedAt.IsZero() {
		t.Errorf("end of month: %+v", a.Status())
	}

	calls := a.calls.snapshot()
	keys := make([]string, 0, len(calls))
	fn, auth := 0, 0
	for k, v := range calls {
		keys = append(keys, k)
		if strings.Contains(k, "/v1/") && !strings.Contains(k, "googleapis") && !strings.Contains(k, "accounts:") {
			fn += v
		} else {
			auth += v
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "  %-45s %d\n", k, calls[k])
	}
	a.calls.mu.Lock()
	refused := fmt.Sprint(a.calls.refused)
	a.calls.mu.Unlock()
	t.Logf("one month, Basic, daily use: %d calls to the functions API, %d to Firebase Auth\n%s(sign-up itself: %v; throttled or failed attempts, retried: %s)", fn, auth, b.String(), setup, refused)
	if calls["GET /v1/entitlement"] > 31 {
		t.Errorf("entitlement fetched %d times in 30 days: it must be cached for a day", calls["GET /v1/entitlement"])
	}
	if fn > 31+40+10 {
		t.Errorf("%d function calls in a month", fn)
	}
}
