package payments

import (
	"strings"
	"sync"
	"testing"
	"time"

	"imageconverter/functions/toss"
	"imageconverter/functions/toss/faketoss"
	"imageconverter/functions/wire"
)

func TestOneTimePassEndToEnd(t *testing.T) {
	e := newPayEnv(t, time.Date(2027, 1, 31, 1, 0, 0, 0, time.UTC)) // Jan 31 10:00 KST
	uid, token := e.user("ko-KR")

	if status, code := e.call("POST", "/v1/checkout", token, wire.CheckoutRequest{Plan: "gold", Mode: modeOnce}, nil); status != 400 || code != string(wire.CodeInvalidArgument) {
		t.Fatalf("unknown plan: %d %s", status, code)
	}
	if status, code := e.call("POST", "/v1/checkout", token, wire.CheckoutRequest{Plan: "free", Mode: modeOnce}, nil); status != 400 || code != string(wire.CodeInvalidArgument) {
		t.Fatalf("free plan: %d %s", status, code)
	}
	if status, _ := e.call("POST", "/v1/checkout", "", wire.CheckoutRequest{Plan: "basic", Mode: modeOnce}, nil); status != 401 {
		t.Fatalf("checkout without token: %d", status)
	}
	c := e.checkout(token, "basic", modeOnce)
	if c.Amount != 4900 || c.Kind != kindNew || c.CustomerKey == "" || !strings.Contains(c.CheckoutURL, "/checkout.html?orderId="+c.OrderID) {
		t.Fatalf("checkout = %+v", c)
	}
	// The page reads the order without a token.
	var info wire.CheckoutResponse
	e.mustCall("GET", "/v1/checkout/"+c.OrderID, "", nil, &info)
	if info.Amount != 4900 || info.ClientKey != faketoss.DefaultClientKey || info.SDKURL == "" || info.PlanName != "Basic" {
		t.Fatalf("order info = %+v", info)
	}

	key := e.fake.OpenPayment(c.OrderID, c.OrderName, c.Amount, faketoss.CardOK)
	var s wire.SubscriptionResponse
	e.mustCall("POST", "/v1/payments/confirm", "", wire.ConfirmRequest{PaymentKey: key, OrderID: c.OrderID, Amount: c.Amount}, &s)
	wantEnd := time.Date(2027, 2, 28, 1, 0, 0, 0, time.UTC)
	if s.Plan != "basic" || s.Status != wire.StatusActive || s.AutoRenew || !s.CurrentPeriodEnd.Equal(wantEnd) {
		t.Fatalf("after confirm: %+v (end %v)", s, s.CurrentPeriodEnd)
	}
	d := e.sub(uid)
	if d.LastPaymentID != key || !d.CurrentPeriodEnd.Equal(wantEnd) || d.AutoRenew {
		t.Fatalf("subscription doc = %+v", d)
	}
	if cl := e.claims(uid); cl["plan"] != "basic" || cl["role"] != "tester" {
		t.Fatalf("claims = %v", cl)
	}
	m := e.mails(uid)
	if len(m) != 1 || m[0].Kind != mailReceipt || !strings.Contains(m[0].Message.Text, "4,900원") || m[0].To == "" || m[0].Message.HTML == "" {
		t.Fatalf("mails = %+v", m)
	}
	// A second month bought while the first runs extends it (Feb 28 → Mar 31).
	_, s2, status, code := e.buyOnce(token, "basic", faketoss.CardOK)
	if status != 200 || !s2.CurrentPeriodEnd.Equal(time.Date(2027, 3, 31, 1, 0, 0, 0, time.UTC)) {
		t.Fatalf("second month: %d %s %v", status, code, s2.CurrentPeriodEnd)
	}
}

