package toss

import (
	"imageconverter/functions/wire"
	"strings"
	"time"
)

// Payment statuses (docs.tosspayments.com/reference#payment-객체, field status).
const (
	StatusReady             = "READY"
	StatusInProgress        = "IN_PROGRESS"
	StatusWaitingForDeposit = "WAITING_FOR_DEPOSIT"
	StatusDone              = "DONE"
	StatusCanceled          = "CANCELED"
	StatusPartialCanceled   = "PARTIAL_CANCELED"
	StatusAborted           = "ABORTED"
	StatusExpired           = "EXPIRED"
)

// Webhook event types (docs.tosspayments.com/common/webhook).
const (
	EventPaymentStatusChanged = "PAYMENT_STATUS_CHANGED"
	EventDepositCallback      = "DEPOSIT_CALLBACK"
	EventCancelStatusChanged  = "CANCEL_STATUS_CHANGED"
)

// Time is a Toss timestamp. Toss sends ISO 8601 with an offset
// ("2024-02-13T12:18:14+09:00") in objects and without one in webhook
// envelopes ("2022-05-12T00:00:00.000", Korean time); null stays zero.
type Time struct{ time.Time }

var seoul = wire.Korea

// UnmarshalJSON accepts both forms and null.
func (t *Time) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "null" || s == "" {
		t.Time = time.Time{}
		return nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		loc := time.UTC
		if layout != time.RFC3339Nano {
			loc = seoul
		}
		if v, err := time.ParseInLocation(layout, s, loc); err == nil {
			t.Time = v
			return nil
		}
	}
	return &time.ParseError{Layout: time.RFC3339, Value: s, Message: ": not a Toss timestamp"}
}

// MarshalJSON writes the offset form Toss uses in objects (Korean time), or null.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + t.In(seoul).Format("2006-01-02T15:04:05-07:00") + `"`), nil
}

// Failure is the error object inside a Payment whose approval failed.
type Failure struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// PaymentCard is Payment.card (docs.tosspayments.com/reference#payment-객체):
// the card used, with its number masked by Toss.
type PaymentCard struct {
	Amount                int64  `json:"amount"`
	IssuerCode            string `json:"issuerCode"`
	AcquirerCode          string `json:"acquirerCode,omitempty"`
	Number                string `json:"number"`
	InstallmentPlanMonths int    `json:"installmentPlanMonths"`
	ApproveNo             string `json:"approveNo"`
	UseCardPoint          bool   `json:"useCardPoint"`
	CardType              string `json:"cardType"`  // 신용, 체크, 기프트, 미확인
	OwnerType             string `json:"ownerType"` // 개인, 법인, 미확인
	AcquireStatus         string `json:"acquireStatus"`
	IsInterestFree        bool   `json:"isInterestFree"`
}

// Cancel is one element of Payment.cancels (docs.tosspayments.com/reference#cancel-객체).
type Cancel struct {
	TransactionKey   string `json:"transactionKey"`
	CancelReason     string `json:"cancelReason"`
	CanceledAt       Time   `json:"canceledAt"`
	CancelAmount     int64  `json:"cancelAmount"`
	TaxFreeAmount    int64  `json:"taxFreeAmount"`
	RefundableAmount int64  `json:"refundableAmount"`
	CancelStatus     string `json:"cancelStatus"` // DONE once the cancel went through
	CancelRequestID  string `json:"cancelRequestId,omitempty"`
}

