package api

import (
	"net/http"

	"imageconverter/functions/entitlement"
	"imageconverter/functions/internal/httpx"
	"imageconverter/functions/wire"
)

func (s *Server) registerPublicRoutes(rt *httpx.Router) {
	rt.Public("GET /v1/health", s.health)
	rt.Public("GET /v1/plans", s.plans)
	rt.Public("GET /v1/keys", s.keys)
}

// health answers when the function is up; ?deep=1 also reads Firestore
// (the local stack waits on it).
func (s *Server) health(w http.ResponseWriter, r *http.Request) error {
	if r.URL.Query().Get("deep") == "1" {
		if _, err := s.store.Plans(r.Context()); err != nil {
			return &httpx.Error{Code: wire.CodeUnavailable, Message: "Firestore is not reachable.", Cause: err}
		}
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"ok": true, "keyId": s.cfg.Signer.KeyID()})
	return nil
}

// plans is GET /v1/plans: the plans table from Firestore.
func (s *Server) plans(w http.ResponseWriter, r *http.Request) error {
	plans, err := s.store.Plans(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, wire.PlansResponse{Plans: plans})
	return nil
}

// keys is GET /v1/keys: the public keys that verify entitlements, as a JWKS.
func (s *Server) keys(w http.ResponseWriter, r *http.Request) error {
	httpx.WriteJSON(w, http.StatusOK, entitlement.JWKS(s.cfg.TrustedKeys...))
	return nil
}