func TestConfirmReplaysChargeAndExtendOnce(t *testing.T) {
	e := newPayEnv(t, time.Date(2027, 5, 10, 3, 0, 0, 0, time.UTC))
	uid, token := e.user("en")
	c := e.checkout(token, "pro", modeOnce)
	key := e.fake.OpenPayment(c.OrderID, c.OrderName, c.Amount, faketoss.CardOK)
	var wg sync.WaitGroup
	ends := make([]time.Time, 20)
	statuses := make([]int, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var s wire.SubscriptionResponse
			statuses[i], _ = e.call("POST", "/v1/payments/confirm", "", wire.ConfirmRequest{PaymentKey: key, OrderID: c.OrderID, Amount: c.Amount}, &s)
			if s.CurrentPeriodEnd != nil {
				ends[i] = *s.CurrentPeriodEnd
			}
		}()
	}
	wg.Wait()
	want := time.Date(2027, 6, 10, 3, 0, 0, 0, time.UTC)
	for i := range 20 {
		if statuses[i] != 200 || !ends[i].Equal(want) {
			t.Errorf("replay %d: %d end %v", i, statuses[i], ends[i])
		}
	}
	if n := e.approvalsFor(c.OrderID); n != 1 {
		t.Fatalf("charges = %d, want 1", n)
	}
	if d := e.sub(uid); !d.CurrentPeriodEnd.Equal(want) {
		t.Fatalf("period end = %v, want one month", d.CurrentPeriodEnd)
	}
	if m := e.mails(uid); len(m) != 1 {
		t.Fatalf("%d receipts, want 1", len(m))
	}
}

func TestTamperedAmountChargesNothing(t *testing.T) {
	e := newPayEnv(t, time.Date(2027, 5, 10, 3, 0, 0, 0, time.UTC))
	uid, token := e.user("ko")
	c := e.checkout(token, "pro", modeOnce)
	// The page was made to open the window for 100 KRW and says so.
	key := e.fake.OpenPayment(c.OrderID, c.OrderName, 100, faketoss.CardOK)
	status, code := e.call("POST", "/v1/payments/confirm", "", wire.ConfirmRequest{PaymentKey: key, OrderID: c.OrderID, Amount: 100}, nil)
	if status != 400 || code != string(wire.CodeAmountMismatch) {
		t.Fatalf("tampered: %d %s", status, code)
	}
	if len(e.fake.Approvals()) != 0 || e.sub(uid) != nil {
		t.Fatal("something was charged or activated")
	}
	if e.fake.Payment(key) != nil {
		t.Fatal("Toss was asked to confirm")
	}
}

func TestDeclinedCardLeavesThePlan(t *testing.T) {
	e := newPayEnv(t, time.Date(2027, 5, 10, 3, 0, 0, 0, time.UTC))
	uid, token := e.user("ja")
	if _, _, status, code := e.buyOnce(token, "basic", faketoss.CardDeclined); status != 402 || code != string(wire.CodePaymentFailed) {
		t.Fatalf("declined first purchase: %d %s", status, code)
	}
	if e.sub(uid) != nil {
		t.Fatal("a declined card activated a plan")
	}
	_, s, _, _ := e.buyOnce(token, "basic", faketoss.CardOK)
	before := e.sub(uid)
	// An upgrade with a failing card changes nothing.
	c := e.checkout(token, "pro", modeOnce)
	if c.Kind != kindUpgrade || c.Amount != 5000 {
		t.Fatalf("upgrade order = %+v", c)
	}
	key := e.fake.OpenPayment(c.OrderID, c.OrderName, c.Amount, faketoss.CardDeclined)
	if status, code := e.call("POST", "/v1/payments/confirm", "", wire.ConfirmRequest{PaymentKey: key, OrderID: c.OrderID, Amount: c.Amount}, nil); status != 402 || code != string(wire.CodePaymentFailed) {
		t.Fatalf("declined upgrade: %d %s", status, code)
	}
	after := e.sub(uid)
	if after.Plan != "basic" || !after.CurrentPeriodEnd.Equal(before.CurrentPeriodEnd) || after.LastPaymentID != before.LastPaymentID {
		t.Fatalf("plan changed: %+v -> %+v", before, after)
	}
	// Retrying the same order with a good card works (new Idempotency-Key).
	key = e.fake.OpenPayment(c.OrderID, c.OrderName, c.Amount, faketoss.CardOK)
	var up wire.SubscriptionResponse
	e.mustCall("POST", "/v1/payments/confirm", "", wire.ConfirmRequest{PaymentKey: key, OrderID: c.OrderID, Amount: c.Amount}, &up)
	if up.Plan != "pro" || !up.CurrentPeriodEnd.Equal(*s.CurrentPeriodEnd) {
		t.Fatalf("upgrade: %+v", up)
	}
	if e.claims(uid)["plan"] != "pro" {
		t.Fatal("claim not upgraded")
	}
}

