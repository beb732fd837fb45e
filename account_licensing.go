package main

import (
	"context"
	"fmt"
	"time"

	"imageconverter/functions/wire"
	"imageconverter/licensing"
	"imageconverter/licensing/policy"
	"imageconverter/uierr"
)

var _ Account = (*licensedAccount)(nil)

// licensedAccount adapts the licensing service to Account.
type licensedAccount struct {
	lic *licensing.Service
}

func (a *licensedAccount) Warm(ctx context.Context) { _ = a.lic.EnsureFresh(ctx) }

func (a *licensedAccount) CheckConnection(ctx context.Context) bool {
	return a.lic.CheckConnection(ctx)
}

func (a *licensedAccount) Status(context.Context) AccountStatus {
	st := a.lic.Status()
	out := AccountStatus{
		SignedIn: st.SignedIn, Email: st.Email, PlanID: st.Plan, Limits: st.Limits,
		Status: st.SubscriptionStatus, AutoRenew: st.AutoRenew && !st.CancelAtPeriodEnd,
		UsedToday: st.UsageToday, Remaining: st.Remaining,
		Offline: st.Offline && st.SignedIn, GraceDays: st.GraceDaysLeft, Available: true,
	}
	if st.PeriodEnd != nil {
		out.PeriodEnd = *st.PeriodEnd
	}
	switch {
	case st.Reason != "" && st.Reason != licensing.ReasonSignedOut:
		out.Notice, out.NoticeKey = st.ReasonMessage, st.Reason
	case st.StorageWarning != "" && st.SignedIn: // only matters once a sign-in is stored
		out.Notice, out.NoticeKey = st.StorageWarning, "storage_file"
	}
	return out
}

func (a *licensedAccount) Plans(context.Context) policy.Plans { return a.lic.Plans() }

func (a *licensedAccount) Reserve(ctx context.Context, runID string, n int) (int, error) {
	g, err := a.lic.Reserve(ctx, runID, n)
	if err != nil {
		return 0, err
	}
	return g.Granted, nil
}

func (a *licensedAccount) Commit(_ context.Context, runID string, used int) error {
	return a.lic.Commit(runID, used)
}

func (a *licensedAccount) SignIn(ctx context.Context, email, password string) error {
	_, err := a.lic.SignIn(ctx, email, password)
	return err
}

func (a *licensedAccount) SignUp(ctx context.Context, email, password string) error {
	_, err := a.lic.SignUp(ctx, email, password)
	return err
}

func (a *licensedAccount) ResetPassword(ctx context.Context, email string) error {
	return a.lic.ResetPassword(ctx, email)
}

func (a *licensedAccount) SignOut(context.Context) error { return a.lic.SignOut() }

func (a *licensedAccount) Refresh(ctx context.Context) error {
	if _, err := a.lic.FetchPlans(ctx); err != nil {
		return err
	}
	return a.lic.Refresh(ctx)
}

func (a *licensedAccount) Devices(ctx context.Context) ([]wire.Device, error) {
	return a.lic.Devices(ctx)
}

func (a *licensedAccount) RemoveDevice(ctx context.Context, id string) error {
	return a.lic.RemoveDevice(ctx, id)
}

// Checkout creates a monthly auto-renewing order (POST /v1/checkout).
func (a *licensedAccount) Checkout(ctx context.Context, planID string) (wire.CheckoutResponse, error) {
	out, err := a.lic.Checkout(ctx, wire.CheckoutRequest{Plan: planID, Mode: wire.CheckoutModeSubscription})
	if err != nil {
		return out, err
	}
	if out.CheckoutURL == "" {
		return out, uierr.New(codeCheckoutUnavailable, "The checkout page is not available right now; please try again later.")
	}
	return out, nil
}

// Order reads the status of an order being paid.
func (a *licensedAccount) Order(ctx context.Context, orderID string) (wire.CheckoutResponse, error) {
	return a.lic.Order(ctx, orderID)
}

func (a *licensedAccount) SetAutoRenew(ctx context.Context, on bool) error {
	return a.lic.SetAutoRenew(ctx, on)
}

// newLicensedAccount builds the licensing service from its configuration
// (file + environment; the local stack by default); clock, if not nil,
// replaces the system clock (test builds only).
func newLicensedAccount(clock func() time.Time) (*licensedAccount, error) {
	cfg, err := licensing.LoadConfig("")
	if err != nil {
		return nil, fmt.Errorf("licensing config: %w", err)
	}
	lic, err := licensing.New(licensing.Options{Config: cfg, Clock: clock})
	if err != nil {
		return nil, fmt.Errorf("licensing: %w", err)
	}
	return &licensedAccount{lic: lic}, nil
}
