package wire

import "time"

// Payment routes (docs/payments.md). The desktop app calls POST /v1/checkout
// and the /v1/subscription routes; the checkout pages call GET
// /v1/checkout/{orderId}, POST /v1/payments/confirm and POST /v1/billing/issue.

// Checkout modes (CheckoutRequest.Mode).
const (
	CheckoutModeOnce         = "once"         // one month, no renewal
	CheckoutModeSubscription = "subscription" // monthly auto-renew with a billing key
)

// Order kinds (CheckoutResponse.Kind).
const (
	OrderKindNew     = "new"     // a month of a plan (first, or bought while the same plan runs: extends it)
	OrderKindUpgrade = "upgrade" // Basic → Pro for the rest of the current period, prorated
	OrderKindRenewal = "renewal" // automatic monthly charge of the billing key (never a checkout)
)

// CheckoutRequest is the body of POST /v1/checkout.
type CheckoutRequest struct {
	Plan string `json:"plan"` // "basic" or "pro"
	Mode string `json:"mode"` // CheckoutModeOnce or CheckoutModeSubscription
}

// CheckoutResponse is the answer of POST /v1/checkout and GET /v1/checkout/{orderId}.
type CheckoutResponse struct {
	OrderID     string    `json:"orderId"`
	Plan        string    `json:"plan"`
	PlanName    string    `json:"planName"`
	Mode        string    `json:"mode"`
	Kind        string    `json:"kind"` // OrderKindNew or OrderKindUpgrade (prorated Basic → Pro)
	Amount      int64     `json:"amount"`
	OrderName   string    `json:"orderName"`
	CustomerKey string    `json:"customerKey"`
	CheckoutURL string    `json:"checkoutUrl"`
	Status      string    `json:"status"`
	FailureCode string    `json:"failureCode,omitempty"` // Toss's code of the last declined attempt (status "failed")
	ExpiresAt   time.Time `json:"expiresAt"`
	// For the checkout page: the Toss client key and SDK script to load.
	ClientKey string `json:"clientKey"`
	SDKURL    string `json:"sdkUrl"`
}

// SubscriptionResponse is the answer of the routes that change a subscription
// (confirm, billing issue, /v1/subscription/cancel, resume and change).
type SubscriptionResponse struct {
	Plan               string     `json:"plan"`   // plan granted now
	Status             string     `json:"status"` // Status*
	AutoRenew          bool       `json:"autoRenew"`
	CancelAtPeriodEnd  bool       `json:"cancelAtPeriodEnd"`
	CurrentPeriodStart *time.Time `json:"currentPeriodStart"`
	CurrentPeriodEnd   *time.Time `json:"currentPeriodEnd"`
	PendingPlan        string     `json:"pendingPlan,omitempty"` // plan the next renewal switches to
	// RenewalIssue is set while the automatic renewal is failing (see EntitlementResponse).
	RenewalIssue *RenewalIssue `json:"renewalIssue,omitempty"`
	OrderID      string        `json:"orderId,omitempty"`
	PaymentKey   string        `json:"paymentKey,omitempty"`
	Amount       int64         `json:"amount,omitempty"`
}

// ConfirmRequest is the body of POST /v1/payments/confirm: the query
// parameters Toss put on the successUrl.
type ConfirmRequest struct {
	PaymentKey string `json:"paymentKey"`
	OrderID    string `json:"orderId"`
	Amount     int64  `json:"amount"`
}

// BillingIssueRequest is the body of POST /v1/billing/issue: the query
// parameters Toss put on the billing-auth successUrl, plus our order id
// (which the checkout page put on that successUrl itself).
type BillingIssueRequest struct {
	AuthKey     string `json:"authKey"`
	CustomerKey string `json:"customerKey"`
	OrderID     string `json:"orderId"`
}

// ChangePlanRequest is the body of POST /v1/subscription/change.
type ChangePlanRequest struct {
	Plan string `json:"plan"`
}

// RenewalReport is the answer of POST /v1/renewals/run (Cloud Scheduler).
type RenewalReport struct {
	Due      int `json:"due"`      // billing documents whose time had come
	Charged  int `json:"charged"`  // renewals paid
	Declined int `json:"declined"` // renewals refused by the card (past_due; retried later)
	// NeedsOperator counts renewals refused for a reason the customer cannot
	// fix (billing/{uid}.operatorAlert set, operator mailed); dunning goes on.
	NeedsOperator int `json:"needsOperator,omitempty"`
	// Retrying counts temporary failures, sent again later with the same key.
	Retrying int `json:"retrying,omitempty"`
	Ended    int `json:"ended"`   // subscriptions ended
	Skipped  int `json:"skipped"` // nothing to do, or another run has it
	Errors   int `json:"errors"`  // left for the next run (Toss or Firestore unavailable)
}
