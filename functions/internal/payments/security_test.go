package payments

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"imageconverter/functions/internal/store"
	"imageconverter/functions/toss"
	"imageconverter/functions/toss/faketoss"
	"imageconverter/functions/wire"
)

// Regression tests of the payment security review (docs/payments.md): each
// fails without its fix.

func (e *payEnv) order(id string) store.OrderDoc {
	e.t.Helper()
	snap, err := e.fs.Collection(store.ColOrders).Doc(id).Get(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	var o store.OrderDoc
	if err := snap.DataTo(&o); err != nil {
		e.t.Fatal(err)
	}
	return o
}

// An upgrade priced an hour before the period ends must not buy a full Pro
// month once the period has ended: confirm refuses it before Toss is called,
// and a payment that reaches us anyway (webhook) changes nothing.
func TestUpgradeOrderRefusedAfterThePeriodEnds(t *testing.T) {
	e := newPayEnv(t, kst(seoulTZ(), 2027, 6, 1, 0))
	uid, token := e.user("ko")
	if _, _, status, code := e.buyOnce(token, "basic", faketoss.CardOK); status != 200 {
		t.Fatalf("basic: %d %s", status, code)
	}
	end := kst(e.seoul, 2027, 7, 1, 0)
	e.clock.Set(end.Add(-time.Hour))
	c := e.checkout(token, "pro", modeOnce)
	if c.Kind != kindUpgrade || c.Amount >= 1000 {
		t.Fatalf("upgrade order = %+v", c)
	}
	// The buyer opens the payment window just before the end (it stays open
	// 10 minutes) and comes back just after it.
	e.clock.Set(end.Add(-5 * time.Minute))
	key := e.fake.OpenPayment(c.OrderID, c.OrderName, c.Amount, faketoss.CardOK)
	e.clock.Set(end.Add(time.Minute)) // the period is over; the user is on free
	if status, code := e.call("GET", "/v1/checkout/"+c.OrderID, "", nil, nil); status != 409 || code != string(wire.CodeConflict) {
		t.Fatalf("order info of a stale upgrade: %d %s (the page must not open the payment window)", status, code)
	}
	if status, code := e.call("POST", "/v1/payments/confirm", "", wire.ConfirmRequest{PaymentKey: key, OrderID: c.OrderID, Amount: c.Amount}, nil); status != 409 || code != string(wire.CodeConflict) {
		t.Fatalf("confirm of a stale upgrade: %d %s", status, code)
	}
	if n := e.approvalsFor(c.OrderID); n != 0 {
		t.Fatalf("%d approvals of the stale upgrade", n)
	}
	// The payment is approved at Toss anyway (a confirm racing the period
	// end); its DONE webhook must not start a Pro month.
	tp, err := e.svc.once.Confirm(e.ctx, toss.ConfirmRequest{PaymentKey: key, OrderID: c.OrderID, Amount: c.Amount}, "test-"+c.OrderID)
	if err != nil {
		t.Fatal(err)
	}
	e.mustCall("POST", "/v1/webhooks/toss", "", map[string]any{"eventType": "PAYMENT_STATUS_CHANGED", "data": tp}, nil)
	d := e.sub(uid)
	if d.Plan != "basic" || !d.CurrentPeriodEnd.Equal(end) {
		t.Fatalf("a stale upgrade changed the subscription: %+v", d)
	}
	if o := e.order(c.OrderID); o.Status != store.OrderPaid || !o.Unapplied {
		t.Fatalf("order = %+v, want paid and unapplied", o)
	}
}

// Variant: the upgrade is priced before the automatic renewal and paid after
// it; the renewed month must not become Pro for the old price.
func TestUpgradeOrderRefusedAfterARenewal(t *testing.T) {
	e := newPayEnv(t, kst(seoulTZ(), 2027, 6, 1, 0))
	uid, token := e.user("ko")
	e.subscribe(token, "basic", faketoss.CardOK)
	end := kst(e.seoul, 2027, 7, 1, 0)
	e.clock.Set(end.Add(-renewLead - time.Hour))
	c := e.checkout(token, "pro", modeOnce)
	key := e.fake.OpenPayment(c.OrderID, c.OrderName, c.Amount, faketoss.CardOK)
	e.clock.Set(end.Add(-renewLead))
	if r := e.runRenewals(); r.Charged != 1 {
		t.Fatalf("renewal: %+v", r)
	}
	if status, code := e.call("POST", "/v1/payments/confirm", "", wire.ConfirmRequest{PaymentKey: key, OrderID: c.OrderID, Amount: c.Amount}, nil); status != 409 {
		t.Fatalf("confirm after the renewal: %d %s", status, code)
	}
	if d := e.sub(uid); d.Plan != "basic" || !d.CurrentPeriodEnd.Equal(kst(e.seoul, 2027, 8, 1, 0)) || e.approvalsFor(c.OrderID) != 0 {
		t.Fatalf("after refused upgrade: %+v", d)
	}
	// A fresh upgrade is priced for the new period and goes through.
	c2 := e.checkout(token, "pro", modeOnce)
	key2 := e.fake.OpenPayment(c2.OrderID, c2.OrderName, c2.Amount, faketoss.CardOK)
	var s wire.SubscriptionResponse
	e.mustCall("POST", "/v1/payments/confirm", "", wire.ConfirmRequest{PaymentKey: key2, OrderID: c2.OrderID, Amount: c2.Amount}, &s)
	if s.Plan != "pro" || !s.CurrentPeriodEnd.Equal(kst(e.seoul, 2027, 8, 1, 0)) || c2.Amount <= c.Amount {
		t.Fatalf("fresh upgrade: %+v (amount %d, stale %d)", s, c2.Amount, c.Amount)
	}
}

// Decline → cancel → resume: the next run must charge (it used to rebuild
// the failed order id and skip it on every run).
func TestResumeAfterDeclineChargesTheNextRun(t *testing.T) {
	e := newPayEnv(t, kst(seoulTZ(), 2027, 4, 15, 12))
	uid, token := e.user("ko")
	c, _ := e.subscribe(token, "basic", faketoss.CardOK)
	end := kst(e.seoul, 2027, 5, 15, 12)
	e.fake.SetCustomerCard(c.CustomerKey, faketoss.CardDeclined)
	e.clock.Set(end.Add(-renewLead))
	if r := e.runRenewals(); r.Declined != 1 {
		t.Fatalf("first try: %+v", r)
	}
	e.mustCall("POST", "/v1/subscription/cancel", token, nil, nil)
	e.fake.SetCustomerCard(c.CustomerKey, faketoss.CardOK)
	e.clock.Set(end.Add(-renewLead + time.Hour))
	var s wire.SubscriptionResponse
	e.mustCall("POST", "/v1/subscription/resume", token, nil, &s)
	if !s.AutoRenew {
		t.Fatalf("resume: %+v", s)
	}
	if r := e.runRenewals(); r.Charged != 1 {
		t.Fatalf("run after resume: %+v", r)
	}
	d := e.sub(uid)
	if d.Status != wire.StatusActive || !d.AutoRenew || !d.CurrentPeriodEnd.Equal(kst(e.seoul, 2027, 6, 15, 12)) {
		t.Fatalf("after resume and run: %+v", d)
	}
	if b := e.billing(uid); b.FailedAttempts != 0 || b.NextChargeAt == nil || !b.NextChargeAt.Equal(kst(e.seoul, 2027, 6, 12, 12)) {
		t.Fatalf("billing = %+v", b)
	}
}

// A renewal whose result arrives after the user bought a month with a new
// card (or a pass) adds its month after that one instead of resetting it.
func TestLateRenewalKeepsAMonthBoughtMeanwhile(t *testing.T) {
	e := newPayEnv(t, kst(seoulTZ(), 2027, 10, 5, 8))
	uid, token := e.user("ko")
	c, _ := e.subscribe(token, "pro", faketoss.CardOK)
	end := kst(e.seoul, 2027, 11, 5, 8)
	e.clock.Set(end.Add(-renewLead))
	p := e.svc
	// A renewal run claims and charges, then dies before recording it.
	id := p.renewalOrderID(uid, end, 0)
	pl, err := e.store.Plan(e.ctx, "pro")
	if err != nil {
		t.Fatal(err)
	}
	now := e.clock.Now()
	o := store.OrderDoc{UID: uid, Plan: "pro", Mode: modeSubscription, Kind: kindRenewal, Amount: int64(pl.PriceKRW),
		OrderName: "renewal", CustomerKey: c.CustomerKey, Status: store.OrderCharging, RenewsPeriodEnd: &end,
		CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(orderTTL)}
	if _, err := e.fs.Collection(store.ColOrders).Doc(id).Create(e.ctx, o); err != nil {
		t.Fatal(err)
	}
	tp, err := p.charge(e.ctx, e.billing(uid).BillingKey, toss.BillingChargeRequest{CustomerKey: c.CustomerKey, Amount: o.Amount, OrderID: id, OrderName: o.OrderName})
	if err != nil {
		t.Fatal(err)
	}
	// Meanwhile the user buys another month: Nov 5 → Dec 5.
	if _, s, status, code := e.buyOnce(token, "pro", faketoss.CardOK); status != 200 || !s.CurrentPeriodEnd.Equal(kst(e.seoul, 2027, 12, 5, 8)) {
		t.Fatalf("month bought: %d %s %+v", status, code, s)
	}
	// The renewal's result arrives late (webhook or retry).
	sub, applied, err := p.applyPaid(e.ctx, id, tp)
	if err != nil || !applied {
		t.Fatalf("late renewal: %v %v", applied, err)
	}
	if !sub.CurrentPeriodStart.Equal(kst(e.seoul, 2027, 12, 5, 8)) || !sub.CurrentPeriodEnd.Equal(kst(e.seoul, 2028, 1, 5, 8)) {
		t.Fatalf("after the late renewal: %v – %v, want Dec 5 – Jan 5", sub.CurrentPeriodStart, sub.CurrentPeriodEnd)
	}
}

// Two months bought one after the other (Jan 31 – Feb 28, Feb 28 – Mar 31);
// refunding either takes back exactly that month.
func TestRefundTakesBackTheRefundedMonth(t *testing.T) {
	for _, tc := range []struct {
		name    string
		refund  int // 0: the older payment, 1: the newer
		wantEnd func(loc *time.Location) time.Time
	}{
		{"older", 0, func(loc *time.Location) time.Time { return kst(loc, 2027, 3, 31, 10).Add(-28 * 24 * time.Hour) }},
		{"newer", 1, func(loc *time.Location) time.Time { return kst(loc, 2027, 2, 28, 10) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newPayEnv(t, kst(seoulTZ(), 2027, 1, 31, 10))
			uid, token := e.user("ko")
			var keys []string
			for range 2 {
				_, s, status, code := e.buyOnce(token, "basic", faketoss.CardOK)
				if status != 200 {
					t.Fatalf("buy: %d %s", status, code)
				}
				keys = append(keys, s.PaymentKey)
			}
			if d := e.sub(uid); !d.CurrentPeriodEnd.Equal(kst(e.seoul, 2027, 3, 31, 10)) {
				t.Fatalf("two months: %+v", d)
			}
			e.clock.Set(kst(e.seoul, 2027, 2, 10, 10))
			pay, err := e.fake.Refund(keys[tc.refund], "고객 요청")
			if err != nil {
				t.Fatal(err)
			}
			event := map[string]any{"eventType": "PAYMENT_STATUS_CHANGED", "data": pay}
			var res map[string]string
			e.mustCall("POST", "/v1/webhooks/toss", "", event, &res)
			if res["result"] != "shortened_period" {
				t.Fatalf("webhook result = %v", res)
			}
			e.mustCall("POST", "/v1/webhooks/toss", "", event, nil) // a replay takes nothing more
			d := e.sub(uid)
			if want := tc.wantEnd(e.seoul); d.Status != wire.StatusActive || d.Plan != "basic" || !d.CurrentPeriodEnd.Equal(want) ||
				!d.CurrentPeriodStart.Before(d.CurrentPeriodEnd) {
				t.Fatalf("after refund: %+v, want end %v", d, want)
			}
			if b := e.billing(uid); b.NextChargeAt == nil || !b.NextChargeAt.Equal(d.CurrentPeriodEnd) {
				t.Fatalf("billing = %+v: the end-of-period check must follow the new end", b)
			}
			// Refunding the other one too leaves nothing paid: ended now.
			pay, err = e.fake.Refund(keys[1-tc.refund], "고객 요청")
			if err != nil {
				t.Fatal(err)
			}
			e.mustCall("POST", "/v1/webhooks/toss", "", map[string]any{"eventType": "PAYMENT_STATUS_CHANGED", "data": pay}, &res)
			if d := e.sub(uid); res["result"] != "ended_subscription" || d.Status != wire.StatusExpired || !d.CurrentPeriodEnd.Equal(e.clock.Now()) {
				t.Fatalf("second refund: %v %+v", res, d)
			}
		})
	}
}

// Retried or double-clicked card upgrades charge the card once.
func TestCardUpgradeRetriesChargeOnce(t *testing.T) {
	e := newPayEnv(t, kst(seoulTZ(), 2027, 6, 1, 0))
	e.svc.cfg.TossBillingUpgrades = true
	uid, token := e.user("ko")
	e.subscribe(token, "basic", faketoss.CardOK)
	e.clock.Set(kst(e.seoul, 2027, 6, 16, 0))
	var wg sync.WaitGroup
	statuses := make([]int, 6)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i], _ = e.call("POST", "/v1/subscription/change", token, wire.ChangePlanRequest{Plan: "pro"}, nil)
		}()
	}
	wg.Wait()
	for i, s := range statuses {
		if s != 200 {
			t.Errorf("request %d: %d", i, s)
		}
	}
	if n := e.approvalsFor("up_"); n != 1 {
		t.Fatalf("%d upgrade charges, want 1", n)
	}
	if d := e.sub(uid); d.Plan != "pro" {
		t.Fatalf("plan %s", d.Plan)
	}
}

