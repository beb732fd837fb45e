package faketoss_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"imageconverter/functions/toss"
	"imageconverter/functions/toss/faketoss"
)

var (
	onceMID    = faketoss.Merchant{MID: faketoss.DefaultMID, SecretKey: faketoss.DefaultSecretKey, ClientKey: faketoss.DefaultClientKey}
	billingMID = faketoss.Merchant{MID: faketoss.DefaultBillingMID, SecretKey: faketoss.DefaultBillingSecretKey, ClientKey: faketoss.DefaultBillingClientKey}
)

func twoMIDs(t *testing.T) (*faketoss.Server, *httptest.Server, *toss.Client, *toss.Client) {
	t.Helper()
	f := faketoss.NewMerchants(onceMID, billingMID)
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	once, _ := toss.New(srv.URL, onceMID.SecretKey, toss.WithRetry(1, 0))
	billing, _ := toss.New(srv.URL, billingMID.SecretKey, toss.WithRetry(1, 0))
	return f, srv, once, billing
}

// Each MID sees only its own payments and billing keys, as at Toss.
func TestTwoMIDsSeeOnlyTheirOwn(t *testing.T) {
	f, _, once, billing := twoMIDs(t)
	ctx := context.Background()
	key := f.OpenPayment("ord-1", "Basic", 4900, faketoss.CardOK)
	if _, err := billing.Confirm(ctx, toss.ConfirmRequest{PaymentKey: key, OrderID: "ord-1", Amount: 4900}, "k"); !toss.HasCode(err, toss.CodeNotFoundPaymentSession) {
		t.Fatalf("confirm with the other MID's keys: %v", err)
	}
	p, err := once.Confirm(ctx, toss.ConfirmRequest{PaymentKey: key, OrderID: "ord-1", Amount: 4900}, "k")
	if err != nil || p.MID != onceMID.MID {
		t.Fatalf("confirm: %+v %v", p, err)
	}
	if _, err := billing.GetPayment(ctx, key); !toss.HasCode(err, toss.CodeNotFoundPayment) {
		t.Fatalf("lookup with the other MID's keys: %v", err)
	}
	if _, err := billing.GetPaymentByOrderID(ctx, "ord-1"); !toss.HasCode(err, toss.CodeNotFoundPayment) {
		t.Fatalf("lookup by order with the other MID's keys: %v", err)
	}
	if got, err := once.GetPayment(ctx, key); err != nil || got.Status != toss.StatusDone {
		t.Fatalf("lookup: %+v %v", got, err)
	}
	// A billing auth made in the billing MID's window is that MID's.
	auth := f.AuthorizeBilling("cus-1", faketoss.CardOK)
	if _, err := once.IssueBillingKey(ctx, toss.IssueBillingKeyRequest{AuthKey: auth, CustomerKey: "cus-1"}, "i"); !toss.HasCode(err, "INVALID_AUTHORIZE_AUTH") {
		t.Fatalf("issue with the one-time MID: %v", err)
	}
	b, err := billing.IssueBillingKey(ctx, toss.IssueBillingKeyRequest{AuthKey: auth, CustomerKey: "cus-1"}, "i")
	if err != nil || b.MID != billingMID.MID {
		t.Fatalf("issue: %+v %v", b, err)
	}
	req := toss.BillingChargeRequest{CustomerKey: "cus-1", Amount: 4900, OrderID: "rn-1", OrderName: "Basic"}
	if _, err := once.ChargeBilling(ctx, b.BillingKey, req, "c"); !toss.HasCode(err, toss.CodeNotFound) {
		t.Fatalf("charge with the one-time MID: %v", err)
	}
	if p, err := billing.ChargeBilling(ctx, b.BillingKey, req, "c"); err != nil || p.Type != "BILLING" || p.MID != billingMID.MID {
		t.Fatalf("charge: %+v %v", p, err)
	}
}

