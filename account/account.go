// Package account is the account side of the app as one seam: who is signed
// in, what the plan allows, today's quota, and the account actions of the UI.
// *licensing.Service is the real one; Local (the signed-out Free plan, with
// today's count in memory) stands in when licensing cannot start, and in the
// tests of the app. It also adapts the account to what a conversion run needs
// (ForRuns) and words its notices (Notice).
package account

import (
	"context"

	"imageconverter/functions/wire"
	"imageconverter/licensing"
	"imageconverter/licensing/policy"
	"imageconverter/runs"
	"imageconverter/uierr"
)

// Account is what the app uses of the licensing service.
type Account interface {
	// Status answers from memory: the effective plan, today's use, offline.
	Status() licensing.Status
	Plans() policy.Plans
	// FetchPlans gets the plans table (at most once a day).
	FetchPlans(ctx context.Context) (policy.Plans, error)
	// EnsureFresh refreshes the entitlement when it is due; Refresh now.
	EnsureFresh(ctx context.Context) error
	Refresh(ctx context.Context) error
	// CheckConnection tells whether the service can be reached (a TCP
	// connection, no API call), keeping Status().Offline up to date.
	CheckConnection(ctx context.Context) bool
	// RecordTime writes the latest time seen, so a clock set back while the
	// app was closed is noticed.
	RecordTime() error
	// Reserve asks for n conversions for runID; Commit records how many
	// were really used.
	Reserve(ctx context.Context, runID string, n int) (licensing.Grant, error)
	Commit(runID string, used int) error

	SignIn(ctx context.Context, email, password string) (licensing.Status, error)
	SignUp(ctx context.Context, email, password string) (licensing.Status, error)
	ResetPassword(ctx context.Context, email string) error
	SignOut() error
	Devices(ctx context.Context) ([]wire.Device, error)
	RemoveDevice(ctx context.Context, id string) error
	// Checkout creates an order; Order reads it while the user pays.
	Checkout(ctx context.Context, req wire.CheckoutRequest) (wire.CheckoutResponse, error)
	Order(ctx context.Context, orderID string) (wire.CheckoutResponse, error)
	SetAutoRenew(ctx context.Context, on bool) error
}

var (
	_ Account = (*licensing.Service)(nil)
	_ Account = (*Local)(nil)
)

// Available is false for the stand-in: accounts cannot be used right now.
func Available(a Account) bool {
	_, local := a.(*Local)
	return !local
}

// Notice is what the UI should say about the account now, as a code it
// translates and an English sentence: why the plan is not the one paid for
// (offline too long, another computer's entitlement…), else where the
// sign-in is kept when there is no keychain; "" when nothing.
func Notice(st licensing.Status) (code, message string) {
	switch {
	case st.Reason != "" && st.Reason != licensing.ReasonSignedOut:
		return st.Reason, st.ReasonMessage
	case st.SignInAgain:
		// The plan still works; without a new sign-in it lapses unseen.
		return licensing.ReasonSessionExpired, "You have been signed out. Please sign in again."
	case st.StorageWarning != "" && st.SignedIn: // only matters once a sign-in is stored
		return NoticeStorageFile, st.StorageWarning
	}
	return "", ""
}

// NoticeStorageFile: no keychain; the sign-in is in a file only the user can read.
const NoticeStorageFile = "storage_file"

var codeCheckoutUnavailable = uierr.Declare("checkout_unavailable")

// Checkout creates a monthly auto-renewing order for planID and checks that
// it has a page to pay on.
func Checkout(ctx context.Context, a Account, planID string) (wire.CheckoutResponse, error) {
	out, err := a.Checkout(ctx, wire.CheckoutRequest{Plan: planID, Mode: wire.CheckoutModeSubscription})
	if err != nil {
		return out, err
	}
	if out.CheckoutURL == "" {
		return out, uierr.New(codeCheckoutUnavailable, "The checkout page is not available right now; please try again later.")
	}
	return out, nil
}

// ForRuns adapts an Account to what a conversion run needs.
func ForRuns(a Account) runs.Account { return forRuns{a} }

type forRuns struct{ a Account }

func (r forRuns) Entitlement(context.Context) runs.Entitlement {
	st := r.a.Status()
	return runs.Entitlement{PlanID: st.Plan, Limits: st.Limits, Remaining: st.Remaining}
}

func (r forRuns) Plans(context.Context) policy.Plans { return r.a.Plans() }

func (r forRuns) Reserve(ctx context.Context, runID string, n int) (int, error) {
	g, err := r.a.Reserve(ctx, runID, n)
	return g.Granted, err
}

func (r forRuns) Commit(_ context.Context, runID string, used int) error {
	return r.a.Commit(runID, used)
}
