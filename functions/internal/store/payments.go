package store

import "time"

// The documents only the payment code writes (package payments): orders,
// payments, billing, webhook events and the mail queue. Clients can read none
// of them (firestore.rules).

// Order statuses (OrderDoc.Status).
const (
	OrderCreated  = "created"  // waiting for the customer in the payment window
	OrderCharging = "charging" // a charge is in flight, or waits to be retried with the same key
	OrderPaid     = "paid"
	OrderFailed   = "failed" // last attempt refused; a checkout order may be tried again
)

// OrderDoc is orders/{orderId}. A checkout order id is a 128-bit random
// value: it is also what lets the checkout pages (which have no ID token) act on it.
type OrderDoc struct {
	UID         string `firestore:"uid"`
	Plan        string `firestore:"plan"`
	Mode        string `firestore:"mode"`
	Kind        string `firestore:"kind"`
	Amount      int64  `firestore:"amount"`
	OrderName   string `firestore:"orderName"`
	CustomerKey string `firestore:"customerKey"`
	Status      string `firestore:"status"`
	// Merchant is the Toss MID the order is paid on: "once" (one-time
	// payments) or "billing" (automatic payments). Empty on orders from before
	// two MIDs: then the mode says (subscription and renewal: billing).
	Merchant    string `firestore:"merchant,omitempty"`
	Attempts    int    `firestore:"attempts"` // declined attempts so far (part of the Idempotency-Key)
	FailureCode string `firestore:"failureCode,omitempty"`
	// NeedsOperator marks a refusal a person must look at (toss.Operator).
	NeedsOperator bool `firestore:"needsOperator,omitempty"`
	// TemporaryFailures counts temporary failures of the current attempt;
	// RetryAt is when it is sent again with the same Idempotency-Key.
	TemporaryFailures int        `firestore:"temporaryFailures,omitempty"`
	RetryAt           *time.Time `firestore:"retryAt,omitempty"`
	PaymentKey        string     `firestore:"paymentKey,omitempty"`
	// PeriodStart and PeriodEnd are the period the order paid for (set when paid).
	PeriodStart *time.Time `firestore:"periodStart,omitempty"`
	PeriodEnd   *time.Time `firestore:"periodEnd,omitempty"`
	// RenewsPeriodEnd is, for a renewal, the end of the period it extends.
	RenewsPeriodEnd *time.Time `firestore:"renewsPeriodEnd,omitempty"`
	// UpgradeFrom and PricedPeriodEnd are, for an upgrade, the plan and the
	// period end its prorated price was computed against: the upgrade is
	// valid only while the subscription still has both.
	UpgradeFrom     string     `firestore:"upgradeFrom,omitempty"`
	PricedPeriodEnd *time.Time `firestore:"pricedPeriodEnd,omitempty"`
	// Unapplied marks a paid order that changed nothing (an upgrade whose
	// price no longer applied when the money arrived): support refunds it.
	Unapplied bool      `firestore:"unapplied,omitempty"`
	CreatedAt time.Time `firestore:"createdAt"`
	UpdatedAt time.Time `firestore:"updatedAt"`
	ExpiresAt time.Time `firestore:"expiresAt"`
}

// PaymentDoc is payments/{paymentKey}: our copy of what Toss said.
type PaymentDoc struct {
	UID           string     `firestore:"uid"`
	Merchant      string     `firestore:"merchant,omitempty"` // OrderDoc.Merchant
	MID           string     `firestore:"mid,omitempty"`      // Toss's mId
	OrderID       string     `firestore:"orderId"`
	Kind          string     `firestore:"kind"`
	Plan          string     `firestore:"plan"`
	Amount        int64      `firestore:"amount"`
	BalanceAmount int64      `firestore:"balanceAmount"`
	Status        string     `firestore:"status"` // Toss status: DONE, CANCELED, PARTIAL_CANCELED
	Method        string     `firestore:"method"`
	Type          string     `firestore:"type"` // NORMAL or BILLING
	CardNumber    string     `firestore:"cardNumber,omitempty"`
	ReceiptURL    string     `firestore:"receiptUrl,omitempty"`
	ApprovedAt    time.Time  `firestore:"approvedAt"`
	CanceledAt    *time.Time `firestore:"canceledAt,omitempty"`
	// Reclaimed is set once a refund of this payment has taken back the
	// period it paid for (a second partial refund takes nothing more).
	Reclaimed bool      `firestore:"reclaimed,omitempty"`
	UpdatedAt time.Time `firestore:"updatedAt"`
}

// BillingDoc is billing/{uid}. It exists from the first checkout (for the
// customerKey) and also keeps the renewal schedule, so the renewal run needs
// one single-field query.
type BillingDoc struct {
	CustomerKey string `firestore:"customerKey"`
	BillingKey  string `firestore:"billingKey,omitempty"`
	CardCompany string `firestore:"cardCompany,omitempty"`
	CardNumber  string `firestore:"cardNumber,omitempty"` // masked by Toss
	AnchorDay   int    `firestore:"anchorDay,omitempty"`  // day of month periods end on
	// PendingPlan is a downgrade waiting for the next renewal.
	PendingPlan string `firestore:"pendingPlan,omitempty"`
	// NextChargeAt is when the renewal run should next act (nil: nothing to do).
	NextChargeAt    *time.Time `firestore:"nextChargeAt,omitempty"`
	FailedAttempts  int        `firestore:"failedAttempts"`
	FirstFailureAt  *time.Time `firestore:"firstFailureAt,omitempty"`
	LastFailureCode string     `firestore:"lastFailureCode,omitempty"`
	// OperatorAlert is set when a renewal failed for a reason the customer
	// cannot fix (toss.Operator), until a payment goes through: the admin's
	// list of subscriptions to look at (query billing where operatorAlert.at > 0).
	OperatorAlert *OperatorAlert `firestore:"operatorAlert,omitempty"`
	CreatedAt     time.Time      `firestore:"createdAt"`
	UpdatedAt     time.Time      `firestore:"updatedAt"`
}

// OperatorAlert is BillingDoc.OperatorAlert.
type OperatorAlert struct {
	Code    string    `firestore:"code"`    // Toss error code
	Message string    `firestore:"message"` // Toss's message
	OrderID string    `firestore:"orderId"`
	At      time.Time `firestore:"at"`
}

// WebhookEventDoc is webhookEvents/{id}.
type WebhookEventDoc struct {
	EventType  string `firestore:"eventType"`
	PaymentKey string `firestore:"paymentKey"`
	OrderID    string `firestore:"orderId"`
	Status     string `firestore:"status"`
	UID        string `firestore:"uid,omitempty"`
	// Action is what the event did: "recorded", "ended_subscription", "unknown_payment", ...
	Action     string    `firestore:"action"`
	ReceivedAt time.Time `firestore:"receivedAt"`
}

// MailDoc is mail/{id}, in the format of the "Trigger Email from Firestore"
// extension: {to, message:{subject, text, html}}. Kind and UID are ours (the
// extension ignores unknown fields): they let support find a user's notices.
type MailDoc struct {
	To        string      `firestore:"to"`
	Message   MailMessage `firestore:"message"`
	Kind      string      `firestore:"kind"`
	UID       string      `firestore:"uid"`
	CreatedAt time.Time   `firestore:"createdAt"`
}

// MailMessage is MailDoc.Message.
type MailMessage struct {
	Subject string `firestore:"subject"`
	Text    string `firestore:"text"`
	HTML    string `firestore:"html"`
}
