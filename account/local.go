package account

import (
	"context"
	"sync"
	"time"

	"imageconverter/functions/wire"
	"imageconverter/licensing"
	"imageconverter/licensing/policy"
	"imageconverter/uierr"
)

var codeAccountsUnavailable = uierr.Declare("accounts_unavailable")

// errNoAccounts is Local's answer to every account action.
var errNoAccounts = uierr.New(codeAccountsUnavailable, "Accounts are not available right now; you can keep using the Free plan.")

// Local is the signed-out stand-in: a plan (Free, unless a test build
// chooses one) with today's conversions counted in memory. Account actions
// say that accounts are not available.
type Local struct {
	plan  string
	plans policy.Plans
	now   func() time.Time

	mu   sync.Mutex
	day  string
	used int
}

// NewLocal returns the stand-in on plan ("" = Free).
func NewLocal(plan string) *Local {
	if plan == "" {
		plan = wire.PlanFree
	}
	return &Local{plan: plan, plans: policy.DefaultPlans, now: time.Now}
}

// roll starts a new quota day at midnight in Seoul.
func (a *Local) roll() {
	if d := licensing.DayOf(a.now()); d != a.day {
		a.day, a.used = d, 0
	}
}

func (a *Local) left(p wire.Plan) *int {
	if p.DailyLimit == nil {
		return nil
	}
	n := max(*p.DailyLimit-a.used, 0)
	return &n
}

// Status implements Account.
func (a *Local) Status() licensing.Status {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.roll()
	p := a.plans.Lookup(a.plan)
	return licensing.Status{Plan: p.ID, PlanName: p.Name, Limits: p.Limits(), Day: a.day, UsageToday: a.used,
		Remaining: a.left(p), Reason: licensing.ReasonSignedOut}
}

// Plans implements Account.
func (a *Local) Plans() policy.Plans { return a.plans }

// FetchPlans implements Account: the built-in table.
func (a *Local) FetchPlans(context.Context) (policy.Plans, error) { return a.plans, nil }

// EnsureFresh implements Account: nothing to refresh.
func (a *Local) EnsureFresh(context.Context) error { return nil }

// Refresh implements Account: nothing to refresh.
func (a *Local) Refresh(context.Context) error { return nil }

// CheckConnection implements Account: the stand-in is never offline.
func (a *Local) CheckConnection(context.Context) bool { return true }

// RecordTime implements Account: the stand-in keeps nothing.
func (a *Local) RecordTime() error { return nil }

// Reserve implements Account against the plan's daily limit.
func (a *Local) Reserve(_ context.Context, runID string, n int) (licensing.Grant, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.roll()
	p := a.plans.Lookup(a.plan)
	g := licensing.Grant{RunID: runID, Granted: n, Day: a.day}
	if left := a.left(p); left != nil {
		g.Granted = min(n, *left)
		rest := *left - g.Granted
		g.Remaining = &rest
	}
	return g, nil
}

// Commit implements Account.
func (a *Local) Commit(_ string, used int) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.roll()
	a.used += used
	return nil
}

func (a *Local) SignIn(context.Context, string, string) (licensing.Status, error) {
	return a.Status(), errNoAccounts
}
func (a *Local) SignUp(context.Context, string, string) (licensing.Status, error) {
	return a.Status(), errNoAccounts
}
func (a *Local) ResetPassword(context.Context, string) error    { return errNoAccounts }
func (a *Local) SignOut() error                                 { return nil }
func (a *Local) Devices(context.Context) ([]wire.Device, error) { return nil, nil }
func (a *Local) RemoveDevice(context.Context, string) error     { return errNoAccounts }
func (a *Local) SetAutoRenew(context.Context, bool) error       { return errNoAccounts }
func (a *Local) Order(context.Context, string) (wire.CheckoutResponse, error) {
	return wire.CheckoutResponse{}, errNoAccounts
}
func (a *Local) Checkout(context.Context, wire.CheckoutRequest) (wire.CheckoutResponse, error) {
	return wire.CheckoutResponse{}, errNoAccounts
}
