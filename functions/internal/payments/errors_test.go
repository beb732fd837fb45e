package payments

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"imageconverter/functions/internal/store"
	"imageconverter/functions/toss"
	"imageconverter/functions/toss/faketoss"
	"imageconverter/functions/wire"
)

// Every row of the Toss error-code table (toss.Codes), produced by the fake
// on a renewal charge, leads to the row's outcome: a decline starts dunning,
// a temporary failure is retried with the same order id and key (and, once
// the card works, charges once with no notice), a refusal the customer
// cannot fix is flagged for the operator and dunned like a decline.
func TestRenewalOutcomeOfEveryErrorCode(t *testing.T) {
	e := newPayEnv(t, kst(seoulTZ(), 2027, 3, 10, 9))
	end := kst(e.seoul, 2027, 4, 10, 9)
	type subject struct {
		row      toss.CodeInfo
		uid      string
		customer string
	}
	var subjects []subject
	for _, row := range toss.Codes {
		uid, token := e.user("ko")
		c, _ := e.subscribe(token, "basic", faketoss.CardOK)
		e.fake.SetCustomerCard(c.CustomerKey, faketoss.CardFailingWith(row.Code))
		subjects = append(subjects, subject{row, uid, c.CustomerKey})
	}
	first := end.Add(-renewLead)
	e.clock.Set(first)
	rep := e.runRenewals()
	count := map[toss.Action]int{}
	for _, s := range subjects {
		count[s.row.Action]++
	}
	if rep.Declined != count[toss.Decline] || rep.Retrying != count[toss.Retry] || rep.NeedsOperator != count[toss.Operator]+count[toss.Lookup] || rep.Charged != 0 || rep.Errors != 0 {
		t.Fatalf("run = %+v, want %d declined, %d retrying, %d for the operator", rep, count[toss.Decline], count[toss.Retry], count[toss.Operator]+count[toss.Lookup])
	}
	dayAfter := first.AddDate(0, 0, 1)
	for _, s := range subjects {
		code, uid := s.row.Code, s.uid
		orderID := e.svc.renewalOrderID(uid, end, 0)
		o, sub, bill := e.order(orderID), e.sub(uid), e.billing(uid)
		kinds := e.mailKinds(uid)
		opMail := e.mailExists("operator-" + orderID)
		switch s.row.Action {
		case toss.Decline:
			if o.Status != store.OrderFailed || o.NeedsOperator || o.FailureCode != code || sub.Status != wire.StatusPastDue ||
				sub.RenewalIssue == nil || sub.RenewalIssue.Reason != wire.RenewalCardDeclined || !sub.RenewalIssue.NextAttempt.Equal(dayAfter) ||
				bill.OperatorAlert != nil || !bill.NextChargeAt.Equal(dayAfter) || kinds != "receipt,renewal_failure" || opMail {
				t.Errorf("%s (decline): order %+v, sub %+v, billing %+v, mails %s, operator mail %v", code, o, sub, bill, kinds, opMail)
			}
		case toss.Retry:
			if o.Status != store.OrderCharging || o.TemporaryFailures != 1 || o.RetryAt == nil || !o.RetryAt.Equal(first.Add(time.Hour)) ||
				sub.Status != wire.StatusActive || sub.RenewalIssue != nil || !bill.NextChargeAt.Equal(first.Add(time.Hour)) ||
				bill.FailedAttempts != 0 || kinds != "receipt" || opMail {
				t.Errorf("%s (retry): order %+v, sub %+v, billing %+v, mails %s", code, o, sub, bill, kinds)
			}
		case toss.Operator, toss.Lookup:
			if o.Status != store.OrderFailed || !o.NeedsOperator || sub.Status != wire.StatusPastDue || sub.RenewalIssue == nil ||
				sub.RenewalIssue.Reason != wire.RenewalPaymentError || !sub.RenewalIssue.NextAttempt.Equal(dayAfter) ||
				bill.OperatorAlert == nil || bill.OperatorAlert.Code != code || bill.OperatorAlert.OrderID != orderID ||
				kinds != "receipt,renewal_problem" || !opMail {
				t.Errorf("%s (operator): order %+v, sub %+v, billing %+v, mails %s, operator mail %v", code, o, sub, bill, kinds, opMail)
			}
		}
	}
	// The temporary ones: the card works again, the next run (an hour later)
	// sends the same order with the same key; charged once, no notice but
	// the renewal's.
	for _, s := range subjects {
		if s.row.Action == toss.Retry {
			e.fake.SetCustomerCard(s.customer, faketoss.CardOK)
		}
	}
	e.clock.Set(first.Add(time.Hour))
	if rep := e.runRenewals(); rep.Charged != count[toss.Retry] || rep.Declined+rep.NeedsOperator+rep.Retrying != 0 {
		t.Fatalf("retry run = %+v, want %d charged", rep, count[toss.Retry])
	}
	for _, s := range subjects {
		if s.row.Action != toss.Retry {
			continue
		}
		orderID := e.svc.renewalOrderID(s.uid, end, 0)
		if n := e.approvalsFor(orderID); n != 1 {
			t.Errorf("%s: %d approvals of %s, want 1", s.row.Code, n, orderID)
		}
		if sub := e.sub(s.uid); sub.Status != wire.StatusActive || !sub.CurrentPeriodStart.Equal(end) || sub.RenewalIssue != nil {
			t.Errorf("%s: after the retry: %+v", s.row.Code, sub)
		}
		if kinds := e.mailKinds(s.uid); kinds != "receipt,renewal_success" {
			t.Errorf("%s: mails %s", s.row.Code, kinds)
		}
	}
	t.Logf("%d codes: %d decline, %d retry, %d operator, %d lookup", len(subjects), count[toss.Decline], count[toss.Retry], count[toss.Operator], count[toss.Lookup])
}

