// Package uierr is the error a person sees: a stable code the UI translates
// into the user's language, the English sentence for logs and as a fallback,
// and an optional detail (a path, a web address) the UI shows as it is.
//
// Codes are declared with Code, which also records them, so that a test can
// check that every code the app can send has a sentence in every language
// of the UI (frontend/src/lib/locales).
package uierr

import (
	"errors"
	"sort"
	"sync"
)

// A Code names one kind of error for the UI (key "err.<code>").
type Code string

var (
	mu    sync.Mutex
	codes = map[Code]bool{}
)

// Declare records code as one the app can send; call it in a package-level
// var so every code is known once the package is linked in.
func Declare(code string) Code {
	mu.Lock()
	defer mu.Unlock()
	codes[Code(code)] = true
	return Code(code)
}

// Declared lists the codes declared so far, sorted.
func Declared() []string {
	mu.Lock()
	defer mu.Unlock()
	out := make([]string, 0, len(codes))
	for c := range codes {
		out = append(out, string(c))
	}
	sort.Strings(out)
	return out
}

// Error is an error meant for a person.
type Error struct {
	Code    Code
	Message string // English sentence
	Detail  string // shown verbatim (a path, a URL); "" for none
	Err     error  // the cause, for logs
}

// New returns an error with code and an English sentence.
func New(code Code, message string) *Error { return &Error{Code: code, Message: message} }

// With returns an error with a detail the UI shows as it is, and its cause.
func With(code Code, message, detail string, cause error) *Error {
	return &Error{Code: code, Message: message, Detail: detail, Err: cause}
}

func (e *Error) Error() string {
	s := e.Message
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// ErrorCode implements Coded.
func (e *Error) ErrorCode() string { return string(e.Code) }

// Coded is an error of another package that carries a code for the UI
// (licensing.Error does), so it crosses to the UI with its code.
type Coded interface {
	error
	ErrorCode() string
}

// CodeOf returns the code of the first coded error in err's chain, or "".
func CodeOf(err error) Code {
	var c Coded
	if errors.As(err, &c) {
		return Code(c.ErrorCode())
	}
	return ""
}
