package licensing

import (
	"context"
	"errors"
	"fmt"

	"imageconverter/functions/wire"
	"imageconverter/licensing/apiclient"
	"imageconverter/licensing/firebaseauth"
)

// Error is what the Service returns for anything a person may see: a stable
// Code for the UI to translate, an English Message, and for device_limit the
// registered devices so the user can remove one.
type Error struct {
	Code    string        `json:"code"`
	Message string        `json:"message"`
	Devices []wire.Device `json:"devices,omitempty"`
	Err     error         `json:"-"`
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("licensing: %s: %v", e.Code, e.Err)
	}
	return "licensing: " + e.Code
}

func (e *Error) Unwrap() error { return e.Err }

// ErrorCode gives the app's bridge the code the UI translates.
func (e *Error) ErrorCode() string { return e.Code }

// Codes of the Service's own errors. Sign-in failures use the codes of
// licensing/firebaseauth (email_exists, wrong_credentials, ...) and server
// refusals the closed list of functions/wire (device_limit, quota_exceeded,
// ...); docs/licensing.md lists them all.
const (
	CodeNotSignedIn = "not_signed_in" // the call needs an account
	CodeOffline     = "offline"       // the server could not be reached after retries
	CodeCanceled    = "canceled"      // the caller's context ended
	CodeStorage     = "storage"       // the keychain or secrets file failed
)

var ownMessages = map[string]string{
	CodeNotSignedIn: "Please sign in first.",
	CodeOffline:     "Could not reach the ImageConverter service. Check your internet connection; the app keeps working offline with your current plan.",
	CodeCanceled:    "Stopped.",
	CodeStorage:     "The app could not save your sign-in on this computer.",
}

// apiMessages are English sentences for the server's closed list of codes.
var apiMessages = map[wire.Code]string{
	wire.CodeUnauthenticated:  "You have been signed out. Please sign in again.",
	wire.CodePermissionDenied: "Your account is not allowed to do this.",
	wire.CodeDeviceLimit:      "Your plan's number of computers is already in use. Remove one of your computers below, or upgrade your plan.",
	wire.CodeQuotaExceeded:    "You have used all of today's conversions. More are available tomorrow, or upgrade your plan.",
	wire.CodePlanRequired:     "This needs a higher plan.",
	wire.CodeInvalidArgument:  "The app sent something the service did not accept. Please update the app.",
	wire.CodeAmountMismatch:   "The payment amount did not match the order. Nothing was charged twice; please try again.",
	wire.CodePaymentFailed:    "The payment did not go through. Please check your card and try again.",
	wire.CodeNotFound:         "That was not found. It may already have been removed.",
	wire.CodeConflict:         "That is already done.",
	wire.CodeMethodNotAllowed: "The app and the service do not match. Please update the app.",
	wire.CodeRateLimited:      "Too many requests in a short time. Please wait a minute and try again.",
	wire.CodeInternal:         "The ImageConverter service had a problem. Please try again in a few minutes.",
	wire.CodeUnavailable:      "The ImageConverter service is busy right now. Please try again in a few minutes.",
}

// Message returns the English sentence for any code the Service returns.
func Message(code string) string {
	if m, ok := ownMessages[code]; ok {
		return m
	}
	if m, ok := apiMessages[wire.Code(code)]; ok {
		return m
	}
	if m := firebaseauth.Message(firebaseauth.Code(code)); m != "" {
		return m
	}
	return "Something went wrong. Please try again."
}

// toError turns any failure of the lower packages into an *Error.
func toError(err error) error {
	if err == nil {
		return nil
	}
	var le *Error
	if errors.As(err, &le) {
		return le
	}
	var ae *firebaseauth.Error
	if errors.As(err, &ae) {
		return &Error{Code: string(ae.Code), Message: ae.Message, Err: err}
	}
	var we *wire.Error
	if errors.As(err, &we) {
		return &Error{Code: string(we.Code), Message: Message(string(we.Code)), Devices: we.Devices, Err: err}
	}
	if errors.Is(err, apiclient.ErrOffline) {
		return &Error{Code: CodeOffline, Message: Message(CodeOffline), Err: err}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &Error{Code: CodeCanceled, Message: Message(CodeCanceled), Err: err}
	}
	return &Error{Code: "internal", Message: Message(string(wire.CodeInternal)), Err: err}
}

// ErrorCode returns the Code of an *Error in err's chain, or "".
func ErrorCode(err error) string {
	var le *Error
	if errors.As(err, &le) {
		return le.Code
	}
	return ""
}

// isOffline reports whether err means a service could not be reached (the
// API after its retries, or Firebase Auth while refreshing the ID token):
// the app then works from the cached entitlement and the local ledger.
func isOffline(err error) bool {
	switch ErrorCode(toError(err)) {
	case CodeOffline, string(firebaseauth.CodeNetwork), string(firebaseauth.CodeUnavailable):
		return true
	}
	return false
}