// A temporary failure that does not pass: retried 1, 4 and 12 hours later
// with the same key; then Toss is asked whether the order was paid after all
// (no), and it becomes a failure for the operator, dunned like a decline with
// a new order id. Whether Toss replays temporary errors under the key or not.
func TestTemporaryFailureThatPersistsGoesToTheOperator(t *testing.T) {
	for _, replay := range []bool{false, true} {
		t.Run(fmt.Sprintf("replayed=%v", replay), func(t *testing.T) {
			e := newPayEnv(t, kst(seoulTZ(), 2027, 3, 10, 9))
			e.fake.ReplayTransientErrors = replay
			uid, token := e.user("en")
			c, _ := e.subscribe(token, "pro", faketoss.CardOK)
			end := kst(e.seoul, 2027, 4, 10, 9)
			e.fake.SetCustomerCard(c.CustomerKey, faketoss.CardProviderError)
			at := end.Add(-renewLead)
			for i, wait := range append([]time.Duration{0}, retryBackoff...) {
				at = at.Add(wait)
				e.clock.Set(at.Add(-time.Minute))
				if rep := e.runRenewals(); rep.Due != 0 && i > 0 {
					t.Fatalf("try %d ran early: %+v", i, rep)
				}
				e.clock.Set(at)
				rep := e.runRenewals()
				if i < len(retryBackoff) && rep.Retrying != 1 || i == len(retryBackoff) && rep.NeedsOperator != 1 {
					t.Fatalf("try %d: %+v", i, rep)
				}
			}
			orderID := e.svc.renewalOrderID(uid, end, 0)
			o, sub, bill := e.order(orderID), e.sub(uid), e.billing(uid)
			if o.Status != store.OrderFailed || !o.NeedsOperator || o.TemporaryFailures != len(retryBackoff) ||
				sub.Status != wire.StatusPastDue || sub.RenewalIssue == nil || sub.RenewalIssue.Reason != wire.RenewalPaymentError ||
				bill.OperatorAlert == nil || !strings.Contains(bill.OperatorAlert.Message, "still failing after 3 retries") ||
				!e.mailExists("operator-"+orderID) {
				t.Fatalf("after the last retry: order %+v, sub %+v, billing %+v", o, sub, bill)
			}
			// The next attempt is a new order, a day after the first failure; it goes through.
			e.fake.SetCustomerCard(c.CustomerKey, faketoss.CardOK)
			e.clock.Set(at.AddDate(0, 0, 1))
			if rep := e.runRenewals(); rep.Charged != 1 {
				t.Fatalf("next attempt: %+v", rep)
			}
			if n := e.approvalsFor(e.svc.renewalOrderID(uid, end, 1)); n != 1 || len(e.fake.Approvals()) != 2 {
				t.Fatalf("approvals of the new attempt %d, total %d", n, len(e.fake.Approvals()))
			}
			if sub, bill := e.sub(uid), e.billing(uid); sub.Status != wire.StatusActive || sub.RenewalIssue != nil || bill.OperatorAlert != nil {
				t.Fatalf("after the payment: %+v %+v", sub, bill)
			}
		})
	}
}

