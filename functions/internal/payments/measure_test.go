package payments

import (
	"os"
	"sort"
	"strconv"
	"testing"
	"time"

	"imageconverter/functions/toss/faketoss"
	"imageconverter/functions/wire"
)

// TestMeasurePayments reports latencies of the payment flows against the
// emulators (not a timed pass/fail test). Run with IC_MEASURE=1 [IC_MEASURE_N=50]:
//
//	IC_MEASURE=1 go test -run TestMeasurePayments -v .
func TestMeasurePayments(t *testing.T) {
	if os.Getenv("IC_MEASURE") != "1" {
		t.Skip("set IC_MEASURE=1 to measure the payment flows")
	}
	n := 50
	if v, err := strconv.Atoi(os.Getenv("IC_MEASURE_N")); err == nil && v > 0 {
		n = v
	}
	e := newPayEnv(t, kst(seoulTZ(), 2027, 1, 15, 9))
	var checkout, confirm, issue []time.Duration
	for i := 0; i < n; i++ {
		_, token := e.user("ko")
		t0 := time.Now()
		c := e.checkout(token, "basic", modeOnce)
		checkout = append(checkout, time.Since(t0))
		key := e.fake.OpenPayment(c.OrderID, c.OrderName, c.Amount, faketoss.CardOK)
		t0 = time.Now()
		e.mustCall("POST", "/v1/payments/confirm", "", wire.ConfirmRequest{PaymentKey: key, OrderID: c.OrderID, Amount: c.Amount}, nil)
		confirm = append(confirm, time.Since(t0))

		_, token = e.user("ko")
		c = e.checkout(token, "pro", modeSubscription)
		authKey := e.fake.AuthorizeBilling(c.CustomerKey, faketoss.CardOK)
		t0 = time.Now()
		e.mustCall("POST", "/v1/billing/issue", "", wire.BillingIssueRequest{AuthKey: authKey, CustomerKey: c.CustomerKey, OrderID: c.OrderID}, nil)
		issue = append(issue, time.Since(t0))
	}
	e.clock.Set(kst(e.seoul, 2027, 2, 12, 9))
	// IC_MEASURE_TOSS_LATENCY (e.g. 800ms) makes each Toss POST that slow,
	// like a card company, for the renewal run.
	if d, err := time.ParseDuration(os.Getenv("IC_MEASURE_TOSS_LATENCY")); err == nil {
		e.fake.Latency = d
	}
	t0 := time.Now()
	r := e.runRenewals()
	run := time.Since(t0)
	pct := func(d []time.Duration, p float64) time.Duration {
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		return d[int(float64(len(d)-1)*p)]
	}
	for _, m := range []struct {
		name string
		d    []time.Duration
	}{{"checkout", checkout}, {"confirm", confirm}, {"billing issue", issue}} {
		t.Logf("%-14s n=%d p50=%v p99=%v", m.name, len(m.d), pct(m.d, .5).Round(time.Millisecond), pct(m.d, .99).Round(time.Millisecond))
	}
	t.Logf("renewal run (Toss latency %v): %d due, %d charged in %v (%v per renewal)", e.fake.Latency, r.Due, r.Charged, run.Round(time.Millisecond), (run / time.Duration(max(r.Charged, 1))).Round(time.Millisecond))
	if r.Charged != n {
		t.Fatalf("renewals charged %d of %d", r.Charged, n)
	}
}
