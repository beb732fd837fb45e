package toss

import (
	"errors"
	"fmt"
	"strings"

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

// Toss error codes this product reacts to (docs.tosspayments.com/reference/error-codes).
const (
	CodeAlreadyProcessedPayment = "ALREADY_PROCESSED_PAYMENT" // 400: confirm of a payment already approved
	CodeProviderError           = "PROVIDER_ERROR"            // 400: temporary card-company error; try again later
	CodeInvalidRequest          = "INVALID_REQUEST"           // 400
	CodeInvalidAPIKey           = "INVALID_API_KEY"           // 400
	CodeUnauthorizedKey         = "UNAUTHORIZED_KEY"          // 401
	CodeRejectCardCompany       = "REJECT_CARD_COMPANY"       // 403: card company refused the approval
	CodeRejectCardPayment       = "REJECT_CARD_PAYMENT"       // 403: limit exceeded / insufficient balance
	CodeForbiddenRequest        = "FORBIDDEN_REQUEST"         // 403
	CodeNotFoundPayment         = "NOT_FOUND_PAYMENT"         // 404
	CodeNotFoundPaymentSession  = "NOT_FOUND_PAYMENT_SESSION" // 404: paymentKey unknown or its 10-minute window ran out
	CodeNotFound                = "NOT_FOUND"                 // 404
	CodeDuplicatedOrderID       = "DUPLICATED_ORDER_ID"       // 400: orderId already approved or canceled
	CodeNotCancelablePayment    = "NOT_CANCELABLE_PAYMENT"    // 403
	CodeAlreadyCanceledPayment  = "ALREADY_CANCELED_PAYMENT"  // 400
	CodeFailedInternal          = "FAILED_INTERNAL_SYSTEM_PROCESSING"
	CodeFailedPaymentInternal   = "FAILED_PAYMENT_INTERNAL_SYSTEM_PROCESSING"
	CodeUnknownPaymentError     = "UNKNOWN_PAYMENT_ERROR"
	// CodeIdempotentRequestProcessing is answered while the first request with
	// the same Idempotency-Key is still running; the client waits and retries.
	CodeIdempotentRequestProcessing = "IDEMPOTENT_REQUEST_PROCESSING"
)

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

// Declined reports whether Toss definitely refused to move money: the card
// or account was refused, invalid, over a limit, or the card company had a
// temporary error. Such a request changed nothing, so a later attempt (with a
// new Idempotency-Key) is safe. Network errors and 5xx are NOT declines: the
// outcome is unknown until the payment is looked up. Neither is
// DUPLICATED_ORDER_ID: that order id was already approved (look it up).
func Declined(err error) bool {
	e, ok := AsError(err)
	if !ok || e.Status >= 500 {
		return false
	}
	switch {
	case e.Code == CodeProviderError, e.Code == CodeNotFoundPaymentSession:
		return true
	case strings.HasPrefix(e.Code, "REJECT_"), strings.HasPrefix(e.Code, "INVALID_CARD"),
		strings.HasPrefix(e.Code, "EXCEED_"), strings.HasPrefix(e.Code, "INVALID_STOPPED"),
		strings.HasPrefix(e.Code, "NOT_SUPPORTED_"), strings.HasPrefix(e.Code, "NOT_AVAILABLE_"),
		e.Code == "INVALID_REJECT_CARD", e.Code == "BELOW_MINIMUM_AMOUNT", e.Code == "FDS_ERROR",
		e.Code == "CARD_PROCESSING_ERROR", e.Code == "INVALID_PASSWORD", e.Code == "NOT_ALLOWED_POINT_USE",
		e.Code == "INVALID_ACCOUNT_INFO_RE_REGISTER", e.Code == "INVALID_BILL_KEY_REQUEST":
		return true
	}
	return false
}

// APIError maps err (from this package's client) to the API's closed list of
// error codes and a sentence a user can read. Card problems become
// payment_failed; our own misconfiguration becomes internal (the user cannot
// fix it); Toss being down or unreachable becomes unavailable.
func APIError(err error) (wire.Code, string) {
	e, ok := AsError(err)
	if !ok {
		return wire.CodeUnavailable, "The payment service could not be reached. Please try again in a few minutes."
	}
	switch {
	case e.Code == CodeProviderError:
		return wire.CodePaymentFailed, "The card company had a temporary problem. Please try again in a few minutes."
	case e.Code == CodeNotFoundPaymentSession:
		return wire.CodePaymentFailed, "The payment window expired. Please start the purchase again."
	case Declined(err):
		msg := "The card was declined."
		if e.Message != "" {
			msg += " " + e.Message
		}
		return wire.CodePaymentFailed, msg
	case e.Code == CodeNotFoundPayment || e.Code == CodeNotFound:
		return wire.CodeNotFound, "The payment was not found."
	case e.Code == CodeUnauthorizedKey || e.Code == CodeInvalidAPIKey || e.Code == "INCORRECT_BASIC_AUTH_FORMAT" || e.Code == CodeForbiddenRequest:
		return wire.CodeInternal, "Payments are misconfigured on our side. Please contact support."
	case e.Code == CodeInvalidRequest:
		return wire.CodeInvalidArgument, "The payment request was not valid. Please start the purchase again."
	case e.Status == 429 || e.Status >= 500 || e.Code == CodeIdempotentRequestProcessing:
		return wire.CodeUnavailable, "The payment service is busy. Please try again in a few minutes."
	}
	return wire.CodePaymentFailed, "The payment did not go through: " + e.Message
}