func TestSubscriptionRenewsAcrossMonthEnds(t *testing.T) {
	e := newPayEnv(t, kst(seoulTZ(), 2028, 1, 31, 10))
	loc := e.seoul
	uid, token := e.user("ko")
	_, s := e.subscribe(token, "pro", faketoss.CardOK)
	if !s.AutoRenew || s.Plan != "pro" || !s.CurrentPeriodEnd.Equal(kst(loc, 2028, 2, 29, 10)) {
		t.Fatalf("subscribed: %+v %v", s, s.CurrentPeriodEnd)
	}
	if b := e.billing(uid); b.BillingKey == "" || b.CardNumber == "" || b.AnchorDay != 31 {
		t.Fatalf("billing doc = %+v", b)
	}
	// Not due yet: nothing happens.
	e.clock.Set(kst(loc, 2028, 2, 25, 10))
	if r := e.runRenewals(); r.Charged != 0 || r.Due != 0 {
		t.Fatalf("early run: %+v", r)
	}
	ends := []time.Time{kst(loc, 2028, 3, 31, 10), kst(loc, 2028, 4, 30, 10), kst(loc, 2028, 5, 31, 10)}
	prev := kst(loc, 2028, 2, 29, 10)
	for i, want := range ends {
		e.clock.Set(prev.Add(-renewLead))
		if r := e.runRenewals(); r.Charged != 1 {
			t.Fatalf("renewal %d: %+v", i, r)
		}
		d := e.sub(uid)
		if !d.CurrentPeriodStart.Equal(prev) || !d.CurrentPeriodEnd.Equal(want) || d.Status != wire.StatusActive {
			t.Fatalf("renewal %d: period %v – %v, want %v – %v", i, d.CurrentPeriodStart, d.CurrentPeriodEnd, prev, want)
		}
		if r := e.runRenewals(); r.Charged != 0 {
			t.Fatalf("second run the same day charged again: %+v", r)
		}
		prev = want
	}
	if n := len(e.fake.Approvals()); n != 4 {
		t.Fatalf("charges = %d, want 4 (first + 3 renewals)", n)
	}
	kinds := []string{}
	for _, m := range e.mails(uid) {
		kinds = append(kinds, m.Kind)
	}
	if strings.Join(kinds, ",") != "receipt,renewal_success,renewal_success,renewal_success" {
		t.Fatalf("mails = %v", kinds)
	}
}

func seoulTZ() *time.Location { l, _ := time.LoadLocation("Asia/Seoul"); return l }

func TestConcurrentRenewalRunsChargeOnce(t *testing.T) {
	e := newPayEnv(t, kst(seoulTZ(), 2027, 3, 1, 9))
	uid, token := e.user("ko")
	e.subscribe(token, "basic", faketoss.CardOK)
	e.clock.Set(kst(e.seoul, 2027, 3, 29, 9))
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := wire.RenewalReport{}
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := e.runRenewals()
			mu.Lock()
			total.Charged += r.Charged
			total.Errors += r.Errors
			mu.Unlock()
		}()
	}
	wg.Wait()
	t.Logf("20 concurrent runs: charged %d, errors %d", total.Charged, total.Errors)
	if total.Charged != 1 || len(e.fake.Approvals()) != 2 {
		t.Fatalf("runs charged %d (errors %d), Toss approvals %d; want 1 renewal", total.Charged, total.Errors, len(e.fake.Approvals()))
	}
	if d := e.sub(uid); !d.CurrentPeriodEnd.Equal(kst(e.seoul, 2027, 5, 1, 9)) {
		t.Fatalf("period end = %v", d.CurrentPeriodEnd)
	}
}

