package toss_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"imageconverter/functions/toss"
	"imageconverter/functions/toss/faketoss"
	"imageconverter/functions/wire"
)

// Every row of the code table, produced by the fake on both calls that move
// money (confirm and billing charge), reaches the client as that code with
// its documented status, and maps to the row's action and to an API code
// that fits it.
func TestEveryCodeAgainstTheFake(t *testing.T) {
	f, _, c := newFake(t)
	ctx := context.Background()
	seen := map[string]bool{}
	for i, row := range toss.Codes {
		if seen[row.Code] {
			t.Errorf("%s is listed twice", row.Code)
		}
		seen[row.Code] = true
		if row.Action < toss.Decline || row.Action > toss.Lookup {
			t.Errorf("%s has no action", row.Code)
		}
		card := faketoss.CardFailingWith(row.Code)
		order := fmt.Sprintf("row-%d", i)
		key := f.OpenPayment(order, "Basic", 4900, card)
		_, cerr := c.Confirm(ctx, toss.ConfirmRequest{PaymentKey: key, OrderID: order, Amount: 4900}, "confirm-"+order)
		cust := fmt.Sprintf("cus-row-%d", i)
		b, err := c.IssueBillingKey(ctx, toss.IssueBillingKeyRequest{AuthKey: f.AuthorizeBilling(cust, card), CustomerKey: cust}, "issue-"+order)
		if err != nil {
			t.Fatalf("%s: issue: %v", row.Code, err)
		}
		_, berr := c.ChargeBilling(ctx, b.BillingKey, toss.BillingChargeRequest{CustomerKey: cust, Amount: 4900, OrderID: "rn-" + order, OrderName: "Basic"}, "charge-"+order)
		for call, err := range map[string]error{"confirm": cerr, "billing charge": berr} {
			te, ok := toss.AsError(err)
			if !ok || te.Code != row.Code || te.Status != row.Status || te.Message == "" {
				t.Errorf("%s on %s: got %v, want %d %s", row.Code, call, err, row.Status, row.Code)
				continue
			}
			if got := toss.ActionOf(err); got != row.Action {
				t.Errorf("%s on %s: action %s, want %s", row.Code, call, got, row.Action)
			}
			code, msg := toss.APIError(err)
			want := map[toss.Action][]wire.Code{
				toss.Decline:  {wire.CodePaymentFailed, wire.CodeNotFound},
				toss.Retry:    {wire.CodeUnavailable},
				toss.Operator: {wire.CodeInternal, wire.CodeInvalidArgument},
				toss.Lookup:   {wire.CodeConflict},
			}[row.Action]
			if !contains(want, code) || msg == "" {
				t.Errorf("%s on %s: API error %s %q, want one of %v", row.Code, call, code, msg, want)
			}
		}
	}
	if n := len(f.Approvals()); n != 0 {
		t.Fatalf("%d approvals from failing cards", n)
	}
	t.Logf("%d codes tested on confirm and billing charge", len(toss.Codes))
}

func contains(list []wire.Code, c wire.Code) bool {
	for _, x := range list {
		if x == c {
			return true
		}
	}
	return false
}

// Codes Toss may add later: a 5xx or 429 is retried, any other 4xx needs a
// person; an answer that is not Toss's (network) is retried with the key.
func TestActionFallbacks(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want toss.Action
	}{
		{nil, 0},
		{&toss.Error{Status: 503, Code: "SOMETHING_NEW"}, toss.Retry},
		{&toss.Error{Status: 429, Code: "TOO_MANY_REQUESTS"}, toss.Retry},
		{&toss.Error{Status: 400, Code: "SOMETHING_NEW"}, toss.Operator},
		{fmt.Errorf("wrapped: %w", &toss.Error{Status: 403, Code: toss.CodeRejectCardCompany}), toss.Decline},
		{errors.New("dial tcp: connection refused"), toss.Retry},
	} {
		if got := toss.ActionOf(tc.err); got != tc.want {
			t.Errorf("ActionOf(%v) = %s, want %s", tc.err, got, tc.want)
		}
	}
}

// A temporary error is not kept under the Idempotency-Key: the same request
// sent again later is processed again and can succeed, once.
func TestRetryWithTheSameKeyAfterATemporaryError(t *testing.T) {
	f, _, c := newFake(t)
	ctx := context.Background()
	b, _ := c.IssueBillingKey(ctx, toss.IssueBillingKeyRequest{AuthKey: f.AuthorizeBilling("cus-t", faketoss.CardProviderError), CustomerKey: "cus-t"}, "i")
	req := toss.BillingChargeRequest{CustomerKey: "cus-t", Amount: 4900, OrderID: "rn-t", OrderName: "Basic"}
	if _, err := c.ChargeBilling(ctx, b.BillingKey, req, "charge-rn-t"); toss.ActionOf(err) != toss.Retry {
		t.Fatalf("first try: %v", err)
	}
	f.SetCustomerCard("cus-t", faketoss.CardOK)
	p, err := c.ChargeBilling(ctx, b.BillingKey, req, "charge-rn-t")
	if err != nil || p.Status != toss.StatusDone {
		t.Fatalf("retry with the same key: %+v %v", p, err)
	}
	again, err := c.ChargeBilling(ctx, b.BillingKey, req, "charge-rn-t")
	if err != nil || again.PaymentKey != p.PaymentKey || len(f.Approvals()) != 1 {
		t.Fatalf("replay after the success: %+v %v (%d approvals)", again, err, len(f.Approvals()))
	}
	// With ReplayTransientErrors the fake answers like an API that keeps
	// every answer under its key: the retry gets the same error.
	f.ReplayTransientErrors = true
	f.SetCustomerCard("cus-t", faketoss.CardProviderError)
	req.OrderID = "rn-t2"
	c.ChargeBilling(ctx, b.BillingKey, req, "charge-rn-t2")
	f.SetCustomerCard("cus-t", faketoss.CardOK)
	if _, err := c.ChargeBilling(ctx, b.BillingKey, req, "charge-rn-t2"); !toss.HasCode(err, toss.CodeProviderError) {
		t.Fatalf("replayed temporary error: %v", err)
	}
}

