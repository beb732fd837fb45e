package toss

import (
	"errors"
	"fmt"

	"imageconverter/functions/wire"
)

// Error is an error answer of the Toss API: {"code","message"} with the HTTP
// status (docs.tosspayments.com/reference/error-codes).
type Error struct {
	Status  int
	Code    string
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("toss: %s (%d): %s", e.Code, e.Status, e.Message)
}

// Toss error codes the code names (the full list is Codes).
const (
	CodeAlreadyProcessedPayment     = "ALREADY_PROCESSED_PAYMENT"
	CodeProviderError               = "PROVIDER_ERROR"
	CodeInvalidRequest              = "INVALID_REQUEST"
	CodeInvalidAPIKey               = "INVALID_API_KEY"
	CodeUnauthorizedKey             = "UNAUTHORIZED_KEY"
	CodeIncorrectBasicAuthFormat    = "INCORRECT_BASIC_AUTH_FORMAT"
	CodeRejectCardCompany           = "REJECT_CARD_COMPANY"
	CodeRejectCardPayment           = "REJECT_CARD_PAYMENT"
	CodeForbiddenRequest            = "FORBIDDEN_REQUEST"
	CodeNotFoundPayment             = "NOT_FOUND_PAYMENT"
	CodeNotFoundPaymentSession      = "NOT_FOUND_PAYMENT_SESSION"
	CodeNotFound                    = "NOT_FOUND"
	CodeDuplicatedOrderID           = "DUPLICATED_ORDER_ID"
	CodeNotMatchesCustomerKey       = "NOT_MATCHES_CUSTOMER_KEY"
	CodeInvalidBillKeyRequest       = "INVALID_BILL_KEY_REQUEST"
	CodeNotCancelablePayment        = "NOT_CANCELABLE_PAYMENT"
	CodeAlreadyCanceledPayment      = "ALREADY_CANCELED_PAYMENT"
	CodeFailedInternal              = "FAILED_INTERNAL_SYSTEM_PROCESSING"
	CodeFailedPaymentInternal       = "FAILED_PAYMENT_INTERNAL_SYSTEM_PROCESSING"
	CodeUnknownPaymentError         = "UNKNOWN_PAYMENT_ERROR"
	CodeIdempotentRequestProcessing = "IDEMPOTENT_REQUEST_PROCESSING"
)

// Action is what our side does after Toss refused a charge (a payment
// confirm or a billing-key charge).
type Action int

const (
	// Decline: the card or account was refused. Nothing was charged, so a
	// new attempt (new order id, new Idempotency-Key) is safe; a renewal
	// starts or continues dunning and the customer is told to check the card.
	Decline Action = iota + 1
	// Retry: a temporary failure at Toss, the card company or the bank.
	// Try the same request again later with the same Idempotency-Key, so
	// that if it did go through, Toss answers with that payment.
	Retry
	// Operator: the request or our set-up is wrong (keys, the MID's
	// contract, an unknown or mismatched billing key). The customer cannot
	// fix it by retrying; a person must look. A renewal is treated like a
	// decline for its schedule (it ends after the grace) and flagged.
	Operator
	// Lookup: Toss already processed this (a replay after our answer was
	// lost): look the payment up instead of charging again.
	Lookup
)

func (a Action) String() string {
	switch a {
	case Decline:
		return "decline"
	case Retry:
		return "retry"
	case Operator:
		return "operator"
	case Lookup:
		return "lookup"
	}
	return "none"
}

// CodeInfo is one row of Codes.
type CodeInfo struct {
	Code   string
	Status int // HTTP status Toss answers it with
	Action Action
}