func TestDunningRetriesThenEnds(t *testing.T) {
	e := newPayEnv(t, kst(seoulTZ(), 2027, 1, 10, 9))
	uid, token := e.user("en")
	c, _ := e.subscribe(token, "pro", faketoss.CardOK)
	end := kst(e.seoul, 2027, 2, 10, 9)
	e.fake.SetCustomerCard(c.CustomerKey, faketoss.CardDeclined)
	first := end.Add(-renewLead) // Feb 7
	steps := []struct {
		at        time.Time
		nextRetry time.Time // zero: no retry left
		status    string
		plan      string
	}{
		{first, first.AddDate(0, 0, 1), wire.StatusPastDue, "pro"},
		{first.AddDate(0, 0, 1), first.AddDate(0, 0, 3), wire.StatusPastDue, "pro"},
		{first.AddDate(0, 0, 3), first.AddDate(0, 0, 5), wire.StatusPastDue, "free"}, // Feb 10 = period end: no more access
		{first.AddDate(0, 0, 5), time.Time{}, wire.StatusExpired, "free"},
	}
	for i, st := range steps {
		// A run before the retry date does nothing.
		e.clock.Set(st.at.Add(-time.Hour))
		if r := e.runRenewals(); r.Declined != 0 {
			t.Fatalf("step %d: early run retried: %+v", i, r)
		}
		e.clock.Set(st.at)
		r := e.runRenewals()
		if r.Declined != 1 {
			t.Fatalf("step %d: %+v", i, r)
		}
		d := e.sub(uid)
		b := e.billing(uid)
		if d.Status != st.status {
			t.Fatalf("step %d: status %s, want %s", i, d.Status, st.status)
		}
		if st.nextRetry.IsZero() {
			if b.NextChargeAt != nil || d.AutoRenew {
				t.Fatalf("step %d: still scheduled: %+v %+v", i, b, d)
			}
		} else if b.NextChargeAt == nil || !b.NextChargeAt.Equal(st.nextRetry) {
			t.Fatalf("step %d: next charge %v, want %v", i, b.NextChargeAt, st.nextRetry)
		}
		var ent wire.SubscriptionResponse
		ent = e.srvSubscription(uid)
		if ent.Plan != st.plan {
			t.Fatalf("step %d: plan %s, want %s", i, ent.Plan, st.plan)
		}
	}
	if n := len(e.fake.Approvals()); n != 1 {
		t.Fatalf("approvals = %d", n)
	}
	if e.claims(uid)["plan"] != "free" {
		t.Fatalf("claim = %v", e.claims(uid)["plan"])
	}
	var kinds []string
	var retryLine string
	for _, m := range e.mails(uid) {
		kinds = append(kinds, m.Kind)
		if m.Kind == mailRenewalFailure && retryLine == "" {
			retryLine = m.Message.Text
		}
	}
	count := map[string]int{}
	for _, k := range kinds {
		count[k]++
	}
	if len(kinds) != 6 || count[mailReceipt] != 1 || count[mailRenewalFailure] != 4 || count[mailEnded] != 1 {
		t.Fatalf("mails = %v", kinds)
	}
	if !strings.Contains(retryLine, "February 8, 2027") {
		t.Fatalf("first failure mail does not give the retry date: %q", retryLine)
	}
}

func (e *payEnv) srvSubscription(uid string) wire.SubscriptionResponse {
	return e.svc.subscriptionResponse(e.sub(uid), "")
}