func TestCheckKeys(t *testing.T) {
	pair := func(ck, sk string) toss.KeyPair {
		return toss.KeyPair{ClientName: "TOSS_CLIENT_KEY", Client: ck, SecretName: "TOSS_SECRET_KEY", Secret: sk}
	}
	billing := func(ck, sk string) toss.KeyPair {
		return toss.KeyPair{ClientName: "TOSS_BILLING_CLIENT_KEY", Client: ck, SecretName: "TOSS_BILLING_SECRET_KEY", Secret: sk}
	}
	for _, tc := range []struct {
		name  string
		pairs []toss.KeyPair
		want  []string // one substring per expected problem
	}{
		{"test keys", []toss.KeyPair{pair("test_ck_a", "test_sk_a"), billing("test_ck_b", "test_sk_b")}, nil},
		{"live keys", []toss.KeyPair{pair("live_ck_a", "live_sk_a"), billing("live_ck_b", "live_sk_b")}, nil},
		{"mixed", []toss.KeyPair{pair("live_ck_a", "live_sk_a"), billing("test_ck_b", "live_sk_b")}, []string{"test and live Toss keys are mixed: test: TOSS_BILLING_CLIENT_KEY; live: TOSS_CLIENT_KEY, TOSS_SECRET_KEY, TOSS_BILLING_SECRET_KEY"}},
		{"widget client key", []toss.KeyPair{pair("test_gck_a", "test_sk_a")}, []string{"TOSS_CLIENT_KEY is a 결제위젯"}},
		{"widget secret key", []toss.KeyPair{pair("test_ck_a", "test_gsk_a")}, []string{"TOSS_SECRET_KEY is a 결제위젯"}},
		{"swapped", []toss.KeyPair{pair("test_sk_a", "test_ck_a")}, []string{"TOSS_CLIENT_KEY is a secret key", "TOSS_SECRET_KEY is a client key"}},
		{"not a key", []toss.KeyPair{pair("sk_live_a", "test_sk_a")}, []string{"TOSS_CLIENT_KEY is not a Toss key"}},
		{"empty is the caller's", []toss.KeyPair{pair("", "")}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := toss.CheckKeys(tc.pairs...)
			if len(got) != len(tc.want) {
				t.Fatalf("problems = %q, want %d", got, len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("problem %d = %q, want it to contain %q", i, got[i], w)
				}
			}
		})
	}
}

// 409 IDEMPOTENT_REQUEST_PROCESSING while the first request with a key still
// runs: the client waits and sends it again, and gets the first answer.
func TestConcurrentSameKeyWaitsForTheFirst(t *testing.T) {
	f, srv, _ := newFake(t)
	f.Latency = 150 * time.Millisecond
	c, _ := toss.New(srv.URL, faketoss.DefaultSecretKey, toss.WithRetry(4, 100*time.Millisecond))
	key := f.OpenPayment("ord-409", "Pro", 9900, faketoss.CardOK)
	type result struct {
		p   *toss.Payment
		err error
	}
	out := make(chan result, 2)
	for range 2 {
		go func() {
			p, err := c.Confirm(context.Background(), toss.ConfirmRequest{PaymentKey: key, OrderID: "ord-409", Amount: 9900}, "same")
			out <- result{p, err}
		}()
	}
	a, b := <-out, <-out
	if a.err != nil || b.err != nil || a.p.PaymentKey != b.p.PaymentKey || len(f.Approvals()) != 1 {
		t.Fatalf("two confirms with one key: %v / %v, %d approvals", a.err, b.err, len(f.Approvals()))
	}
}

// docs/payments.md shows the table: every code in the row of its action, with its status.
func TestDocsListEveryCode(t *testing.T) {
	b, err := os.ReadFile("../../docs/payments.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[toss.Action]string{}
	for _, line := range strings.Split(string(b), "\n") {
		for _, a := range []toss.Action{toss.Decline, toss.Retry, toss.Operator, toss.Lookup} {
			if strings.HasPrefix(line, "| **"+a.String()+"**") {
				cells := strings.Split(strings.TrimSuffix(strings.TrimSpace(line), "|"), "|")
				rows[a] = cells[len(cells)-1] // the codes column
			}
		}
	}
	n := 0
	for _, row := range toss.Codes {
		if want := fmt.Sprintf("`%s` (%d)", row.Code, row.Status); !strings.Contains(rows[row.Action], want) {
			t.Errorf("docs/payments.md: the %s row does not list %s", row.Action, want)
		}
	}
	for _, line := range rows {
		n += strings.Count(line, "` (")
	}
	if n != len(toss.Codes) {
		t.Errorf("docs/payments.md lists %d codes, the table has %d", n, len(toss.Codes))
	}
}