// A renewal that gets a 4xx the customer cannot fix (the billing key was
// deleted, or belongs to another customer) does not hang: the operator is
// alerted on every attempt, the customer is told, and after the grace the
// subscription ends like a declined one.
func TestRefusalForTheOperatorEndsAfterTheGrace(t *testing.T) {
	for _, tc := range []struct {
		name   string
		break_ func(e *payEnv, customer string)
		code   string
	}{
		{"deleted billing key", func(e *payEnv, c string) { e.fake.DeleteBillingKeys(c) }, toss.CodeNotFound},
		{"customer key mismatch", func(e *payEnv, c string) {
			e.fake.SetCustomerCard(c, faketoss.CardFailingWith(toss.CodeNotMatchesCustomerKey))
		}, toss.CodeNotMatchesCustomerKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newPayEnv(t, kst(seoulTZ(), 2027, 1, 10, 9))
			uid, token := e.user("ja")
			c, _ := e.subscribe(token, "pro", faketoss.CardOK)
			end := kst(e.seoul, 2027, 2, 10, 9)
			tc.break_(e, c.CustomerKey)
			first := end.Add(-renewLead)
			for i, days := range []int{0, 1, 3, 5} {
				e.clock.Set(first.AddDate(0, 0, days))
				if rep := e.runRenewals(); rep.NeedsOperator != 1 {
					t.Fatalf("attempt %d: %+v", i, rep)
				}
				if !e.mailExists("operator-" + e.svc.renewalOrderID(uid, end, i)) {
					t.Fatalf("attempt %d: no operator mail", i)
				}
			}
			sub, bill := e.sub(uid), e.billing(uid)
			if sub.Status != wire.StatusExpired || sub.AutoRenew || sub.RenewalIssue != nil || bill.NextChargeAt != nil ||
				bill.OperatorAlert == nil || bill.OperatorAlert.Code != tc.code {
				t.Fatalf("after the grace: %+v %+v", sub, bill)
			}
			// (The last notice and "ended" are written at the same moment: any order.)
			if kinds := e.mailKinds(uid); strings.Count(kinds, "renewal_problem") != 4 || strings.Count(kinds, "subscription_ended") != 1 ||
				strings.Count(kinds, ",") != 5 || !strings.HasPrefix(kinds, "receipt,") {
				t.Fatalf("mails = %s", kinds)
			}
			if e.claims(uid)["plan"] != "free" {
				t.Fatalf("claim = %v", e.claims(uid)["plan"])
			}
		})
	}
}

// Every row of the table on a one-time confirm: nothing is charged or
// granted; a decline moves the order to a new attempt (new key), a temporary
// failure keeps the key, so the same confirm may be sent again.
func TestConfirmOutcomeOfEveryErrorCode(t *testing.T) {
	e := newPayEnv(t, kst(seoulTZ(), 2027, 5, 10, 12))
	uid, token := e.user("ko")
	for _, row := range toss.Codes {
		c := e.checkout(token, "basic", modeOnce)
		key := e.fake.OpenPayment(c.OrderID, c.OrderName, c.Amount, faketoss.CardFailingWith(row.Code))
		status, code := e.call("POST", "/v1/payments/confirm", "", wire.ConfirmRequest{PaymentKey: key, OrderID: c.OrderID, Amount: c.Amount}, nil)
		action, want := row.Action, map[toss.Action]wire.Code{toss.Decline: wire.CodePaymentFailed, toss.Retry: wire.CodeUnavailable, toss.Operator: wire.CodeInternal, toss.Lookup: wire.CodeConflict}[row.Action]
		switch row.Code {
		case toss.CodeAlreadyProcessedPayment: // looked up: Toss shows the attempt ABORTED, not this order's approval
			action, want = toss.Retry, wire.CodeInvalidArgument
		case toss.CodeNotFoundPayment:
			want = wire.CodeNotFound
		case toss.CodeInvalidRequest:
			want = wire.CodeInvalidArgument
		}
		if status/100 == 2 || code != string(want) {
			t.Errorf("%s: %d %s, want %s", row.Code, status, code, want)
		}
		o := e.order(c.OrderID)
		if wantAttempts := map[bool]int{true: 1, false: 0}[action == toss.Decline]; o.Attempts != wantAttempts || o.Status == store.OrderPaid {
			t.Errorf("%s: order %+v, want %d attempts", row.Code, o, wantAttempts)
		}
	}
	if e.sub(uid) != nil || len(e.fake.Approvals()) != 0 {
		t.Fatalf("a failed confirm granted or charged something")
	}
}

