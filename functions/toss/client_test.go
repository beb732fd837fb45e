package toss_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"imageconverter/functions/toss"
	"imageconverter/functions/toss/faketoss"
	"imageconverter/functions/wire"
)

func newFake(t *testing.T) (*faketoss.Server, *httptest.Server, *toss.Client) {
	t.Helper()
	f := faketoss.New(faketoss.DefaultSecretKey, faketoss.DefaultClientKey)
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c, err := toss.New(srv.URL, faketoss.DefaultSecretKey, toss.WithRetry(3, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	return f, srv, c
}

func TestConfirmIsIdempotentUnderConcurrency(t *testing.T) {
	f, _, c := newFake(t)
	key := f.OpenPayment("order-1", "Basic 1개월", 4900, faketoss.CardOK)
	var wg sync.WaitGroup
	results := make([]*toss.Payment, 20)
	errs := make([]error, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = c.Confirm(context.Background(), toss.ConfirmRequest{PaymentKey: key, OrderID: "order-1", Amount: 4900}, "confirm-order-1-0")
		}()
	}
	wg.Wait()
	for i := range 20 {
		if errs[i] != nil {
			t.Fatalf("confirm %d: %v", i, errs[i])
		}
		if results[i].Status != toss.StatusDone || results[i].TotalAmount != 4900 || results[i].PaymentKey != key {
			t.Fatalf("confirm %d = %+v", i, results[i])
		}
	}
	if n := len(f.Approvals()); n != 1 {
		t.Fatalf("approvals = %d, want exactly 1", n)
	}
	// A different key for the same payment is a second confirm: Toss refuses it.
	_, err := c.Confirm(context.Background(), toss.ConfirmRequest{PaymentKey: key, OrderID: "order-1", Amount: 4900}, "other-key")
	if !toss.HasCode(err, toss.CodeAlreadyProcessedPayment) {
		t.Fatalf("second confirm err = %v, want ALREADY_PROCESSED_PAYMENT", err)
	}
	p, err := c.GetPayment(context.Background(), key)
	if err != nil || p.Status != toss.StatusDone || p.Card == nil || !strings.HasSuffix(p.Card.Number, "*") || p.ApprovedAt.IsZero() {
		t.Fatalf("lookup = %+v, %v", p, err)
	}
}

func TestConfirmFailures(t *testing.T) {
	f, _, c := newFake(t)
	ctx := context.Background()
	cases := []struct {
		name, card string
		amount     int64
		code       string
		api        wire.Code
		declined   bool
	}{
		{"declined card", faketoss.CardDeclined, 9900, toss.CodeRejectCardCompany, wire.CodePaymentFailed, true},
		{"provider error", faketoss.CardProviderError, 9900, toss.CodeProviderError, wire.CodeUnavailable, false},
		{"tampered amount", faketoss.CardOK, 100, toss.CodeInvalidRequest, wire.CodeInvalidArgument, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			key := f.OpenPayment("o-"+tc.name, "Pro", 9900, tc.card)
			_, err := c.Confirm(ctx, toss.ConfirmRequest{PaymentKey: key, OrderID: "o-" + tc.name, Amount: tc.amount}, "k-"+tc.name)
			if !toss.HasCode(err, tc.code) {
				t.Fatalf("err = %v, want %s", err, tc.code)
			}
			if toss.Declined(err) != tc.declined {
				t.Errorf("Declined = %v", !tc.declined)
			}
			if code, msg := toss.APIError(err); code != tc.api || msg == "" {
				t.Errorf("APIError = %s %q, want %s", code, msg, tc.api)
			}
		})
	}
	if n := len(f.Approvals()); n != 0 {
		t.Fatalf("approvals = %d, want 0", n)
	}
}

