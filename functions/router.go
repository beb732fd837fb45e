package api

import (
	"context"
	"crypto/subtle"
	"log"
	"net/http"
	"net/http/httptest"
	"runtime/debug"
	"strings"

	"firebase.google.com/go/v4/auth"

	"imageconverter/functions/wire"
)

// handlerFunc is a route handler: it writes a success response itself or
// returns an error, which the router writes as {"error":{...}}.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// userHandlerFunc is a handler of a route that needs a signed-in user.
type userHandlerFunc func(w http.ResponseWriter, r *http.Request, c Caller) error

// Caller is the verified user of a request.
type Caller struct {
	UID   string
	Email string
	// Plan is the custom claim "plan" of the ID token (may lag behind
	// Firestore; decide with the subscription document, not with this).
	Plan  string
	Token *auth.Token
}

// Router registers routes on the server's mux with the right checks around
// them. Patterns are Go net/http patterns with a method, e.g. "POST /v1/checkout".
type Router struct {
	s   *Server
	mux *http.ServeMux
}

// Public registers a route anyone may call (still rate-limited per IP).
func (rt *Router) Public(pattern string, h handlerFunc) {
	rt.mux.Handle(pattern, rt.s.wrap(h))
}

// User registers a route that needs a valid Firebase ID token
// (Authorization: Bearer <token>, revocation checked) and rate-limits per user.
func (rt *Router) User(pattern string, h userHandlerFunc) {
	rt.mux.Handle(pattern, rt.s.wrap(func(w http.ResponseWriter, r *http.Request) error {
		c, err := rt.s.authenticate(r)
		if err != nil {
			return err
		}
		if !rt.s.userLimit.allow(c.UID) {
			return errorf(wire.CodeRateLimited, "Too many requests. Please wait a moment and try again.")
		}
		return h(w, r.WithContext(context.WithValue(r.Context(), callerKey{}, c)), c)
	}))
}

// Scheduler registers a route only the scheduler may call: it must present
// SCHEDULER_SECRET as "Authorization: Bearer <secret>" or "X-Scheduler-Secret".
func (rt *Router) Scheduler(pattern string, h handlerFunc) {
	rt.mux.Handle(pattern, rt.s.wrap(func(w http.ResponseWriter, r *http.Request) error {
		if err := rt.s.checkScheduler(r); err != nil {
			return err
		}
		return h(w, r)
	}))
}

// routeSets are the route registrations of this package's files. A file adds
// its routes from its own init:
//
//	func init() { addRoutes(registerPaymentRoutes) }
//	func registerPaymentRoutes(s *Server, rt *Router) { rt.User("POST /v1/checkout", s.checkout) }
var routeSets []func(s *Server, rt *Router)

// addRoutes adds a route registration; call it from init().
func addRoutes(f func(s *Server, rt *Router)) { routeSets = append(routeSets, f) }

type callerKey struct{}

// callerFrom returns the caller stored by Router.User.
func callerFrom(ctx context.Context) (Caller, bool) {
	c, ok := ctx.Value(callerKey{}).(Caller)
	return c, ok
}

// routes builds the handler: every registered route set, JSON 404/405, CORS,
// per-IP limiting and panic recovery.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	rt := &Router{s: s, mux: mux}
	for _, f := range routeSets {
		f(s, rt)
	}
	return s.recoverPanics(s.cors(s.limitIP(jsonFallbacks(mux))))
}

// wrap turns a handlerFunc into an http.Handler that writes its error.
func (s *Server) wrap(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			writeError(w, err)
		}
	})
}

// jsonFallbacks answers unknown paths and wrong methods with JSON errors
// instead of the mux's plain-text 404/405.
func jsonFallbacks(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rec.Code == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", rec.Header().Get("Allow"))
			writeError(w, errorf(wire.CodeMethodNotAllowed, "%s is not allowed on %s.", r.Method, r.URL.Path))
			return
		}
		if rec.Code >= 300 && rec.Code < 400 { // path cleaning redirects
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			return
		}
		writeError(w, errorf(wire.CodeNotFound, "There is no %s %s.", r.Method, r.URL.Path))
	})
}

func (s *Server) limitIP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.ipLimit.allow(s.clientIP(r)) {
			writeError(w, errorf(wire.CodeRateLimited, "Too many requests. Please wait a moment and try again."))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Printf("api: panic serving %s %s: %v\n%s", r.Method, r.URL.Path, v, debug.Stack())
				writeError(w, errorf(wire.CodeInternal, "Something went wrong on our side. Please try again."))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// cors lets the checkout pages (another origin: Firebase Hosting) call the API
// from a browser. Allowed origins: CORS_ORIGINS (comma-separated; see config).
func (s *Server) cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin != "" && s.cfg.AllowsOrigin(origin) {
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", origin)
			h.Add("Vary", "Origin")
			if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
				h.Set("Access-Control-Allow-Methods", "GET, POST, DELETE")
				h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Idempotency-Key, X-Device-Id, X-Device-Name, X-Device-OS, X-App-Version")
				h.Set("Access-Control-Max-Age", "3600")
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// authenticate verifies the ID token with the Admin SDK, revocation included.
func (s *Server) authenticate(r *http.Request) (Caller, error) {
	h := r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || strings.TrimSpace(token) == "" {
		return Caller{}, errorf(wire.CodeUnauthenticated, "Please sign in.")
	}
	tok, err := s.auth.VerifyIDTokenAndCheckRevoked(r.Context(), strings.TrimSpace(token))
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

func (s *Server) checkScheduler(r *http.Request) error {
	secret := s.cfg.SchedulerSecret
	got := r.Header.Get("X-Scheduler-Secret")
	if b, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && got == "" {
		got = b
	}
	if got == "" {
		return errorf(wire.CodeUnauthenticated, "This route is for the scheduler only.")
	}
	if secret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(secret)) != 1 {
		return errorf(wire.CodePermissionDenied, "This route is for the scheduler only.")
	}
	return nil
}