// A non-decline refusal (here a paymentKey of another order) must not be
// replayed to the order's real paymentKey.
func TestConfirmAfterAnotherErrorStillWorks(t *testing.T) {
	e := newPayEnv(t, kst(seoulTZ(), 2027, 3, 3, 15))
	uid, token := e.user("ko")
	c := e.checkout(token, "basic", modeOnce)
	other := e.fake.OpenPayment("ic_someotherorder0000000000000000", c.OrderName, c.Amount, faketoss.CardOK)
	if status, code := e.call("POST", "/v1/payments/confirm", "", wire.ConfirmRequest{PaymentKey: other, OrderID: c.OrderID, Amount: c.Amount}, nil); status != 400 {
		t.Fatalf("foreign paymentKey: %d %s", status, code)
	}
	key := e.fake.OpenPayment(c.OrderID, c.OrderName, c.Amount, faketoss.CardOK)
	var s wire.SubscriptionResponse
	if status, code := e.call("POST", "/v1/payments/confirm", "", wire.ConfirmRequest{PaymentKey: key, OrderID: c.OrderID, Amount: c.Amount}, &s); status != 200 {
		t.Fatalf("confirm with the real paymentKey: %d %s", status, code)
	}
	if d := e.sub(uid); d == nil || d.Plan != "basic" {
		t.Fatalf("subscription = %+v", d)
	}
}