func TestWrongSecretKey(t *testing.T) {
	_, srv, _ := newFake(t)
	c, _ := toss.New(srv.URL, "test_sk_wrong")
	_, err := c.GetPayment(context.Background(), "nope")
	if !toss.HasCode(err, toss.CodeUnauthorizedKey) {
		t.Fatalf("err = %v", err)
	}
	if code, _ := toss.APIError(err); code != wire.CodeInternal {
		t.Fatalf("APIError = %s", code)
	}
	if _, err := toss.New(srv.URL, ""); err == nil {
		t.Fatal("empty secret key accepted")
	}
}

func TestBillingIssueChargeCancel(t *testing.T) {
	f, _, c := newFake(t)
	ctx := context.Background()
	auth := f.AuthorizeBilling("cust-1", faketoss.CardOK)
	if _, err := c.IssueBillingKey(ctx, toss.IssueBillingKeyRequest{AuthKey: auth, CustomerKey: "cust-2"}, "i0"); !toss.HasCode(err, "NOT_MATCHES_CUSTOMER_KEY") {
		t.Fatalf("foreign customerKey: %v", err)
	}
	b, err := c.IssueBillingKey(ctx, toss.IssueBillingKeyRequest{AuthKey: auth, CustomerKey: "cust-1"}, "i1")
	if err != nil || b.BillingKey == "" || b.CustomerKey != "cust-1" || b.Card == nil {
		t.Fatalf("issue = %+v, %v", b, err)
	}
	req := toss.BillingChargeRequest{CustomerKey: "cust-1", Amount: 9900, OrderID: "renew-1", OrderName: "Pro 1개월"}
	p, err := c.ChargeBilling(ctx, b.BillingKey, req, "charge-renew-1")
	if err != nil || p.Status != toss.StatusDone || p.Type != "BILLING" || p.TotalAmount != 9900 {
		t.Fatalf("charge = %+v, %v", p, err)
	}
	again, err := c.ChargeBilling(ctx, b.BillingKey, req, "charge-renew-1")
	if err != nil || again.PaymentKey != p.PaymentKey {
		t.Fatalf("replayed charge = %+v, %v", again, err)
	}
	if _, err := c.ChargeBilling(ctx, b.BillingKey, req, "another-key"); !toss.HasCode(err, toss.CodeDuplicatedOrderID) {
		t.Fatalf("same orderId, new key: %v", err)
	}
	f.SetCustomerCard("cust-1", faketoss.CardDeclined)
	req.OrderID = "renew-2"
	if _, err := c.ChargeBilling(ctx, b.BillingKey, req, "charge-renew-2"); !toss.HasCode(err, toss.CodeRejectCardCompany) {
		t.Fatalf("declined renewal: %v", err)
	}
	if n := len(f.Approvals()); n != 1 {
		t.Fatalf("approvals = %d, want 1", n)
	}
	cp, err := c.Cancel(ctx, p.PaymentKey, toss.CancelRequest{CancelReason: "테스트"}, "cancel-1")
	if err != nil || cp.Status != toss.StatusCanceled || cp.BalanceAmount != 0 || len(cp.Cancels) != 1 || cp.Cancels[0].CancelAmount != 9900 {
		t.Fatalf("cancel = %+v, %v", cp, err)
	}
	if _, err := c.Cancel(ctx, p.PaymentKey, toss.CancelRequest{CancelReason: "again"}, "cancel-2"); !toss.HasCode(err, toss.CodeAlreadyCanceledPayment) {
		t.Fatalf("second cancel: %v", err)
	}
}

// flaky answers 500 n times, then passes to next, recording Idempotency-Keys.
type flaky struct {
	n    atomic.Int32
	keys []string
	mu   sync.Mutex
	next http.Handler
	code int
}

func (f *flaky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.keys = append(f.keys, r.Header.Get("Idempotency-Key"))
	f.mu.Unlock()
	if f.n.Add(-1) >= 0 {
		w.WriteHeader(f.code)
		io.WriteString(w, `{"code":"FAILED_INTERNAL_SYSTEM_PROCESSING","message":"내부 시스템 처리 작업이 실패했습니다."}`)
		return
	}
	f.next.ServeHTTP(w, r)
}

