package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"imageconverter/functions/internal/store"
	"imageconverter/functions/wire"
)

// MaxBodyBytes bounds every request body; the largest legitimate body (a sync
// of 100 entries) is a few KiB.
const MaxBodyBytes = 64 << 10

// Error is an API error: a code of the closed list, a message a person can
// read, and the cause (logged, never sent). Handlers return it (or any error:
// unknown errors become "internal").
type Error struct {
	Code    wire.Code
	Message string
	Devices []wire.Device // with wire.CodeDeviceLimit
	Cause   error
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Cause)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Cause }

// errorf builds an *Error with a formatted message.
func errorf(code wire.Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// invalid is shorthand for an invalid_argument error.
func invalid(format string, args ...any) *Error {
	return errorf(wire.CodeInvalidArgument, format, args...)
}

// toAPIError maps any error a handler returns to an *Error.
func toAPIError(err error) *Error {
	var e *Error
	var dl *store.DeviceLimitError
	switch {
	case errors.As(err, &e):
		return e
	case errors.As(err, &dl) && dl.NotRegistered:
		return &Error{Code: wire.CodeDeviceLimit, Message: "This computer is not registered to your account (it may have been removed from another computer). Refresh your account in the app to register it, or remove another computer.", Devices: dl.Devices, Cause: err}
	case errors.As(err, &dl):
		return &Error{Code: wire.CodeDeviceLimit, Message: "This account is already used on the maximum number of computers for its plan. Remove one to use this computer.", Devices: dl.Devices, Cause: err}
	case errors.Is(err, store.ErrNotFound):
		return &Error{Code: wire.CodeNotFound, Message: "Not found.", Cause: err}
	case errors.Is(err, store.ErrQuotaExceeded):
		return &Error{Code: wire.CodeQuotaExceeded, Message: "No conversions are left for today.", Cause: err}
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled), dependencyDown(err):
		return &Error{Code: wire.CodeUnavailable, Message: "The service took too long to answer. Please try again.", Cause: err}
	default:
		return &Error{Code: wire.CodeInternal, Message: "Something went wrong on our side. Please try again.", Cause: err}
	}
}

// dependencyDown reports a gRPC error (Firestore) that means "try again later"
// rather than a bug: the caller went away, a deadline passed, or the service is unavailable.
func dependencyDown(err error) bool {
	switch status.Code(err) {
	case codes.Canceled, codes.DeadlineExceeded, codes.Unavailable, codes.Aborted, codes.ResourceExhausted:
		return true
	}
	return false
}

// writeError sends err as {"error":{"code","message"}} with the code's status.
// Internal errors and dependencies failing are logged with their cause.
func writeError(w http.ResponseWriter, err error) {
	e := toAPIError(err)
	if e.Code == wire.CodeInternal || e.Code == wire.CodeUnavailable {
		log.Printf("api: %v", e)
	}
	if e.Code == wire.CodeRateLimited {
		w.Header().Set("Retry-After", "1")
	}
	writeJSON(w, wire.HTTPStatus(e.Code), wire.ErrorResponse{Error: wire.ErrorBody{Code: e.Code, Message: e.Message, Devices: e.Devices}})
}

// writeJSON sends v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		log.Printf("api: encode response: %v", err)
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":"internal","message":"Something went wrong on our side. Please try again."}}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// decodeJSON reads one JSON object of at most MaxBodyBytes into v. Unknown
// fields are ignored (newer clients may send more); anything else wrong is
// invalid_argument with a message saying what.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return invalid("The request body must be JSON (Content-Type: application/json).")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &tooBig):
			return invalid("The request body is larger than %d bytes.", MaxBodyBytes)
		case errors.Is(err, io.EOF):
			return invalid("The request body is empty; a JSON object is expected.")
		case errors.As(err, &typeErr):
			return invalid("Field %q has the wrong type.", typeErr.Field)
		default:
			return invalid("The request body is not valid JSON.")
		}
	}
	if dec.More() {
		return invalid("The request body must contain a single JSON object.")
	}
	return nil
}
