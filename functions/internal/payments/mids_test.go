package payments

import (
	"sync"
	"testing"
	"time"

	"imageconverter/functions/internal/store"
	"imageconverter/functions/toss"
	"imageconverter/functions/toss/faketoss"
	"imageconverter/functions/wire"
)

// One-time payments are made on the one-time MID, billing keys and their
// charges on the automatic-payments MID; each order records which, and the
// checkout page gets that MID's client key.
func TestEachFlowUsesItsMID(t *testing.T) {
	e := newPayEnv(t, kst(seoulTZ(), 2027, 2, 1, 10))
	uid, token := e.user("ko")
	c, s, status, code := e.buyOnce(token, "basic", faketoss.CardOK)
	if status != 200 {
		t.Fatalf("one-time: %d %s", status, code)
	}
	if c.ClientKey != faketoss.DefaultClientKey || e.order(c.OrderID).Merchant != merchantOnce {
		t.Fatalf("one-time order: client key %s, merchant %s", c.ClientKey, e.order(c.OrderID).Merchant)
	}
	_, token2 := e.user("ko")
	uid2 := e.uidOf(token2)
	c2, _ := e.subscribe(token2, "pro", faketoss.CardOK)
	if c2.ClientKey != faketoss.DefaultBillingClientKey || e.order(c2.OrderID).Merchant != merchantBilling {
		t.Fatalf("subscription order: client key %s, merchant %s", c2.ClientKey, e.order(c2.OrderID).Merchant)
	}
	e.clock.Set(kst(e.seoul, 2027, 2, 26, 10))
	if rep := e.runRenewals(); rep.Charged != 1 {
		t.Fatalf("renewal: %+v", rep)
	}
	mids := map[string]string{}
	for _, a := range e.fake.Approvals() {
		mids[a.OrderID] = a.MID
	}
	if mids[c.OrderID] != faketoss.DefaultMID || mids[c2.OrderID] != faketoss.DefaultBillingMID ||
		mids[e.svc.renewalOrderID(uid2, kst(e.seoul, 2027, 3, 1, 10), 0)] != faketoss.DefaultBillingMID {
		t.Fatalf("MIDs of the approvals = %v", mids)
	}
	snap, err := e.fs.Collection(store.ColPayments).Doc(s.PaymentKey).Get(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	var pay store.PaymentDoc
	snap.DataTo(&pay)
	if pay.Merchant != merchantOnce || pay.MID != faketoss.DefaultMID || pay.UID != uid {
		t.Fatalf("payment record = %+v", pay)
	}
}

// A webhook is looked up with the keys of the MID that made the payment,
// whatever the URL it came to or its body say: a dashboard refund of a
// renewal (automatic-payments MID) takes the month back even when it arrives
// at the one-time MID's URL; a payment of neither MID is unknown.
func TestWebhookFindsThePaymentOnItsMID(t *testing.T) {
	for _, hint := range []string{"", "?merchant=once", "?merchant=billing"} {
		t.Run("url"+hint, func(t *testing.T) {
			e := newPayEnv(t, kst(seoulTZ(), 2027, 2, 1, 10))
			uid, token := e.user("ko")
			e.subscribe(token, "pro", faketoss.CardOK)
			key := e.sub(uid).LastPaymentID
			e.clock.Set(kst(e.seoul, 2027, 2, 3, 10))
			p, err := e.fake.Refund(key, "고객 요청")
			if err != nil {
				t.Fatal(err)
			}
			body := map[string]any{"eventType": "PAYMENT_STATUS_CHANGED", "data": map[string]any{"paymentKey": p.PaymentKey, "status": "CANCELED"}}
			var res map[string]string
			e.mustCall("POST", "/v1/webhooks/toss"+hint, "", body, &res)
			if res["result"] != "ended_subscription" || e.sub(uid).Status != wire.StatusExpired {
				t.Fatalf("refund webhook: %v, sub %+v", res, e.sub(uid))
			}
			e.mustCall("POST", "/v1/webhooks/toss"+hint, "", map[string]any{"eventType": "PAYMENT_STATUS_CHANGED", "data": map[string]any{"paymentKey": "pk_nobody"}}, &res)
			if res["result"] != "unknown_payment" {
				t.Fatalf("unknown payment: %v", res)
			}
		})
	}
}

// Toss's ABORTED (a refused attempt) and EXPIRED (a window nobody confirmed)
// webhooks are answered 200, recorded once against the order, and change
// nothing.
func TestAbortedAndExpiredWebhooks(t *testing.T) {
	e := newPayEnv(t, kst(seoulTZ(), 2027, 2, 1, 10))
	e.fake.WebhookURL = e.api.URL + "/v1/webhooks/toss"
	uid, token := e.user("ko")
	declined := e.checkout(token, "basic", modeOnce)
	key := e.fake.OpenPayment(declined.OrderID, declined.OrderName, declined.Amount, faketoss.CardDeclined)
	if status, _ := e.call("POST", "/v1/payments/confirm", "", wire.ConfirmRequest{PaymentKey: key, OrderID: declined.OrderID, Amount: declined.Amount}, nil); status != 402 {
		t.Fatalf("declined: %d", status)
	}
	abandoned := e.checkout(token, "pro", modeOnce)
	late := e.fake.OpenPayment(abandoned.OrderID, abandoned.OrderName, abandoned.Amount, faketoss.CardOK)
	e.clock.Set(e.clock.Now().Add(faketoss.PaymentWindow + time.Minute))
	if n := e.fake.ExpireWindows(); n != 1 {
		t.Fatalf("expired windows: %d", n)
	}
	e.fake.Wait()
	got := map[string]faketoss.Delivery{}
	for _, d := range e.fake.Deliveries() {
		got[d.Status] = d
	}
	if got[toss.StatusAborted].PaymentKey != key || got[toss.StatusAborted].Answer != 200 ||
		got[toss.StatusExpired].PaymentKey != late || got[toss.StatusExpired].Answer != 200 {
		t.Fatalf("deliveries = %+v", e.fake.Deliveries())
	}
	for _, ev := range []struct{ key, order string }{{key, declined.OrderID}, {late, abandoned.OrderID}} {
		docs, err := e.fs.Collection(store.ColWebhookEvents).Where("paymentKey", "==", ev.key).Documents(e.ctx).GetAll()
		if err != nil || len(docs) != 1 {
			t.Fatalf("events of %s: %d %v", ev.key, len(docs), err)
		}
		var d store.WebhookEventDoc
		docs[0].DataTo(&d)
		if d.Action != "not_paid" || d.UID != uid || d.OrderID != ev.order {
			t.Fatalf("event = %+v", d)
		}
	}
	// The buyer comes back after the window: Toss refuses, nothing changes.
	if status, code := e.call("POST", "/v1/payments/confirm", "", wire.ConfirmRequest{PaymentKey: late, OrderID: abandoned.OrderID, Amount: abandoned.Amount}, nil); status != 402 || code != string(wire.CodePaymentFailed) {
		t.Fatalf("confirm after the window: %d %s", status, code)
	}
	if e.sub(uid) != nil || len(e.fake.Approvals()) != 0 {
		t.Fatal("a refused or expired payment granted or charged something")
	}
}

// Whether or not Toss sends webhooks for billing-key charges, a renewal is
// charged and applied once, a declined one is dunned once, and a refund of a
// renewal (whose webhook always comes) takes its month back.
func TestBillingChargeWebhooksBothWays(t *testing.T) {
	for _, on := range []bool{true, false} {
		name := map[bool]string{true: "with", false: "without"}[on]
		t.Run(name, func(t *testing.T) {
			e := newPayEnv(t, kst(seoulTZ(), 2027, 2, 1, 10))
			e.fake.BillingChargeWebhooks = on
			e.fake.WebhookURL = e.api.URL + "/v1/webhooks/toss?merchant=billing"
			uid, token := e.user("ko")
			e.subscribe(token, "basic", faketoss.CardOK)
			_, token2 := e.user("ko")
			uid2 := e.uidOf(token2)
			c2, _ := e.subscribe(token2, "basic", faketoss.CardOK)
			e.fake.SetCustomerCard(c2.CustomerKey, faketoss.CardDeclined)
			e.clock.Set(kst(e.seoul, 2027, 2, 26, 10))
			if rep := e.runRenewals(); rep.Charged != 1 || rep.Declined != 1 {
				t.Fatalf("run: %+v", rep)
			}
			e.fake.Wait()
			wantHooks := 0
			if on {
				wantHooks = 4 // two first charges, the renewal, the declined renewal
			}
			if n := len(e.fake.Deliveries()); n != wantHooks {
				t.Fatalf("%d webhooks, want %d", n, wantHooks)
			}
			for _, d := range e.fake.Deliveries() {
				if d.Answer != 200 {
					t.Fatalf("delivery %+v", d)
				}
			}
			if d := e.sub(uid); !d.CurrentPeriodEnd.Equal(kst(e.seoul, 2027, 4, 1, 10)) {
				t.Fatalf("renewed to %v, want one month more", d.CurrentPeriodEnd)
			}
			if b := e.billing(uid2); b.FailedAttempts != 1 || e.mailKinds(uid2) != "receipt,renewal_failure" {
				t.Fatalf("declined renewal: %+v, mails %s", b, e.mailKinds(uid2))
			}
			key := e.sub(uid).LastPaymentID
			if _, err := e.fake.Refund(key, "고객 요청"); err != nil {
				t.Fatal(err)
			}
			e.fake.Wait()
			if d := e.sub(uid); !d.CurrentPeriodEnd.Equal(kst(e.seoul, 2027, 3, 1, 10)) {
				t.Fatalf("after refunding the renewal: end %v, want Mar 1", d.CurrentPeriodEnd)
			}
		})
	}
}

// Upgrades charged to the registered card off the monthly cycle only when
// the contract allows them (TOSS_BILLING_UPGRADES); otherwise the route
// refuses and the upgrade is a one-time payment through checkout.
func TestUpgradeWithoutOffCycleBillingCharges(t *testing.T) {
	e := newPayEnv(t, kst(seoulTZ(), 2027, 6, 1, 0))
	uid, token := e.user("ko")
	e.subscribe(token, "basic", faketoss.CardOK)
	e.clock.Set(kst(e.seoul, 2027, 6, 16, 0))
	if status, code := e.call("POST", "/v1/subscription/change", token, wire.ChangePlanRequest{Plan: "pro"}, nil); status != 409 || code != string(wire.CodeConflict) {
		t.Fatalf("card upgrade without the contract: %d %s", status, code)
	}
	if n := len(e.fake.Approvals()); n != 1 {
		t.Fatalf("%d approvals: the card was charged", n)
	}
	c := e.checkout(token, "pro", modeSubscription) // the app's button
	if c.Kind != kindUpgrade || c.Mode != modeOnce || c.Amount != 2500 || c.ClientKey != faketoss.DefaultClientKey {
		t.Fatalf("upgrade order = %+v", c)
	}
	key := e.fake.OpenPayment(c.OrderID, c.OrderName, c.Amount, faketoss.CardOK)
	var s wire.SubscriptionResponse
	e.mustCall("POST", "/v1/payments/confirm", "", wire.ConfirmRequest{PaymentKey: key, OrderID: c.OrderID, Amount: c.Amount}, &s)
	if s.Plan != "pro" || !s.AutoRenew || e.fake.Approvals()[1].MID != faketoss.DefaultMID || e.sub(uid).Plan != "pro" {
		t.Fatalf("upgrade: %+v", s)
	}
}

// Two confirms of one payment at once while Toss is slow: the second gets
// 409 IDEMPOTENT_REQUEST_PROCESSING from Toss, waits and gets the first
// answer; one approval, one month.
func TestConcurrentConfirmWhileTossIsSlow(t *testing.T) {
	e := newPayEnv(t, kst(seoulTZ(), 2027, 5, 10, 3))
	e.fake.Latency = 250 * time.Millisecond
	uid, token := e.user("ko")
	c := e.checkout(token, "pro", modeOnce)
	key := e.fake.OpenPayment(c.OrderID, c.OrderName, c.Amount, faketoss.CardOK)
	var wg sync.WaitGroup
	statuses := make([]int, 2)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i], _ = e.call("POST", "/v1/payments/confirm", "", wire.ConfirmRequest{PaymentKey: key, OrderID: c.OrderID, Amount: c.Amount}, nil)
		}()
	}
	wg.Wait()
	if statuses[0] != 200 || statuses[1] != 200 || len(e.fake.Approvals()) != 1 {
		t.Fatalf("statuses %v, %d approvals", statuses, len(e.fake.Approvals()))
	}
	if d := e.sub(uid); !d.CurrentPeriodEnd.Equal(kst(e.seoul, 2027, 6, 10, 3)) {
		t.Fatalf("period end %v", d.CurrentPeriodEnd)
	}
}

// uidOf is the user id of an ID token.
func (e *payEnv) uidOf(token string) string {
	e.t.Helper()
	tok, err := e.auth.VerifyIDToken(e.ctx, token)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok.UID
}
