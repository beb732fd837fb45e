// Package api is the `api` Cloud Function: one HTTP function whose router
// serves the versioned /v1 routes: plans, keys, entitlement, usage, devices,
// and the payment routes of internal/payments (see Server.routes).
//
// Clients (Firestore, Firebase Auth) are created on the first request, not in
// init, so a missing setting shows up as a clear 503 with a logged message
// instead of a crash loop; cmd/server checks the configuration up front.
package api

import (
	"context"
	"log"
	"net/http"
	"sync"

	"github.com/GoogleCloudPlatform/functions-framework-go/functions"

	"imageconverter/functions/internal/config"
	"imageconverter/functions/internal/httpx"
	"imageconverter/functions/wire"
)

func init() {
	functions.HTTP("api", serveAPI)
}

var lazy struct {
	mu  sync.Mutex
	srv *Server
}

// defaultServer builds the process-wide server on first use. A failure is not
// cached: the next request tries again (e.g. after a transient Firestore error).
func defaultServer(ctx context.Context) (*Server, error) {
	lazy.mu.Lock()
	defer lazy.mu.Unlock()
	if lazy.srv != nil {
		return lazy.srv, nil
	}
	cfg, err := config.FromEnv()
	if err != nil {
		return nil, err
	}
	// The clients outlive this request: do not tie them to its context.
	s, err := NewServer(context.WithoutCancel(ctx), cfg)
	if err != nil {
		return nil, err
	}
	lazy.srv = s
	return s, nil
}

// serveAPI is the registered function.
func serveAPI(w http.ResponseWriter, r *http.Request) {
	s, err := defaultServer(r.Context())
	if err != nil {
		log.Printf("api: setup failed: %v", err)
		httpx.WriteError(w, &httpx.Error{Code: wire.CodeUnavailable, Message: "The service is starting or misconfigured. Please try again in a minute."})
		return
	}
	s.ServeHTTP(w, r)
}

// Warm builds the process-wide server now (cmd/server calls it at start-up so
// a configuration problem stops the process with its message).
func Warm(ctx context.Context) error {
	_, err := defaultServer(ctx)
	return err
}