// A payment window lives 10 minutes: a confirm after that fails as Toss
// does, the payment is EXPIRED, and its webhook is sent.
func TestPaymentWindowExpires(t *testing.T) {
	f, _, once, _ := twoMIDs(t)
	hooks := collectWebhooks(t, f)
	now := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
	f.Now = func() time.Time { return now }
	ctx := context.Background()
	late := f.OpenPayment("ord-late", "Pro", 9900, faketoss.CardOK)
	inTime := f.OpenPayment("ord-in-time", "Pro", 9900, faketoss.CardOK)
	now = now.Add(faketoss.PaymentWindow)
	if _, err := once.Confirm(ctx, toss.ConfirmRequest{PaymentKey: inTime, OrderID: "ord-in-time", Amount: 9900}, "a"); err != nil {
		t.Fatalf("confirm at exactly 10 minutes: %v", err)
	}
	now = now.Add(time.Second)
	_, err := once.Confirm(ctx, toss.ConfirmRequest{PaymentKey: late, OrderID: "ord-late", Amount: 9900}, "b")
	if !toss.HasCode(err, toss.CodeNotFoundPaymentSession) {
		t.Fatalf("confirm after 10 minutes: %v", err)
	}
	p, err := once.GetPayment(ctx, late)
	if err != nil || p.Status != toss.StatusExpired || p.Failure == nil || p.Failure.Code != "EXPIRED_PAYMENT" {
		t.Fatalf("expired payment = %+v %v", p, err)
	}
	f.Wait()
	if got := hooks.statuses(late); len(got) != 1 || got[0] != toss.StatusExpired {
		t.Fatalf("webhooks of the expired payment = %v", got)
	}
	// ExpireWindows ends windows nobody confirms.
	f.OpenPayment("ord-abandoned", "Pro", 9900, faketoss.CardOK)
	now = now.Add(faketoss.PaymentWindow + time.Minute)
	if n := f.ExpireWindows(); n != 1 {
		t.Fatalf("ExpireWindows = %d", n)
	}
}

// A refused approval is ABORTED and sends its webhook; billing-key charges
// send theirs only with BillingChargeWebhooks.
func TestAbortedAndBillingChargeWebhooks(t *testing.T) {
	for _, on := range []bool{true, false} {
		f, _, once, billing := twoMIDs(t)
		f.BillingChargeWebhooks = on
		hooks := collectWebhooks(t, f)
		ctx := context.Background()
		key := f.OpenPayment("ord-d", "Basic", 4900, faketoss.CardDeclined)
		if _, err := once.Confirm(ctx, toss.ConfirmRequest{PaymentKey: key, OrderID: "ord-d", Amount: 4900}, "a"); !toss.Declined(err) {
			t.Fatal(err)
		}
		b, _ := billing.IssueBillingKey(ctx, toss.IssueBillingKeyRequest{AuthKey: f.AuthorizeBilling("cus-w", faketoss.CardOK), CustomerKey: "cus-w"}, "i")
		p, err := billing.ChargeBilling(ctx, b.BillingKey, toss.BillingChargeRequest{CustomerKey: "cus-w", Amount: 4900, OrderID: "rn-w", OrderName: "Basic"}, "c")
		if err != nil {
			t.Fatal(err)
		}
		f.SetCustomerCard("cus-w", faketoss.CardDeclined)
		billing.ChargeBilling(ctx, b.BillingKey, toss.BillingChargeRequest{CustomerKey: "cus-w", Amount: 4900, OrderID: "rn-w2", OrderName: "Basic"}, "c2")
		if _, err := f.Refund(p.PaymentKey, "환불"); err != nil {
			t.Fatal(err)
		}
		f.Wait()
		if got := hooks.statuses(key); len(got) != 1 || got[0] != toss.StatusAborted {
			t.Fatalf("declined confirm webhooks = %v", got)
		}
		want := "CANCELED" // a refund notifies either way
		if on {
			want = "DONE,CANCELED"
		}
		if got := hooks.joined(p.PaymentKey); got != want {
			t.Fatalf("switch %v: billing payment webhooks = %s, want %s", on, got, want)
		}
		if n := hooks.count(); on && n != 4 || !on && n != 2 {
			t.Fatalf("switch %v: %d webhooks", on, n)
		}
		for _, d := range f.Deliveries() {
			if d.Answer != 200 {
				t.Fatalf("delivery %+v", d)
			}
		}
	}
}