// Payment is the Payment object (docs.tosspayments.com/reference#payment-객체),
// the fields this product reads. Unknown fields are ignored on decode.
type Payment struct {
	Version            string       `json:"version"`
	MID                string       `json:"mId"`
	PaymentKey         string       `json:"paymentKey"`
	LastTransactionKey string       `json:"lastTransactionKey"`
	Type               string       `json:"type"` // NORMAL, BILLING, BRANDPAY
	OrderID            string       `json:"orderId"`
	OrderName          string       `json:"orderName"`
	Currency           string       `json:"currency"`
	Method             string       `json:"method"` // 카드, 간편결제, ...
	Status             string       `json:"status"`
	RequestedAt        Time         `json:"requestedAt"`
	ApprovedAt         Time         `json:"approvedAt"`
	TotalAmount        int64        `json:"totalAmount"`
	BalanceAmount      int64        `json:"balanceAmount"`
	SuppliedAmount     int64        `json:"suppliedAmount"`
	VAT                int64        `json:"vat"`
	TaxFreeAmount      int64        `json:"taxFreeAmount"`
	Card               *PaymentCard `json:"card"`
	Cancels            []Cancel     `json:"cancels"`
	Failure            *Failure     `json:"failure"`
	Receipt            *struct {
		URL string `json:"url"`
	} `json:"receipt"`
}

// Refunded reports whether any money of the payment was given back.
func (p *Payment) Refunded() bool {
	return p.Status == StatusCanceled || p.Status == StatusPartialCanceled
}

// BillingCard is Billing.card (docs.tosspayments.com/reference#billing-객체).
type BillingCard struct {
	IssuerCode   string `json:"issuerCode"`
	AcquirerCode string `json:"acquirerCode"`
	Number       string `json:"number"` // masked
	CardType     string `json:"cardType"`
	OwnerType    string `json:"ownerType"`
}

// Billing is the Billing object returned by the billing-key issue API
// (docs.tosspayments.com/reference#billing-객체).
type Billing struct {
	MID             string       `json:"mId"`
	CustomerKey     string       `json:"customerKey"`
	AuthenticatedAt Time         `json:"authenticatedAt"`
	Method          string       `json:"method"`
	BillingKey      string       `json:"billingKey"`
	CardCompany     string       `json:"cardCompany"`
	CardNumber      string       `json:"cardNumber"` // masked
	Card            *BillingCard `json:"card"`
}

// ConfirmRequest is the body of POST /v1/payments/confirm
// (docs.tosspayments.com/reference#결제-승인).
type ConfirmRequest struct {
	PaymentKey string `json:"paymentKey"`
	OrderID    string `json:"orderId"`
	Amount     int64  `json:"amount"`
}

// IssueBillingKeyRequest is the body of POST /v1/billing/authorizations/issue
// (docs.tosspayments.com/reference#authkey로-빌링키-발급).
type IssueBillingKeyRequest struct {
	AuthKey     string `json:"authKey"`
	CustomerKey string `json:"customerKey"`
}

// BillingChargeRequest is the body of POST /v1/billing/{billingKey}
// (docs.tosspayments.com/reference#카드-자동결제-승인).
type BillingChargeRequest struct {
	CustomerKey   string `json:"customerKey"`
	Amount        int64  `json:"amount"`
	OrderID       string `json:"orderId"`
	OrderName     string `json:"orderName"`
	CustomerEmail string `json:"customerEmail,omitempty"`
	CustomerName  string `json:"customerName,omitempty"`
	TaxFreeAmount int64  `json:"taxFreeAmount,omitempty"`
}

// CancelRequest is the body of POST /v1/payments/{paymentKey}/cancel
// (docs.tosspayments.com/reference#결제-취소). A zero CancelAmount cancels
// the whole remaining balance.
type CancelRequest struct {
	CancelReason string `json:"cancelReason"`
	CancelAmount int64  `json:"cancelAmount,omitempty"`
}

// WebhookEvent is the body Toss POSTs to the webhook URL
// (docs.tosspayments.com/guides/webhook). For PAYMENT_STATUS_CHANGED, Data is
// a Payment object; it is unsigned, so receivers re-query the payment.
type WebhookEvent struct {
	EventType string  `json:"eventType"`
	CreatedAt Time    `json:"createdAt"`
	Data      Payment `json:"data"`
}