func TestDunningRecoversFromTheOldPeriodEnd(t *testing.T) {
	e := newPayEnv(t, kst(seoulTZ(), 2027, 1, 31, 9))
	uid, token := e.user("ko")
	c, _ := e.subscribe(token, "basic", faketoss.CardOK)
	end := kst(e.seoul, 2027, 2, 28, 9)
	e.fake.SetCustomerCard(c.CustomerKey, faketoss.CardDeclined)
	e.clock.Set(end.Add(-renewLead))
	if r := e.runRenewals(); r.Declined != 1 {
		t.Fatalf("first try: %+v", r)
	}
	e.fake.SetCustomerCard(c.CustomerKey, faketoss.CardOK)
	e.clock.Set(end.Add(-renewLead).AddDate(0, 0, 1))
	if r := e.runRenewals(); r.Charged != 1 {
		t.Fatalf("retry: %+v", r)
	}
	d := e.sub(uid)
	if d.Status != wire.StatusActive || !d.CurrentPeriodStart.Equal(end) || !d.CurrentPeriodEnd.Equal(kst(e.seoul, 2027, 3, 31, 9)) {
		t.Fatalf("after recovery: %+v", d)
	}
	if b := e.billing(uid); b.FailedAttempts != 0 || b.NextChargeAt == nil || !b.NextChargeAt.Equal(kst(e.seoul, 2027, 3, 28, 9)) {
		t.Fatalf("billing after recovery: %+v", b)
	}
}

func TestRefundWebhookEndsThePlanOnce(t *testing.T) {
	e := newPayEnv(t, time.Date(2027, 5, 10, 3, 0, 0, 0, time.UTC))
	uid, token := e.user("ko")
	_, s := e.subscribe(token, "pro", faketoss.CardOK)
	if s.Plan != "pro" {
		t.Fatal(s)
	}
	d := e.sub(uid)
	// A forged "canceled" event changes nothing: Toss says DONE.
	forged := map[string]any{"eventType": "PAYMENT_STATUS_CHANGED", "createdAt": "2027-05-10T12:00:00.000",
		"data": map[string]any{"paymentKey": d.LastPaymentID, "status": "CANCELED"}}
	var res map[string]string
	e.mustCall("POST", "/v1/webhooks/toss", "", forged, &res)
	if e.sub(uid).Status != wire.StatusActive {
		t.Fatal("forged webhook ended the plan")
	}
	// The merchant refunds in the Toss dashboard; Toss sends the webhook,
	// 20 times over.
	e.clock.Set(e.clock.Now().Add(48 * time.Hour))
	p, err := e.fake.Refund(d.LastPaymentID, "고객 요청")
	if err != nil {
		t.Fatal(err)
	}
	event := map[string]any{"eventType": "PAYMENT_STATUS_CHANGED", "createdAt": "2027-05-12T12:00:00.000", "data": p}
	var wg sync.WaitGroup
	results := make([]string, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var r map[string]string
			if status, code := e.call("POST", "/v1/webhooks/toss", "", event, &r); status != 200 {
				t.Errorf("webhook %d: %d %s", i, status, code)
			}
			results[i] = r["result"]
		}()
	}
	wg.Wait()
	ended := 0
	for _, r := range results {
		if r == "ended_subscription" {
			ended++
		}
	}
	if ended != 1 {
		t.Fatalf("results = %v, want exactly one ended_subscription", results)
	}
	after := e.sub(uid)
	if after.Status != wire.StatusExpired || after.AutoRenew || !after.CurrentPeriodEnd.Equal(e.clock.Now()) {
		t.Fatalf("after refund: %+v", after)
	}
	if e.claims(uid)["plan"] != "free" || e.claims(uid)["role"] != "tester" {
		t.Fatalf("claims = %v", e.claims(uid))
	}
	if b := e.billing(uid); b.NextChargeAt != nil {
		t.Fatal("a refunded subscription is still scheduled for renewal")
	}
	n := 0
	for _, m := range e.mails(uid) {
		if m.Kind == mailEnded {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d 'ended' mails", n)
	}
}

