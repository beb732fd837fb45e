package api

import (
	"context"

	"imageconverter/functions/internal/claims"
	"imageconverter/functions/internal/store"
)

// setSubscription writes subscriptions/{uid} and mirrors the plan into the
// user's custom claim "plan" (tests give users a plan with it, as the
// payment routes would).
func (s *Server) setSubscription(ctx context.Context, uid string, d store.SubscriptionDoc) error {
	if err := s.store.SetSubscription(ctx, uid, d); err != nil {
		return err
	}
	return claims.MirrorPlan(ctx, s.auth, uid, store.EffectiveAt(&d, s.now()).Plan)
}
