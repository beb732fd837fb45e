package api

import (
	"log"
	"net/http"
	"net/http/httptest"
	"runtime/debug"

	"imageconverter/functions/internal/httpx"
	"imageconverter/functions/wire"
)

// routes builds the handler: every route of the function, registered here in
// one list, then JSON 404/405, CORS, per-IP limiting and panic recovery
// around them.
func (s *Server) routes() http.Handler {
	rt := httpx.NewRouter(s.auth, s.userLimit, s.cfg.SchedulerSecret)
	s.registerPublicRoutes(rt)
	s.registerAccountRoutes(rt)
	s.payments.Register(rt)
	return s.recoverPanics(s.cors(s.limitIP(jsonFallbacks(rt.Mux()))))
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
			httpx.WriteError(w, httpx.Errorf(wire.CodeMethodNotAllowed, "%s is not allowed on %s.", r.Method, r.URL.Path))
			return
		}
		if rec.Code >= 300 && rec.Code < 400 { // path cleaning redirects
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			return
		}
		httpx.WriteError(w, httpx.Errorf(wire.CodeNotFound, "There is no %s %s.", r.Method, r.URL.Path))
	})
}

func (s *Server) limitIP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.ipLimit.Allow(s.clientIP(r)) {
			httpx.WriteError(w, httpx.Errorf(wire.CodeRateLimited, "Too many requests. Please wait a moment and try again."))
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
				httpx.WriteError(w, httpx.Errorf(wire.CodeInternal, "Something went wrong on our side. Please try again."))
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