// A second request with the same Idempotency-Key while the first runs is
// answered 409 IDEMPOTENT_REQUEST_PROCESSING; after it, the first answer.
func TestIdempotentRequestProcessing(t *testing.T) {
	f, srv, _, _ := twoMIDs(t)
	f.Latency = 200 * time.Millisecond
	key := f.OpenPayment("ord-c", "Pro", 9900, faketoss.CardOK)
	body, _ := json.Marshal(toss.ConfirmRequest{PaymentKey: key, OrderID: "ord-c", Amount: 9900})
	send := func() (int, string) {
		req, _ := http.NewRequest("POST", srv.URL+"/v1/payments/confirm", bytes.NewReader(body))
		req.SetBasicAuth(onceMID.SecretKey, "")
		req.Header.Set("Idempotency-Key", "same")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v struct{ Code, Status string }
		json.NewDecoder(resp.Body).Decode(&v)
		return resp.StatusCode, v.Code + v.Status
	}
	var wg sync.WaitGroup
	var first int
	wg.Add(1)
	go func() { defer wg.Done(); first, _ = send() }()
	time.Sleep(50 * time.Millisecond)
	status, code := send()
	if status != 409 || code != toss.CodeIdempotentRequestProcessing {
		t.Fatalf("second request meanwhile: %d %s", status, code)
	}
	wg.Wait()
	if status, got := send(); first != 200 || status != 200 || got != toss.StatusDone || len(f.Approvals()) != 1 {
		t.Fatalf("first %d, replay %d %s, %d approvals", first, status, got, len(f.Approvals()))
	}
}

// The fake's SDK refuses a 결제위젯 client key in payment(), as the real SDK does.
func TestSDKRefusesWidgetKeys(t *testing.T) {
	_, srv, _, _ := twoMIDs(t)
	resp, err := http.Get(srv.URL + "/sdk.js")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`/^(test|live)_gck_/.test(clientKey)`, "throw keyError", "INVALID_CLIENT_KEY"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("sdk.js lacks %q", want)
		}
	}
	// (web/e2e/checkout.e2e.mjs runs it in Chromium.)
}

// Every code of the toss package's table is one the fake can answer with, at
// the status the table says.
func TestFakeKnowsEveryCode(t *testing.T) {
	for _, row := range toss.Codes {
		if st, ok := faketoss.Status(row.Code); !ok || st != row.Status {
			t.Errorf("%s: fake status %d (known %v), table %d", row.Code, st, ok, row.Status)
		}
	}
}

type webhookLog struct {
	mu     sync.Mutex
	events []toss.WebhookEvent
}

func collectWebhooks(t *testing.T, f *faketoss.Server) *webhookLog {
	l := &webhookLog{}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev toss.WebhookEvent
		json.NewDecoder(r.Body).Decode(&ev)
		l.mu.Lock()
		l.events = append(l.events, ev)
		l.mu.Unlock()
	}))
	t.Cleanup(hs.Close)
	f.WebhookURL = hs.URL
	return l
}

func (l *webhookLog) statuses(paymentKey string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, ev := range l.events {
		if ev.Data.PaymentKey == paymentKey {
			out = append(out, ev.Data.Status)
		}
	}
	return out
}

func (l *webhookLog) joined(paymentKey string) string {
	s := ""
	for i, st := range l.statuses(paymentKey) {
		if i > 0 {
			s += ","
		}
		s += st
	}
	return s
}

func (l *webhookLog) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.events)
}