// Codes is every error code that Toss's error-code reference
// (docs.tosspayments.com/reference/error-codes, sections 결제 승인 — payment
// confirm — and 카드 자동결제 승인 — billing charge) lists for the two calls
// that move money, plus the idempotency answer
// (docs.tosspayments.com/reference/using-api/idempotency-key), with what our
// side does about each. A code Toss adds later is handled by ActionOf's
// fallback: 5xx → Retry, other 4xx → Operator.
var Codes = []CodeInfo{
	// Already done: look it up.
	{CodeAlreadyProcessedPayment, 400, Lookup},
	{CodeDuplicatedOrderID, 400, Lookup},

	// Temporary: same request, same key, later.
	{CodeProviderError, 400, Retry},               // "일시적인 오류가 발생했습니다. 잠시 후 다시 시도해주세요."
	{"CARD_PROCESSING_ERROR", 400, Retry},         // "카드사에서 오류가 발생했습니다."
	{"NOT_AVAILABLE_PAYMENT", 400, Retry},         // "결제가 불가능한 시간대입니다."
	{"UNAPPROVED_ORDER_ID", 400, Retry},           // "아직 승인되지 않은 주문번호입니다."
	{"NOT_AVAILABLE_BANK", 403, Retry},            // "은행 서비스 시간이 아닙니다."
	{CodeIdempotentRequestProcessing, 409, Retry}, // the first request with this key is still running
	{CodeFailedPaymentInternal, 500, Retry},       // "결제가 완료되지 않았어요. 다시 시도해주세요."
	{CodeFailedInternal, 500, Retry},              // "내부 시스템 처리 작업이 실패했습니다. 잠시 후 다시 시도해주세요."
	{CodeUnknownPaymentError, 500, Retry},         // "결제에 실패했어요. 같은 문제가 반복된다면 은행이나 카드사로 문의해주세요."
	{"FAILED_CARD_COMPANY_RESPONSE", 500, Retry},  // "카드사에서 에러가 발생했습니다. 잠시 후 다시 시도해 주세요."
	{"FAILED_DB_PROCESSING", 500, Retry},          // "잘못된 요청 값으로 처리 중 DB 에러가 발생했습니다." (escalates if it persists)

	// The card or account: the customer's to fix (another card, later, the card company).
	{"EXCEED_MAX_CARD_INSTALLMENT_PLAN", 400, Decline},
	{"NOT_ALLOWED_POINT_USE", 400, Decline},
	{"INVALID_REJECT_CARD", 400, Decline},
	{"INVALID_CARD_EXPIRATION", 400, Decline},
	{"INVALID_STOPPED_CARD", 400, Decline},
	{"EXCEED_MAX_DAILY_PAYMENT_COUNT", 400, Decline},
	{"NOT_SUPPORTED_INSTALLMENT_PLAN_CARD_OR_MERCHANT", 400, Decline},
	{"INVALID_CARD_INSTALLMENT_PLAN", 400, Decline},
	{"NOT_SUPPORTED_MONTHLY_INSTALLMENT_PLAN", 400, Decline},
	{"EXCEED_MAX_PAYMENT_AMOUNT", 400, Decline},
	{"INVALID_AUTHORIZE_AUTH", 400, Decline},
	{"INVALID_CARD_LOST_OR_STOLEN", 400, Decline},
	{"RESTRICTED_TRANSFER_ACCOUNT", 400, Decline},
	{"INVALID_CARD_NUMBER", 400, Decline},
	{"EXCEED_MAX_ONE_DAY_WITHDRAW_AMOUNT", 400, Decline},
	{"EXCEED_MAX_ONE_TIME_WITHDRAW_AMOUNT", 400, Decline},
	{"EXCEED_MAX_AMOUNT", 400, Decline},
	{"INVALID_ACCOUNT_INFO_RE_REGISTER", 400, Decline},
	{"EXCEED_MAX_MONTHLY_PAYMENT_AMOUNT", 400, Decline},
	{"REJECT_ACCOUNT_PAYMENT", 403, Decline},
	{CodeRejectCardPayment, 403, Decline},
	{CodeRejectCardCompany, 403, Decline},
	{"REJECT_TOSSPAY_INVALID_ACCOUNT", 403, Decline},
	{"EXCEED_MAX_AUTH_COUNT", 403, Decline},
	{"EXCEED_MAX_ONE_DAY_AMOUNT", 403, Decline},
	{"INVALID_PASSWORD", 403, Decline},
	{"FDS_ERROR", 403, Decline},
	{CodeNotFoundPayment, 404, Decline},        // confirm of a paymentKey Toss does not know: nothing was charged
	{CodeNotFoundPaymentSession, 404, Decline}, // the payment window's 10 minutes ran out

	// Our side: keys, contract, request, billing key.
	{CodeInvalidRequest, 400, Operator},
	{CodeInvalidAPIKey, 400, Operator},
	{"BELOW_MINIMUM_AMOUNT", 400, Operator}, // our price is under Toss's minimum (100 KRW by card)
	{"NOT_FOUND_TERMINAL_ID", 400, Operator},
	{"INVALID_UNREGISTERED_SUBMALL", 400, Operator},
	{"NOT_REGISTERED_BUSINESS", 400, Operator},
	{CodeInvalidBillKeyRequest, 400, Operator}, // billing key not authorised or not valid
	{CodeNotMatchesCustomerKey, 400, Operator},
	{CodeUnauthorizedKey, 401, Operator},
	{CodeForbiddenRequest, 403, Operator},
	{CodeIncorrectBasicAuthFormat, 403, Operator},
	{CodeNotFound, 404, Operator}, // billing charge: the billing key is unknown (deleted, or issued on the other MID)
}