// The same confirm sent again after a temporary failure uses the same key
// and completes once the card company answers again.
func TestConfirmAfterATemporaryFailure(t *testing.T) {
	e := newPayEnv(t, kst(seoulTZ(), 2027, 5, 10, 12))
	uid, token := e.user("ko")
	c := e.checkout(token, "pro", modeOnce)
	key := e.fake.OpenPayment(c.OrderID, c.OrderName, c.Amount, faketoss.CardProviderError)
	req := wire.ConfirmRequest{PaymentKey: key, OrderID: c.OrderID, Amount: c.Amount}
	if status, code := e.call("POST", "/v1/payments/confirm", "", req, nil); status != 503 || code != string(wire.CodeUnavailable) {
		t.Fatalf("temporary failure: %d %s", status, code)
	}
	if o := e.order(c.OrderID); o.Attempts != 0 {
		t.Fatalf("attempts = %d: the key moved on", o.Attempts)
	}
	// (The fake's window keeps the card the buyer chose; a reload of the
	// success page sends the same confirm. Here the window is opened again
	// with a card that works, as a buyer who retries does.)
	key2 := e.fake.OpenPayment(c.OrderID, c.OrderName, c.Amount, faketoss.CardOK)
	var s wire.SubscriptionResponse
	e.mustCall("POST", "/v1/payments/confirm", "", wire.ConfirmRequest{PaymentKey: key2, OrderID: c.OrderID, Amount: c.Amount}, &s)
	if s.Plan != "pro" || len(e.fake.Approvals()) != 1 || e.sub(uid) == nil {
		t.Fatalf("after the retry: %+v", s)
	}
}

// Toss's own duplicate answer after its idempotency record expired (15 days):
// the renewal run looks the approved payment up instead of charging again.
func TestRenewalFindsAnApprovalAfterTheKeyExpired(t *testing.T) {
	e := newPayEnv(t, kst(seoulTZ(), 2027, 3, 10, 9))
	uid, token := e.user("ko")
	c, _ := e.subscribe(token, "basic", faketoss.CardOK)
	end := kst(e.seoul, 2027, 4, 10, 9)
	e.clock.Set(end.Add(-renewLead))
	// A run claims the renewal and charges it, then dies before recording it.
	id := e.svc.renewalOrderID(uid, end, 0)
	now := e.clock.Now()
	o := store.OrderDoc{UID: uid, Plan: "basic", Mode: modeSubscription, Kind: kindRenewal, Merchant: merchantBilling, Amount: 4900,
		OrderName: "renewal", CustomerKey: c.CustomerKey, Status: store.OrderCharging, RenewsPeriodEnd: &end,
		CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(orderTTL)}
	if _, err := e.fs.Collection(store.ColOrders).Doc(id).Create(e.ctx, o); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.billing.ChargeBilling(e.ctx, e.billing(uid).BillingKey, toss.BillingChargeRequest{CustomerKey: c.CustomerKey, Amount: 4900, OrderID: id, OrderName: "renewal"}, "charge-"+id); err != nil {
		t.Fatal(err)
	}
	e.fake.ForgetIdempotency()
	e.clock.Set(now.Add(chargeLease + time.Minute))
	if rep := e.runRenewals(); rep.Charged != 1 {
		t.Fatalf("run after the lease: %+v", rep)
	}
	if n := e.approvalsFor(id); n != 1 {
		t.Fatalf("%d approvals, want 1", n)
	}
	if d := e.sub(uid); !d.CurrentPeriodStart.Equal(end) || d.Status != wire.StatusActive {
		t.Fatalf("subscription = %+v", d)
	}
}

func (e *payEnv) mailKinds(uid string) string {
	var kinds []string
	for _, m := range e.mails(uid) {
		if m.Kind != mailOperatorAlert {
			kinds = append(kinds, m.Kind)
		}
	}
	return strings.Join(kinds, ",")
}

func (e *payEnv) mailExists(id string) bool {
	e.t.Helper()
	snap, err := e.fs.Collection(store.ColMail).Doc(id).Get(e.ctx)
	if err != nil {
		return false
	}
	var m store.MailDoc
	return snap.DataTo(&m) == nil && m.To == "ops@example.com" && m.Kind == mailOperatorAlert
}
