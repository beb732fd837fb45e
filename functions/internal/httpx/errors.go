// Package httpx is what every route of the `api` function shares: the error
// answer {"error":{"code","message"}} with its closed list of codes, JSON in
// and out, and the Router that puts the ID-token, rate-limit and scheduler
// checks around handlers. It knows no route.
package httpx

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"regexp"
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

// Errorf builds an *Error with a formatted message.
func Errorf(code wire.Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid is shorthand for an invalid_argument error.
func Invalid(format string, args ...any) *Error {
	return Errorf(wire.CodeInvalidArgument, format, args...)
}

// ToAPIError maps any error a handler returns to an *Error.
func ToAPIError(err error) *Error {
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

// WriteError sends err as {"error":{"code","message"}} with the code's status.
// Internal errors and dependencies failing are logged with their cause.
func WriteError(w http.ResponseWriter, err error) {
	e := ToAPIError(err)
	if e.Code == wire.CodeInternal || e.Code == wire.CodeUnavailable {
		log.Printf("api: %v", e)
	}
	if e.Code == wire.CodeRateLimited {
		w.Header().Set("Retry-After", "1")
	}
	WriteJSON(w, wire.HTTPStatus(e.Code), wire.ErrorResponse{Error: wire.ErrorBody{Code: e.Code, Message: e.Message, Devices: e.Devices}})
}

// WriteJSON sends v with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
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

// DecodeJSON reads one JSON object of at most MaxBodyBytes into v. Unknown
// fields are ignored (newer clients may send more); anything else wrong is
// invalid_argument with a message saying what.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return Invalid("The request body must be JSON (Content-Type: application/json).")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &tooBig):
			return Invalid("The request body is larger than %d bytes.", MaxBodyBytes)
		case errors.Is(err, io.EOF):
			return Invalid("The request body is empty; a JSON object is expected.")
		case errors.As(err, &typeErr):
			return Invalid("Field %q has the wrong type.", typeErr.Field)
		default:
			return Invalid("The request body is not valid JSON.")
		}
	}
	if dec.More() {
		return Invalid("The request body must contain a single JSON object.")
	}
	return nil
}

// IsCode reports whether err is an *Error with code.
func IsCode(err error, code wire.Code) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}

// idPattern is what ids in paths, headers and bodies may look like (device
// ids, run ids, order ids): safe as Firestore document ids and map keys.
var idPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

// ValidID reports whether id may be used as a document id.
func ValidID(id string) bool { return idPattern.MatchString(id) && !strings.HasPrefix(id, "__") }