var codeIndex = func() map[string]CodeInfo {
	m := make(map[string]CodeInfo, len(Codes))
	for _, c := range Codes {
		m[c.Code] = c
	}
	return m
}()

// Info returns the row of Codes for code.
func Info(code string) (CodeInfo, bool) {
	c, ok := codeIndex[code]
	return c, ok
}

// AsError returns the Toss API error inside err, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// HasCode reports whether err is a Toss API error with the given code.
func HasCode(err error, code string) bool {
	e, ok := AsError(err)
	return ok && e.Code == code
}

// ActionOf says what to do after a charge call failed with err (0 for nil).
// Errors that are not Toss answers (network, timeouts: the outcome is
// unknown) are Retry: the same key tells whether the first try went through.
func ActionOf(err error) Action {
	if err == nil {
		return 0
	}
	e, ok := AsError(err)
	if !ok {
		return Retry
	}
	if c, ok := codeIndex[e.Code]; ok {
		return c.Action
	}
	if e.Status >= 500 || e.Status == 429 {
		return Retry
	}
	return Operator
}

// Declined reports whether Toss definitely refused the card: nothing moved,
// and a new attempt (new Idempotency-Key) is safe.
func Declined(err error) bool { return ActionOf(err) == Decline }

// APIError maps err (from this package's client) to the API's closed list of
// error codes and a sentence a user can read. Card problems become
// payment_failed; temporary failures unavailable (try again); our own
// misconfiguration internal (the user cannot fix it).
func APIError(err error) (wire.Code, string) {
	e, ok := AsError(err)
	if !ok {
		return wire.CodeUnavailable, "The payment service could not be reached. Please try again in a few minutes."
	}
	switch ActionOf(err) {
	case Decline:
		switch e.Code {
		case CodeNotFoundPaymentSession:
			return wire.CodePaymentFailed, "The payment window expired. Please start the purchase again."
		case CodeNotFoundPayment:
			return wire.CodeNotFound, "The payment was not found. Please start the purchase again."
		}
		msg := "The card was declined."
		if e.Message != "" {
			msg += " " + e.Message
		}
		return wire.CodePaymentFailed, msg
	case Retry:
		return wire.CodeUnavailable, "The payment could not be completed because of a temporary problem at the card company or the payment service. Please try again in a few minutes; you will not be charged twice."
	case Lookup:
		return wire.CodeConflict, "This payment was already processed."
	}
	if e.Code == CodeInvalidRequest {
		return wire.CodeInvalidArgument, "The payment request was not valid. Please start the purchase again."
	}
	return wire.CodeInternal, "Payments are misconfigured on our side. Nothing was charged. Please contact support."
}