func TestRetriesOnlyWhatIsSafe(t *testing.T) {
	fake := faketoss.New(faketoss.DefaultSecretKey, faketoss.DefaultClientKey)
	fl := &flaky{next: fake, code: 500}
	fl.n.Store(2)
	srv := httptest.NewServer(fl)
	defer srv.Close()
	c, _ := toss.New(srv.URL, faketoss.DefaultSecretKey, toss.WithRetry(3, time.Millisecond))
	key := fake.OpenPayment("o", "Basic", 4900, faketoss.CardOK)
	p, err := c.Confirm(context.Background(), toss.ConfirmRequest{PaymentKey: key, OrderID: "o", Amount: 4900}, "same-key")
	if err != nil || p.Status != toss.StatusDone {
		t.Fatalf("confirm after two 500s: %+v %v", p, err)
	}
	if len(fl.keys) != 3 || fl.keys[0] != "same-key" || fl.keys[2] != "same-key" {
		t.Fatalf("attempts/keys = %v, want 3 with the same key", fl.keys)
	}
	// A 4xx is final: one attempt only.
	fl.keys = nil
	_, err = c.Confirm(context.Background(), toss.ConfirmRequest{PaymentKey: "missing", OrderID: "o", Amount: 1}, "k2")
	if !toss.HasCode(err, toss.CodeNotFoundPaymentSession) || len(fl.keys) != 1 {
		t.Fatalf("4xx: err=%v attempts=%d", err, len(fl.keys))
	}
	// Toss unreachable: unavailable, not payment_failed.
	dead, _ := toss.New("http://127.0.0.1:1", "test_sk_x", toss.WithRetry(2, time.Millisecond))
	_, err = dead.GetPayment(context.Background(), "x")
	if code, _ := toss.APIError(err); err == nil || code != wire.CodeUnavailable {
		t.Fatalf("unreachable: %v %s", err, code)
	}
}

func TestRefundSendsWebhookWithPayment(t *testing.T) {
	got := make(chan toss.WebhookEvent, 4)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev toss.WebhookEvent
		if err := json.NewDecoder(r.Body).Decode(&ev); err != nil {
			t.Errorf("webhook body: %v", err)
		}
		got <- ev
	}))
	defer hook.Close()
	f, _, c := newFake(t)
	f.WebhookURL = hook.URL
	key := f.OpenPayment("o-r", "Basic", 4900, faketoss.CardOK)
	if _, err := c.Confirm(context.Background(), toss.ConfirmRequest{PaymentKey: key, OrderID: "o-r", Amount: 4900}, "k"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Refund(key, "환불"); err != nil {
		t.Fatal(err)
	}
	f.Wait()
	close(got)
	var statuses []string
	for ev := range got {
		if ev.EventType != toss.EventPaymentStatusChanged || ev.Data.PaymentKey != key || ev.CreatedAt.IsZero() {
			t.Errorf("event = %+v", ev)
		}
		statuses = append(statuses, ev.Data.Status)
	}
	if strings.Join(statuses, ",") != "DONE,CANCELED" {
		t.Fatalf("webhook statuses = %v", statuses)
	}
}

