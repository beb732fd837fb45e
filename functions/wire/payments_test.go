package wire

import (
	"encoding/json"
	"testing"
	"time"
)

// The payment shapes are read by the checkout pages (web/) and the desktop
// app: their JSON names are fixed. This pins them as they were in package api.
func TestPaymentShapes(t *testing.T) {
	at := time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		v    any
		want string
	}{
		{CheckoutRequest{Plan: PlanBasic, Mode: CheckoutModeOnce}, `{"plan":"basic","mode":"once"}`},
		{CheckoutResponse{OrderID: "o", Plan: "pro", PlanName: "Pro", Mode: CheckoutModeSubscription, Kind: OrderKindUpgrade, Amount: 5000, OrderName: "n",
			CustomerKey: "c", CheckoutURL: "u", Status: "created", ExpiresAt: at, ClientKey: "ck", SDKURL: "s"},
			`{"orderId":"o","plan":"pro","planName":"Pro","mode":"subscription","kind":"upgrade","amount":5000,"orderName":"n","customerKey":"c","checkoutUrl":"u","status":"created","expiresAt":"2026-11-27T03:00:00Z","clientKey":"ck","sdkUrl":"s"}`},
		{SubscriptionResponse{Plan: "free", Status: StatusNone}, `{"plan":"free","status":"none","autoRenew":false,"cancelAtPeriodEnd":false,"currentPeriodStart":null,"currentPeriodEnd":null}`},
		{SubscriptionResponse{Plan: "pro", Status: StatusActive, AutoRenew: true, CurrentPeriodStart: &at, CurrentPeriodEnd: &at, PendingPlan: "basic", OrderID: "o", PaymentKey: "pk", Amount: 9900},
			`{"plan":"pro","status":"active","autoRenew":true,"cancelAtPeriodEnd":false,"currentPeriodStart":"2026-11-27T03:00:00Z","currentPeriodEnd":"2026-11-27T03:00:00Z","pendingPlan":"basic","orderId":"o","paymentKey":"pk","amount":9900}`},
		{ConfirmRequest{PaymentKey: "pk", OrderID: "o", Amount: 4900}, `{"paymentKey":"pk","orderId":"o","amount":4900}`},
		{BillingIssueRequest{AuthKey: "a", CustomerKey: "c", OrderID: "o"}, `{"authKey":"a","customerKey":"c","orderId":"o"}`},
		{ChangePlanRequest{Plan: "basic"}, `{"plan":"basic"}`},
		// A failing renewal adds renewalIssue; older clients ignore it.
		{SubscriptionResponse{Plan: "pro", Status: StatusPastDue, RenewalIssue: &RenewalIssue{Reason: RenewalCardDeclined, Since: at, NextAttempt: &at}},
			`{"plan":"pro","status":"past_due","autoRenew":false,"cancelAtPeriodEnd":false,"currentPeriodStart":null,"currentPeriodEnd":null,"renewalIssue":{"reason":"card_declined","since":"2026-11-27T03:00:00Z","nextAttempt":"2026-11-27T03:00:00Z"}}`},
		{RenewalIssue{Reason: RenewalPaymentError, Since: at}, `{"reason":"payment_error","since":"2026-11-27T03:00:00Z","nextAttempt":null}`},
		{RenewalReport{Due: 1, Charged: 2, Declined: 3, Ended: 4, Skipped: 5, Errors: 6}, `{"due":1,"charged":2,"declined":3,"ended":4,"skipped":5,"errors":6}`},
	} {
		b, err := json.Marshal(tc.v)
		if err != nil || string(b) != tc.want {
			t.Errorf("%T = %s (%v), want %s", tc.v, b, err, tc.want)
		}
	}
}