// A new card that is declined on its first charge does not replace the card
// the renewals use.
func TestDeclinedNewCardKeepsTheOldOne(t *testing.T) {
	e := newPayEnv(t, kst(seoulTZ(), 2027, 10, 5, 8))
	uid, token := e.user("ko")
	c, _ := e.subscribe(token, "pro", faketoss.CardOK)
	old := e.billing(uid)
	end := kst(e.seoul, 2027, 11, 5, 8)
	e.fake.SetCustomerCard(c.CustomerKey, faketoss.CardDeclined)
	e.clock.Set(end.Add(-renewLead))
	e.runRenewals()
	c2 := e.checkout(token, "pro", modeSubscription)
	authKey := e.fake.AuthorizeBilling(c2.CustomerKey, faketoss.CardDeclined)
	if status, code := e.call("POST", "/v1/billing/issue", "", wire.BillingIssueRequest{AuthKey: authKey, CustomerKey: c2.CustomerKey, OrderID: c2.OrderID}, nil); status != 402 {
		t.Fatalf("declined new card: %d %s", status, code)
	}
	if b := e.billing(uid); b.BillingKey != old.BillingKey || b.CardNumber != old.CardNumber {
		t.Fatalf("billing key replaced by a declined card: %+v", b)
	}
	// A card that works is stored with its first charge.
	authKey = e.fake.AuthorizeBilling(c2.CustomerKey, faketoss.CardOK)
	e.mustCall("POST", "/v1/billing/issue", "", wire.BillingIssueRequest{AuthKey: authKey, CustomerKey: c2.CustomerKey, OrderID: c2.OrderID}, nil)
	if b := e.billing(uid); b.BillingKey == old.BillingKey || !strings.HasPrefix(b.CardNumber, faketoss.CardOK[:8]) {
		t.Fatalf("working card not stored: %+v", b)
	}
}

