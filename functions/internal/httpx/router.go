package httpx

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strings"

	"firebase.google.com/go/v4/auth"

	"imageconverter/functions/wire"
)

// HandlerFunc is a route handler: it writes a success response itself or
// returns an error, which the router writes as {"error":{...}}.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// UserHandlerFunc is a handler of a route that needs a signed-in user.
type UserHandlerFunc func(w http.ResponseWriter, r *http.Request, c Caller) error

// Caller is the verified user of a request.
type Caller struct {
	UID   string
	Email string
	// Plan is the custom claim "plan" of the ID token (may lag behind
	// Firestore; decide with the subscription document, not with this).
	Plan  string
	Token *auth.Token
}

// Limiter takes one token for a key (a user id) and says whether the request may go on.
type Limiter interface {
	Allow(key string) bool
}

// Router registers routes on a mux with the right checks around them.
// Patterns are Go net/http patterns with a method, e.g. "POST /v1/checkout".
type Router struct {
	mux             *http.ServeMux
	auth            *auth.Client
	userLimit       Limiter
	schedulerSecret string
}

// NewRouter returns a router whose User routes check ID tokens with a and
// rate-limit per user with userLimit (nil: no limit), and whose Scheduler
// routes want schedulerSecret.
func NewRouter(a *auth.Client, userLimit Limiter, schedulerSecret string) *Router {
	return &Router{mux: http.NewServeMux(), auth: a, userLimit: userLimit, schedulerSecret: schedulerSecret}
}

// Mux is the mux the routes are registered on (the server wraps it in its middleware).
func (rt *Router) Mux() *http.ServeMux { return rt.mux }

// Public registers a route anyone may call (the server still rate-limits per IP).
func (rt *Router) Public(pattern string, h HandlerFunc) {
	rt.mux.Handle(pattern, wrap(h))
}

// User registers a route that needs a valid Firebase ID token
// (Authorization: Bearer <token>, revocation checked) and rate-limits per user.
func (rt *Router) User(pattern string, h UserHandlerFunc) {
	rt.mux.Handle(pattern, wrap(func(w http.ResponseWriter, r *http.Request) error {
		c, err := Authenticate(r, rt.auth)
		if err != nil {
			return err
		}
		if rt.userLimit != nil && !rt.userLimit.Allow(c.UID) {
			return Errorf(wire.CodeRateLimited, "Too many requests. Please wait a moment and try again.")
		}
		return h(w, r.WithContext(context.WithValue(r.Context(), callerKey{}, c)), c)
	}))
}

// Scheduler registers a route only the scheduler may call: it must present
// the scheduler secret as "Authorization: Bearer <secret>" or "X-Scheduler-Secret".
func (rt *Router) Scheduler(pattern string, h HandlerFunc) {
	rt.mux.Handle(pattern, wrap(func(w http.ResponseWriter, r *http.Request) error {
		if err := CheckScheduler(r, rt.schedulerSecret); err != nil {
			return err
		}
		return h(w, r)
	}))
}

type callerKey struct{}

// CallerFrom returns the caller stored by Router.User.
func CallerFrom(ctx context.Context) (Caller, bool) {
	c, ok := ctx.Value(callerKey{}).(Caller)
	return c, ok
}

// wrap turns a HandlerFunc into an http.Handler that writes its error.
func wrap(h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			WriteError(w, err)
		}
	})
}

// Authenticate verifies the request's ID token with the Admin SDK, revocation included.
func Authenticate(r *http.Request, a *auth.Client) (Caller, error) {
	h := r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || strings.TrimSpace(token) == "" {
		return Caller{}, Errorf(wire.CodeUnauthenticated, "Please sign in.")
	}
	tok, err := a.VerifyIDTokenAndCheckRevoked(r.Context(), strings.TrimSpace(token))
	if err != nil {
		msg := "Your session is not valid. Please sign in again."
		switch {
		case auth.IsIDTokenExpired(err):
			msg = "Your session has expired. Please sign in again."
		case auth.IsIDTokenRevoked(err):
			msg = "You were signed out. Please sign in again."
		case auth.IsUserDisabled(err):
			msg = "This account is disabled."
		}
		return Caller{}, &Error{Code: wire.CodeUnauthenticated, Message: msg, Cause: err}
	}
	c := Caller{UID: tok.UID, Token: tok}
	c.Email, _ = tok.Claims["email"].(string)
	c.Plan, _ = tok.Claims["plan"].(string)
	return c, nil
}

// CheckScheduler accepts a request that carries secret (compared in constant
// time); with no secret configured nobody passes.
func CheckScheduler(r *http.Request, secret string) error {
	got := r.Header.Get("X-Scheduler-Secret")
	if b, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && got == "" {
		got = b
	}
	if got == "" {
		return Errorf(wire.CodeUnauthenticated, "This route is for the scheduler only.")
	}
	if secret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(secret)) != 1 {
		return Errorf(wire.CodePermissionDenied, "This route is for the scheduler only.")
	}
	return nil
}
