// Package claims keeps the Firebase Auth custom claim "plan" in step with the
// subscription documents. The claim is informational (the subscription
// document decides what is allowed); it lets other services see the plan in
// the ID token.
package claims

import (
	"context"
	"fmt"

	"firebase.google.com/go/v4/auth"
)

// MirrorPlan sets the custom claim "plan" of uid, keeping its other claims,
// and does nothing when it already has that value.
func MirrorPlan(ctx context.Context, a *auth.Client, uid, plan string) error {
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