func TestCancelResumeAndEndOfPeriod(t *testing.T) {
	e := newPayEnv(t, kst(seoulTZ(), 2027, 4, 15, 12))
	uid, token := e.user("ja")
	e.subscribe(token, "basic", faketoss.CardOK)
	var s wire.SubscriptionResponse
	e.mustCall("POST", "/v1/subscription/cancel", token, nil, &s)
	if s.AutoRenew || !s.CancelAtPeriodEnd || s.Plan != "basic" || s.Status != wire.StatusCanceled {
		t.Fatalf("cancel: %+v", s)
	}
	e.mustCall("POST", "/v1/subscription/cancel", token, nil, &s) // idempotent
	e.mustCall("POST", "/v1/subscription/resume", token, nil, &s)
	if !s.AutoRenew || s.Status != wire.StatusActive {
		t.Fatalf("resume: %+v", s)
	}
	e.mustCall("POST", "/v1/subscription/cancel", token, nil, &s)
	end := kst(e.seoul, 2027, 5, 15, 12)
	e.clock.Set(end.Add(-renewLead))
	if r := e.runRenewals(); r.Charged != 0 {
		t.Fatalf("a cancelled subscription was charged: %+v", r)
	}
	e.clock.Set(end.Add(time.Minute))
	if r := e.runRenewals(); r.Ended != 1 {
		t.Fatalf("end of period: %+v", r)
	}
	if d := e.sub(uid); d.Status != wire.StatusExpired {
		t.Fatalf("status %s", d.Status)
	}
	if e.claims(uid)["plan"] != "free" {
		t.Fatal("claim not dropped")
	}
	mails := e.mails(uid)
	if last := mails[len(mails)-1]; last.Kind != mailEnded || !strings.Contains(last.Message.Subject, "終了") {
		t.Fatalf("last mail = %+v", last)
	}
	if status, code := e.call("POST", "/v1/subscription/resume", token, nil, nil); status != 409 {
		t.Fatalf("resume after end: %d %s", status, code)
	}
}

func TestPlanChanges(t *testing.T) {
	e := newPayEnv(t, kst(seoulTZ(), 2027, 6, 1, 0))
	e.svc.cfg.TossBillingUpgrades = true // the contract allows off-cycle charges
	uid, token := e.user("ko")
	e.subscribe(token, "basic", faketoss.CardOK) // June 1 – July 1 (30 days)
	// Half way through: Pro for the rest of the period costs half the difference.
	e.clock.Set(kst(e.seoul, 2027, 6, 16, 0))
	var s wire.SubscriptionResponse
	e.mustCall("POST", "/v1/subscription/change", token, wire.ChangePlanRequest{Plan: "pro"}, &s)
	if s.Plan != "pro" || s.Amount != 2500 || !s.CurrentPeriodEnd.Equal(kst(e.seoul, 2027, 7, 1, 0)) {
		t.Fatalf("upgrade: %+v", s)
	}
	// Downgrade waits for the renewal.
	e.mustCall("POST", "/v1/subscription/change", token, wire.ChangePlanRequest{Plan: "basic"}, &s)
	if s.Plan != "pro" || s.PendingPlan != "basic" {
		t.Fatalf("downgrade: %+v", s)
	}
	e.clock.Set(kst(e.seoul, 2027, 6, 28, 0))
	if r := e.runRenewals(); r.Charged != 1 {
		t.Fatalf("renewal: %+v", r)
	}
	ap := e.fake.Approvals()
	if last := ap[len(ap)-1]; last.TotalAmount != 4900 {
		t.Fatalf("renewal charged %d, want Basic's 4900", last.TotalAmount)
	}
	if d := e.sub(uid); d.Plan != "basic" || !d.CurrentPeriodEnd.Equal(kst(e.seoul, 2027, 8, 1, 0)) {
		t.Fatalf("after renewal: %+v", d)
	}
	if b := e.billing(uid); b.PendingPlan != "" {
		t.Fatal("pending plan kept")
	}
	// Checkout of a cheaper plan while a dearer one runs is refused.
	e.mustCall("POST", "/v1/subscription/change", token, wire.ChangePlanRequest{Plan: "pro"}, &s)
	if status, code := e.call("POST", "/v1/checkout", token, wire.CheckoutRequest{Plan: "basic", Mode: modeOnce}, nil); status != 409 {
		t.Fatalf("checkout of a cheaper plan: %d %s", status, code)
	}
}

