package faketoss_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"imageconverter/functions/toss"
	"imageconverter/functions/toss/faketoss"
)

// The /_fake/ endpoints drive the fake from another process (the local stack,
// shell scripts): open a payment, register a card, break a card, refund, and
// read what was charged.
func TestControlEndpoints(t *testing.T) {
	f := faketoss.New(faketoss.DefaultSecretKey, faketoss.DefaultClientKey)
	srv := httptest.NewServer(f)
	defer srv.Close()
	call := func(method, path, auth string, body any, out any) int {
		var b []byte
		if body != nil {
			b, _ = json.Marshal(body)
		}
		req, _ := http.NewRequest(method, srv.URL+path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		if auth != "" {
			req.SetBasicAuth(auth, "")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if out != nil {
			json.NewDecoder(resp.Body).Decode(out)
		}
		return resp.StatusCode
	}
	sk := faketoss.DefaultSecretKey
	if got := call("GET", "/_fake/approvals", "", nil, nil); got != 401 {
		t.Fatalf("no auth: %d", got)
	}
	if got := call("GET", "/_fake/approvals", "test_sk_other", nil, nil); got != 401 {
		t.Fatalf("wrong key: %d", got)
	}
	var opened struct{ PaymentKey string }
	call("POST", "/_fake/payments", sk, map[string]any{"orderId": "ord-c1", "orderName": "Basic", "amount": 4900}, &opened)
	var p toss.Payment
	if got := call("POST", "/v1/payments/confirm", sk, toss.ConfirmRequest{PaymentKey: opened.PaymentKey, OrderID: "ord-c1", Amount: 4900}, &p); got != 200 || p.Status != toss.StatusDone {
		t.Fatalf("confirm: %d %+v", got, p)
	}
	var auth struct{ AuthKey string }
	call("POST", "/_fake/billing-auths", sk, map[string]any{"customerKey": "cus-c1"}, &auth)
	var b toss.Billing
	if got := call("POST", "/v1/billing/authorizations/issue", sk, toss.IssueBillingKeyRequest{AuthKey: auth.AuthKey, CustomerKey: "cus-c1"}, &b); got != 200 {
		t.Fatalf("issue: %d", got)
	}
	if got := call("POST", "/_fake/customers/cus-c1/card", sk, map[string]any{"card": faketoss.CardDeclined}, nil); got != 200 {
		t.Fatalf("set card: %d", got)
	}
	var te struct{ Code string }
	if got := call("POST", "/v1/billing/"+b.BillingKey, sk, toss.BillingChargeRequest{CustomerKey: "cus-c1", Amount: 4900, OrderID: "rn-c1", OrderName: "Basic"}, &te); got != 403 || te.Code != toss.CodeRejectCardCompany {
		t.Fatalf("charge with broken card: %d %s", got, te.Code)
	}
	var refunded toss.Payment
	if got := call("POST", "/_fake/payments/"+opened.PaymentKey+"/refund", sk, map[string]any{"reason": "test"}, &refunded); got != 200 || refunded.Status != toss.StatusCanceled {
		t.Fatalf("refund: %d %+v", got, refunded)
	}
	var list struct{ Approvals []toss.Payment }
	call("GET", "/_fake/approvals", sk, nil, &list)
	if len(list.Approvals) != 1 || list.Approvals[0].OrderID != "ord-c1" {
		t.Fatalf("approvals = %+v", list.Approvals)
	}
	if got := call("POST", "/_fake/reset", sk, nil, nil); got != 204 || len(f.Approvals()) != 0 {
		t.Fatalf("reset: %d", got)
	}
	// The SDK stand-in points its windows at this server.
	resp, err := http.Get(srv.URL + "/sdk.js")
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	buf := new(bytes.Buffer)
	buf.ReadFrom(resp.Body)
	sb.Write(buf.Bytes())
	if !strings.Contains(sb.String(), srv.URL) || !strings.Contains(sb.String(), "requestBillingAuth") {
		t.Fatalf("sdk.js = %s", sb.String())
	}
}
