package api

import (
	"context"
	"fmt"

	"firebase.google.com/go/v4/auth"

	"imageconverter/functions/internal/store"
)

// setSubscription writes subscriptions/{uid} and mirrors the plan into the
// user's custom claim "plan" (SPEC §7). Payment routes call it after a
// successful payment, renewal or cancellation.
func (s *Server) setSubscription(ctx context.Context, uid string, d store.SubscriptionDoc) error {
	if err := s.store.SetSubscription(ctx, uid, d); err != nil {
		return err
	}
	return MirrorPlanClaim(ctx, s.auth, uid, store.EffectiveAt(&d, s.now()).Plan)
}

// MirrorPlanClaim sets the custom claim "plan" of uid, keeping its other
// claims, and does nothing when it already has that value. The claim is
// informational (the subscription document decides what is allowed).
func MirrorPlanClaim(ctx context.Context, a *auth.Client, uid, plan string) error {
	u, err := a.GetUser(ctx, uid)
	if err != nil {
		return fmt.Errorf("auth get user %s: %w", uid, err)
	}
	claims := map[string]any{}
	for k, v := range u.CustomClaims {
		claims[k] = v
	}
	if claims["plan"] == plan {
		return nil
	}
	claims["plan"] = plan
	if err := a.SetCustomUserClaims(ctx, uid, claims); err != nil {
		return fmt.Errorf("auth set plan claim of %s: %w", uid, err)
	}
	return nil
}