func TestSchedulerOnly(t *testing.T) {
	e := newPayEnv(t, time.Now())
	if status, _ := e.call("POST", "/v1/renewals/run", "", nil, nil); status != 401 {
		t.Fatalf("no secret: %d", status)
	}
	if status, _ := e.call("POST", "/v1/renewals/run", "", nil, nil, "X-Scheduler-Secret", "wrong"); status != 403 {
		t.Fatalf("wrong secret: %d", status)
	}
	// With OIDC configured, a bearer JWT must be a valid Google ID token; the
	// shared secret keeps working.
	t.Setenv("SCHEDULER_OIDC_AUDIENCE", e.api.URL+"/v1/renewals/run")
	t.Setenv("SCHEDULER_SERVICE_ACCOUNT", "scheduler@demo.iam.gserviceaccount.com")
	if status, _ := e.call("POST", "/v1/renewals/run", "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln", nil, nil); status != 403 {
		t.Fatalf("forged OIDC token: %d", status)
	}
	e.runRenewals()
	_, token := e.user("ko")
	c := e.checkout(token, "basic", modeSubscription)
	_, other := e.user("ko")
	authKey := e.fake.AuthorizeBilling(c.CustomerKey, faketoss.CardOK)
	if status, _ := e.call("POST", "/v1/billing/issue", other, wire.BillingIssueRequest{AuthKey: authKey, CustomerKey: c.CustomerKey, OrderID: c.OrderID}, nil); status != 403 {
		t.Fatalf("another user's token on the order: %d", status)
	}
	if status, _ := e.call("POST", "/v1/billing/issue", "", wire.BillingIssueRequest{AuthKey: authKey, CustomerKey: "cus_other", OrderID: c.OrderID}, nil); status != 400 {
		t.Fatalf("foreign customerKey: %d", status)
	}
}

func TestBillingIssueReplaysChargeOnce(t *testing.T) {
	e := newPayEnv(t, kst(seoulTZ(), 2027, 8, 31, 20))
	uid, token := e.user("ko")
	c := e.checkout(token, "pro", modeSubscription)
	authKey := e.fake.AuthorizeBilling(c.CustomerKey, faketoss.CardOK)
	var wg sync.WaitGroup
	codes := make([]int, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _ = e.call("POST", "/v1/billing/issue", "", wire.BillingIssueRequest{AuthKey: authKey, CustomerKey: c.CustomerKey, OrderID: c.OrderID}, nil)
		}()
	}
	wg.Wait()
	for i, code := range codes {
		if code != 200 {
			t.Errorf("replay %d: %d", i, code)
		}
	}
	if n := len(e.fake.Approvals()); n != 1 {
		t.Fatalf("charges = %d, want 1", n)
	}
	d := e.sub(uid)
	if !d.AutoRenew || !d.CurrentPeriodEnd.Equal(kst(e.seoul, 2027, 9, 30, 20)) {
		t.Fatalf("subscription = %+v", d)
	}
	// Aug 31 anchors the next periods on the 31st: Sep 30 → Oct 31.
	e.clock.Set(kst(e.seoul, 2027, 9, 27, 20))
	e.runRenewals()
	if d := e.sub(uid); !d.CurrentPeriodEnd.Equal(kst(e.seoul, 2027, 10, 31, 20)) {
		t.Fatalf("renewed to %v, want Oct 31", d.CurrentPeriodEnd)
	}
}