// Two partial refunds of one payment take its month back once.
func TestPartialRefundsReclaimOnce(t *testing.T) {
	e := newPayEnv(t, kst(seoulTZ(), 2027, 1, 31, 10))
	uid, token := e.user("ko")
	var keys []string
	for range 3 {
		_, s, status, code := e.buyOnce(token, "basic", faketoss.CardOK)
		if status != 200 {
			t.Fatalf("buy: %d %s", status, code)
		}
		keys = append(keys, s.PaymentKey)
	}
	// Jan 31 – Feb 28 – Mar 31 – Apr 30; the newest month is 30 days.
	e.clock.Set(kst(e.seoul, 2027, 2, 10, 10))
	p := e.svc
	for i, want := range []string{"shortened_period", "recorded"} {
		pay, err := p.tossFor(merchantOnce).Cancel(e.ctx, keys[2], toss.CancelRequest{CancelReason: "부분 환불", CancelAmount: 1000}, fmt.Sprintf("test-cancel-%s-%d", keys[2], i))
		if err != nil {
			t.Fatal(err)
		}
		var res map[string]string
		e.mustCall("POST", "/v1/webhooks/toss", "", map[string]any{"eventType": "PAYMENT_STATUS_CHANGED", "data": pay}, &res)
		if res["result"] != want {
			t.Fatalf("partial refund %d: %v, want %s", i+1, res, want)
		}
	}
	if d := e.sub(uid); d.Status != wire.StatusActive || !d.CurrentPeriodEnd.Equal(kst(e.seoul, 2027, 3, 31, 10)) {
		t.Fatalf("after two partial refunds of the newest month: %+v, want end Mar 31", d)
	}
}
