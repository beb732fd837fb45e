package payments

import (
	"fmt"
	"strings"
	"testing"

	"imageconverter/functions/internal/fscount"
	"imageconverter/functions/toss/faketoss"
	"imageconverter/functions/wire"
)

// Firestore operations of each payment route, counted on the way to the
// emulator and held to a budget (docs/server-cost.md prices them). These
// routes run a few times per paying user per month; the receipts and notices
// are mail documents (one write each).
func TestPaymentRouteFirestoreBudgets(t *testing.T) {
	e := newPayEnv(t, kst(seoulTZ(), 2027, 3, 10, 9))
	e.svc.cfg.TossBillingUpgrades = true
	_, token := e.user("ko")
	_, token2 := e.user("ko")
	var once, sub wire.CheckoutResponse
	var paymentKey string
	type step struct {
		name   string
		budget fscount.Ops
		run    func()
	}
	// Prepared before a step, not counted.
	prepare := map[string]func(){
		"POST /v1/renewals/run (one renewal)": func() { e.clock.Set(kst(e.seoul, 2027, 4, 7, 9)) },
	}
	steps := []step{
		{"POST /v1/checkout", fscount.Ops{Reads: 2, Writes: 2}, func() { once = e.checkout(token, "basic", modeOnce) }},
		{"GET /v1/checkout/{orderId}", fscount.Ops{Reads: 1}, func() { e.mustCall("GET", "/v1/checkout/"+once.OrderID, "", nil, nil) }},
		{"POST /v1/payments/confirm", fscount.Ops{Reads: 5, Writes: 6}, func() {
			paymentKey = e.fake.OpenPayment(once.OrderID, once.OrderName, once.Amount, faketoss.CardOK)
			e.mustCall("POST", "/v1/payments/confirm", "", wire.ConfirmRequest{PaymentKey: paymentKey, OrderID: once.OrderID, Amount: once.Amount}, nil)
		}},
		{"POST /v1/checkout (subscription)", fscount.Ops{Reads: 2, Writes: 2}, func() { sub = e.checkout(token2, "basic", modeSubscription) }},
		{"POST /v1/billing/issue", fscount.Ops{Reads: 5, Writes: 6}, func() {
			e.mustCall("POST", "/v1/billing/issue", "", wire.BillingIssueRequest{AuthKey: e.fake.AuthorizeBilling(sub.CustomerKey, faketoss.CardOK), CustomerKey: sub.CustomerKey, OrderID: sub.OrderID}, nil)
		}},
		{"POST /v1/subscription/cancel", fscount.Ops{Reads: 2, Writes: 3}, func() { e.mustCall("POST", "/v1/subscription/cancel", token2, nil, nil) }},
		{"POST /v1/subscription/resume", fscount.Ops{Reads: 2, Writes: 3}, func() { e.mustCall("POST", "/v1/subscription/resume", token2, nil, nil) }},
		{"POST /v1/subscription/change (upgrade by card)", fscount.Ops{Reads: 8, Writes: 7}, func() {
			e.mustCall("POST", "/v1/subscription/change", token2, wire.ChangePlanRequest{Plan: "pro"}, nil)
		}},
		{"POST /v1/renewals/run (nothing due)", fscount.Ops{Reads: 1}, func() { e.runRenewals() }},
		{"POST /v1/renewals/run (one renewal)", fscount.Ops{Reads: 8, Writes: 7}, func() {
			if r := e.runRenewals(); r.Charged != 1 || r.Due != 1 {
				t.Fatalf("renewal: %+v", r)
			}
		}},
		{"POST /v1/webhooks/toss (refund)", fscount.Ops{Reads: 5, Writes: 6}, func() {
			p, err := e.fake.Refund(paymentKey, "고객 요청")
			if err != nil {
				t.Fatal(err)
			}
			e.mustCall("POST", "/v1/webhooks/toss?merchant=once", "", map[string]any{"eventType": "PAYMENT_STATUS_CHANGED", "data": p}, nil)
		}},
	}
	var table strings.Builder
	for _, s := range steps {
		if p := prepare[s.name]; p != nil {
			p()
		}
		// The plans are cached per instance for 30 s (3 reads a refresh,
		// counted apart in docs/server-cost.md); the step's clock may have
		// moved past that.
		if _, err := e.store.Plans(e.ctx); err != nil {
			t.Fatal(err)
		}
		before := e.ops.Now()
		s.run()
		got := e.ops.Now().Sub(before)
		fmt.Fprintf(&table, "\n  %-48s %2d reads %2d writes %2d deletes (budget %d/%d/%d)", s.name, got.Reads, got.Writes, got.Deletes, s.budget.Reads, s.budget.Writes, s.budget.Deletes)
		if got.Reads > s.budget.Reads || got.Writes > s.budget.Writes || got.Deletes > s.budget.Deletes {
			t.Errorf("%s: %s, over its budget of %s", s.name, got, s.budget)
		}
	}
	t.Logf("Firestore operations per call:%s", table.String())
}
