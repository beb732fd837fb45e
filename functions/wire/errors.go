package wire

import (
	"fmt"
	"net/http"
)

// Code is one of the closed list of error codes the API returns. Clients map
// codes, never messages, to what they show.
type Code string

// The closed list of error codes. Adding one is an API change:
// update Codes, HTTPStatus and the client's mapping together.
const (
	CodeUnauthenticated  Code = "unauthenticated"    // 401: missing, invalid, expired or revoked ID token
	CodePermissionDenied Code = "permission_denied"  // 403: authenticated but not allowed (e.g. scheduler route)
	CodeDeviceLimit      Code = "device_limit"       // 403: too many devices; error carries the device list
	CodeQuotaExceeded    Code = "quota_exceeded"     // 429: no conversions left today
	CodePlanRequired     Code = "plan_required"      // 403: the feature needs a higher plan
	CodeInvalidArgument  Code = "invalid_argument"   // 400: malformed body, header or parameter
	CodeAmountMismatch   Code = "amount_mismatch"    // 400: payment amount differs from the order
	CodePaymentFailed    Code = "payment_failed"     // 402: Toss refused or failed the payment
	CodeNotFound         Code = "not_found"          // 404: no such route, device, order...
	CodeConflict         Code = "conflict"           // 409: state does not allow it (e.g. already active)
	CodeMethodNotAllowed Code = "method_not_allowed" // 405: route exists, other method
	CodeRateLimited      Code = "rate_limited"       // 429: too many requests; retry later
	CodeInternal         Code = "internal"           // 500: our fault; retry with backoff
	CodeUnavailable      Code = "unavailable"        // 503: a dependency (Firestore, Toss) is down; retry
)

// Codes is the closed list, in documentation order.
var Codes = []Code{
	CodeUnauthenticated, CodePermissionDenied, CodeDeviceLimit, CodeQuotaExceeded, CodePlanRequired,
	CodeInvalidArgument, CodeAmountMismatch, CodePaymentFailed, CodeNotFound, CodeConflict,
	CodeMethodNotAllowed, CodeRateLimited, CodeInternal, CodeUnavailable,
}

// HTTPStatus is the status sent with code c.
func HTTPStatus(c Code) int {
	switch c {
	case CodeUnauthenticated:
		return http.StatusUnauthorized
	case CodePermissionDenied, CodeDeviceLimit, CodePlanRequired:
		return http.StatusForbidden
	case CodeQuotaExceeded, CodeRateLimited:
		return http.StatusTooManyRequests
	case CodeInvalidArgument, CodeAmountMismatch:
		return http.StatusBadRequest
	case CodePaymentFailed:
		return http.StatusPaymentRequired
	case CodeNotFound:
		return http.StatusNotFound
	case CodeConflict:
		return http.StatusConflict
	case CodeMethodNotAllowed:
		return http.StatusMethodNotAllowed
	case CodeUnavailable:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// ErrorBody is the "error" member of every error response.
type ErrorBody struct {
	Code    Code     `json:"code"`
	Message string   `json:"message"`
	Devices []Device `json:"devices,omitempty"` // with CodeDeviceLimit: the registered devices
}

// ErrorResponse is the body of every non-2xx answer: {"error":{"code","message"}}.
type ErrorResponse struct {
	Error ErrorBody `json:"error"`
}

// Error lets a decoded ErrorResponse travel as a Go error on the client side.
type Error struct {
	Status int
	ErrorBody
}

func (e *Error) Error() string {
	return fmt.Sprintf("api: %s (%d): %s", e.Code, e.Status, e.Message)
}