// The buyer paid but our confirm never finished (it died after Toss approved,
// and the browser was closed): Toss's DONE webhook completes the order once.
func TestDoneWebhookCompletesAnUnfinishedOrder(t *testing.T) {
	e := newPayEnv(t, kst(seoulTZ(), 2027, 3, 3, 15))
	uid, token := e.user("ko")
	c := e.checkout(token, "basic", modeOnce)
	key := e.fake.OpenPayment(c.OrderID, c.OrderName, c.Amount, faketoss.CardOK)
	p := e.svc
	tp, err := p.once.Confirm(e.ctx, toss.ConfirmRequest{PaymentKey: key, OrderID: c.OrderID, Amount: c.Amount}, "confirm-"+c.OrderID+"-0")
	if err != nil {
		t.Fatal(err)
	}
	if e.sub(uid) != nil {
		t.Fatal("active before the webhook")
	}
	event := map[string]any{"eventType": "PAYMENT_STATUS_CHANGED", "createdAt": "2027-03-03T15:00:01.000", "data": tp}
	for range 3 {
		e.mustCall("POST", "/v1/webhooks/toss", "", event, nil)
	}
	d := e.sub(uid)
	if d == nil || d.Plan != "basic" || !d.CurrentPeriodEnd.Equal(kst(e.seoul, 2027, 4, 3, 15)) {
		t.Fatalf("after webhook: %+v", d)
	}
	// The buyer comes back to the success page later: same answer, no second period.
	var s wire.SubscriptionResponse
	e.mustCall("POST", "/v1/payments/confirm", "", wire.ConfirmRequest{PaymentKey: key, OrderID: c.OrderID, Amount: c.Amount}, &s)
	if !s.CurrentPeriodEnd.Equal(d.CurrentPeriodEnd) || len(e.fake.Approvals()) != 1 || len(e.mails(uid)) != 1 {
		t.Fatalf("replayed confirm: %+v, %d approvals", s, len(e.fake.Approvals()))
	}
}

// A user whose renewal is failing registers another card: the month is paid
// with it at once (from the old period end) and dunning stops.
func TestNewCardDuringDunning(t *testing.T) {
	e := newPayEnv(t, kst(seoulTZ(), 2027, 10, 5, 8))
	uid, token := e.user("ko")
	c, _ := e.subscribe(token, "pro", faketoss.CardOK)
	oldKey := e.billing(uid).BillingKey
	end := kst(e.seoul, 2027, 11, 5, 8)
	e.fake.SetCustomerCard(c.CustomerKey, faketoss.CardDeclined)
	e.clock.Set(end.Add(-renewLead))
	e.runRenewals()
	if d := e.sub(uid); d.Status != wire.StatusPastDue {
		t.Fatalf("status %s", d.Status)
	}
	if status, code := e.call("POST", "/v1/checkout", token, wire.CheckoutRequest{Plan: "pro", Mode: modeSubscription}, nil); status != 200 {
		t.Fatalf("checkout during dunning: %d %s", status, code)
	}
	e.clock.Set(end.Add(-renewLead + time.Hour))
	c2 := e.checkout(token, "pro", modeSubscription)
	var s wire.SubscriptionResponse
	e.mustCall("POST", "/v1/billing/issue", "", wire.BillingIssueRequest{AuthKey: e.fake.AuthorizeBilling(c2.CustomerKey, faketoss.CardOK), CustomerKey: c2.CustomerKey, OrderID: c2.OrderID}, &s)
	b := e.billing(uid)
	if s.Status != wire.StatusActive || !s.CurrentPeriodEnd.Equal(kst(e.seoul, 2027, 12, 5, 8)) || b.BillingKey == oldKey || b.FailedAttempts != 0 ||
		b.NextChargeAt == nil || !b.NextChargeAt.Equal(kst(e.seoul, 2027, 12, 2, 8)) {
		t.Fatalf("after new card: %+v, billing %+v", s, b)
	}
	// The old retry date passes: nothing is charged.
	e.clock.Set(end.Add(-renewLead).AddDate(0, 0, 1))
	if r := e.runRenewals(); r.Charged+r.Declined != 0 {
		t.Fatalf("run after the card change: %+v", r)
	}
}