func TestPaymentWindowsRedirectLikeToss(t *testing.T) {
	f, srv, c := newFake(t)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	q := url.Values{"clientKey": {faketoss.DefaultClientKey}, "orderId": {"ord9"}, "orderName": {"Pro"}, "amount": {"9900"},
		"successUrl": {"http://app.test/success.html?lang=en"}, "failUrl": {"http://app.test/fail.html"}}
	resp, err := http.Get(srv.URL + "/pay?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "9900") {
		t.Fatalf("pay page: %d %s", resp.StatusCode, body)
	}
	form := url.Values{}
	for k, v := range q {
		form[k] = v
	}
	form.Set("card", faketoss.CardOK)
	form.Set("action", "pay")
	resp, err = noFollow.PostForm(srv.URL+"/pay", form)
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || loc.Host != "app.test" || loc.Query().Get("lang") != "en" ||
		loc.Query().Get("orderId") != "ord9" || loc.Query().Get("amount") != "9900" || loc.Query().Get("paymentKey") == "" {
		t.Fatalf("success redirect = %d %s", resp.StatusCode, loc)
	}
	if _, err := c.Confirm(context.Background(), toss.ConfirmRequest{PaymentKey: loc.Query().Get("paymentKey"), OrderID: "ord9", Amount: 9900}, "x"); err != nil {
		t.Fatalf("confirm after window: %v", err)
	}
	form.Set("action", "cancel")
	resp, _ = noFollow.PostForm(srv.URL+"/pay", form)
	loc, _ = url.Parse(resp.Header.Get("Location"))
	if loc.Path != "/fail.html" || loc.Query().Get("code") != "PAY_PROCESS_CANCELED" || loc.Query().Get("orderId") != "ord9" {
		t.Fatalf("fail redirect = %s", loc)
	}
	bq := url.Values{"clientKey": {faketoss.DefaultClientKey}, "customerKey": {"cust-9"}, "successUrl": {"http://app.test/s"}, "failUrl": {"http://app.test/f"}, "action": {"pay"}, "card": {faketoss.CardOK}}
	resp, _ = noFollow.PostForm(srv.URL+"/billing-auth", bq)
	loc, _ = url.Parse(resp.Header.Get("Location"))
	if loc.Query().Get("customerKey") != "cust-9" || loc.Query().Get("authKey") == "" {
		t.Fatalf("billing redirect = %s", loc)
	}
	if _, err := c.IssueBillingKey(context.Background(), toss.IssueBillingKeyRequest{AuthKey: loc.Query().Get("authKey"), CustomerKey: "cust-9"}, "b"); err != nil {
		t.Fatalf("issue after window: %v", err)
	}
	bq.Set("clientKey", "test_ck_wrong")
	resp, _ = noFollow.PostForm(srv.URL+"/billing-auth", bq)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong client key: %d", resp.StatusCode)
	}
	_ = f
}

func TestTimeFormats(t *testing.T) {
	var v struct{ A, B, C toss.Time }
	if err := json.Unmarshal([]byte(`{"A":"2024-02-13T12:18:14+09:00","B":"2022-05-12T00:00:00.000","C":null}`), &v); err != nil {
		t.Fatal(err)
	}
	if !v.A.Equal(time.Date(2024, 2, 13, 3, 18, 14, 0, time.UTC)) || !v.B.Equal(time.Date(2022, 5, 11, 15, 0, 0, 0, time.UTC)) || !v.C.IsZero() {
		t.Fatalf("times = %v %v %v", v.A, v.B, v.C)
	}
	b, _ := json.Marshal(v.A)
	if string(b) != `"2024-02-13T12:18:14+09:00"` {
		t.Fatalf("marshal = %s", b)
	}
}

func TestDuplicatedOrderIsNotADecline(t *testing.T) {
	f, _, c := newFake(t)
	ctx := context.Background()
	b, _ := c.IssueBillingKey(ctx, toss.IssueBillingKeyRequest{AuthKey: f.AuthorizeBilling("cus-d", faketoss.CardOK), CustomerKey: "cus-d"}, "i")
	req := toss.BillingChargeRequest{CustomerKey: "cus-d", Amount: 4900, OrderID: "dup-1", OrderName: "Basic"}
	first, err := c.ChargeBilling(ctx, b.BillingKey, req, "k1")
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ChargeBilling(ctx, b.BillingKey, req, "k2")
	if !toss.HasCode(err, toss.CodeDuplicatedOrderID) || toss.Declined(err) {
		t.Fatalf("err = %v (declined %v)", err, toss.Declined(err))
	}
	p, err := c.GetPaymentByOrderID(ctx, "dup-1")
	if err != nil || p.PaymentKey != first.PaymentKey {
		t.Fatalf("lookup by order: %+v %v", p, err)
	}
}
