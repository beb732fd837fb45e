package api

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"time"

	"cloud.google.com/go/firestore"
	firebase "firebase.google.com/go/v4"
	"firebase.google.com/go/v4/auth"
	"google.golang.org/api/option"

	"imageconverter/functions/internal/config"
	"imageconverter/functions/internal/payments"
	"imageconverter/functions/internal/store"
)

// Server holds the configuration, the clients and the routes. Handlers are
// methods on it (or on the payments service) registered in routes().
type Server struct {
	cfg   *config.Config
	fs    *firestore.Client
	auth  *auth.Client
	store *store.Store
	// now is the clock seam: every handler reads time through it.
	now func() time.Time
	// fsProject, when set, is the Firestore project instead of cfg.ProjectID
	// (tests: a project of their own on the shared emulator; Auth stays on
	// cfg.ProjectID, whose ID tokens the tests sign in for).
	fsProject string
	// fsOpts are more Firestore client options (tests: a counting connection).
	fsOpts []option.ClientOption

	ipLimit, userLimit *limiter
	// payments serves the payment routes (package payments).
	payments *payments.Service
	handler  http.Handler
}

// Option adjusts a Server (tests).
type Option func(*Server)

// WithClock makes the server (and its store) read time from now.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// withFirestoreProject keeps the server's Firestore data in project id (tests).
func withFirestoreProject(id string) Option { return func(s *Server) { s.fsProject = id } }

// withFirestoreOptions adds Firestore client options (tests: fscount's counting connection).
func withFirestoreOptions(o ...option.ClientOption) Option {
	return func(s *Server) { s.fsOpts = append(s.fsOpts, o...) }
}

// NewServer connects to Firestore and Firebase Auth (emulators when their
// hosts are configured) and builds the router.
func NewServer(ctx context.Context, cfg *config.Config, opts ...Option) (*Server, error) {
	s := &Server{cfg: cfg, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	var copts []option.ClientOption
	if cfg.Emulated() {
		// No credentials locally: never look for cloud credentials or probe a metadata server.
		copts = append(copts, option.WithoutAuthentication())
	}
	app, err := firebase.NewApp(ctx, &firebase.Config{ProjectID: cfg.ProjectID}, copts...)
	if err != nil {
		return nil, fmt.Errorf("firebase app: %w", err)
	}
	if s.auth, err = app.Auth(ctx); err != nil {
		return nil, fmt.Errorf("firebase auth client: %w", err)
	}
	fsProject := cfg.ProjectID
	if s.fsProject != "" {
		fsProject = s.fsProject
	}
	if s.fs, err = firestore.NewClient(ctx, fsProject, append(copts, s.fsOpts...)...); err != nil {
		return nil, fmt.Errorf("firestore client: %w", err)
	}
	s.store = store.New(s.fs)
	s.store.Now = func() time.Time { return s.now() }
	s.ipLimit = newLimiter(cfg.IPRate, cfg.IPBurst)
	s.userLimit = newLimiter(cfg.UserRate, cfg.UserBurst)
	s.payments, err = payments.New(payments.Deps{Config: cfg, Firestore: s.fs, Auth: s.auth, Store: s.store, Now: s.now})
	if err != nil {
		return nil, err
	}
	s.handler = s.routes()
	if cfg.DevKeyFile != "" {
		log.Printf("api: signing entitlements with development key %s from %s", cfg.Signer.KeyID(), cfg.DevKeyFile)
	}
	return s, nil
}

// ServeHTTP serves the /v1 routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Close releases the clients.
func (s *Server) Close() error { return s.fs.Close() }

// Store exposes the data layer (cmd/admin, tests).
func (s *Server) Store() *store.Store { return s.store }

// Auth exposes the Firebase Auth client (cmd/admin, tests).
func (s *Server) Auth() *auth.Client { return s.auth }
