package main

import (
	"context"
	"sync"
	"time"

	"imageconverter/functions/wire"
	"imageconverter/licensing/policy"
	"imageconverter/runs"
	"imageconverter/uierr"
)

// Account is what App needs from licensing: who is signed in, what the plan
// allows, today's quota, and the account actions of the UI. The licensing
// facade satisfies it through an adapter; localAccount stands in when no
// account service is configured (signed out = free plan, SPEC §2).
type Account interface {
	// Warm brings the account up to date in the background at start-up.
	Warm(ctx context.Context)
	// CheckConnection tells whether the service can be reached now (a TCP
	// connection, no API call), keeping Status().Offline up to date.
	CheckConnection(ctx context.Context) bool
	Status(ctx context.Context) AccountStatus
	Plans(ctx context.Context) policy.Plans
	// Reserve asks for n conversions for runID and returns how many were
	// granted (≤ n); Commit records how many were really used.
	Reserve(ctx context.Context, runID string, n int) (int, error)
	Commit(ctx context.Context, runID string, used int) error

	SignIn(ctx context.Context, email, password string) error
	SignUp(ctx context.Context, email, password string) error
	ResetPassword(ctx context.Context, email string) error
	SignOut(ctx context.Context) error
	Refresh(ctx context.Context) error
	Devices(ctx context.Context) ([]wire.Device, error)
	RemoveDevice(ctx context.Context, id string) error
	// Checkout creates an order for planID; Order reads its status while
	// the user pays in the browser.
	Checkout(ctx context.Context, planID string) (wire.CheckoutResponse, error)
	Order(ctx context.Context, orderID string) (wire.CheckoutResponse, error)
	SetAutoRenew(ctx context.Context, on bool) error
}

// AccountStatus is the account as the app sees it now.
type AccountStatus struct {
	SignedIn  bool
	Email     string
	PlanID    string
	Limits    wire.Limits
	Status    string
	AutoRenew bool
	PeriodEnd time.Time
	UsedToday int
	Remaining *int // nil = unlimited
	Offline   bool
	GraceDays int    // whole days of offline use left
	Notice    string // a sentence when something needs the user's attention (plan fell back to Free, no keychain)
	NoticeKey string // stable code of Notice for the UI to translate
	Available bool   // false when no account service is configured
}

var (
	codeAccountsUnavailable = uierr.Declare("accounts_unavailable")
	codeCheckoutUnavailable = uierr.Declare("checkout_unavailable")
)

// errNoAccounts is returned by localAccount for every account action.
var errNoAccounts = uierr.New(codeAccountsUnavailable, "Accounts are not available right now; you can keep using the Free plan.")

var _ Account = (*localAccount)(nil)

// localAccount is the signed-out free plan with today's count kept in
// memory. It stands in until the licensing service is wired in main.go.
type localAccount struct {
	plan  string
	plans policy.Plans
	now   func() time.Time

	mu   sync.Mutex
	day  string
	used int
}

func newLocalAccount(plan string) *localAccount {
	if plan == "" {
		plan = wire.PlanFree
	}
	return &localAccount{plan: plan, plans: policy.DefaultPlans, now: time.Now}
}

// seoulDay is the quota day of SPEC §2.
func seoulDay(t time.Time) string {
	return t.In(time.FixedZone("KST", 9*60*60)).Format(time.DateOnly)
}

func (a *localAccount) roll() {
	if d := seoulDay(a.now()); d != a.day {
		a.day, a.used = d, 0
	}
}

func (a *localAccount) Status(context.Context) AccountStatus {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.roll()
	p := a.plans.Lookup(a.plan)
	s := AccountStatus{PlanID: p.ID, Limits: p.Limits(), UsedToday: a.used}
	if p.DailyLimit != nil {
		left := max(*p.DailyLimit-a.used, 0)
		s.Remaining = &left
	}
	return s
}

func (a *localAccount) Warm(context.Context) {}

func (a *localAccount) CheckConnection(context.Context) bool { return true }

func (a *localAccount) Plans(context.Context) policy.Plans { return a.plans }

func (a *localAccount) Reserve(_ context.Context, _ string, n int) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.roll()
	p := a.plans.Lookup(a.plan)
	if p.DailyLimit == nil {
		return n, nil
	}
	return min(n, max(*p.DailyLimit-a.used, 0)), nil
}

func (a *localAccount) Commit(_ context.Context, _ string, used int) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.roll()
	a.used += used
	return nil
}

func (a *localAccount) SignIn(context.Context, string, string) error { return errNoAccounts }
func (a *localAccount) SignUp(context.Context, string, string) error { return errNoAccounts }
func (a *localAccount) ResetPassword(context.Context, string) error  { return errNoAccounts }
func (a *localAccount) SignOut(context.Context) error                { return nil }
func (a *localAccount) Refresh(context.Context) error                { return nil }
func (a *localAccount) Devices(context.Context) ([]wire.Device, error) {
	return nil, nil
}
func (a *localAccount) RemoveDevice(context.Context, string) error { return errNoAccounts }
func (a *localAccount) Checkout(context.Context, string) (wire.CheckoutResponse, error) {
	return wire.CheckoutResponse{}, errNoAccounts
}
func (a *localAccount) Order(context.Context, string) (wire.CheckoutResponse, error) {
	return wire.CheckoutResponse{}, errNoAccounts
}
func (a *localAccount) SetAutoRenew(context.Context, bool) error { return errNoAccounts }

// runAccount adapts Account to what a conversion run needs.
type runAccount struct{ Account }

var _ runs.Account = runAccount{}

func (a runAccount) Entitlement(ctx context.Context) runs.Entitlement {
	st := a.Status(ctx)
	return runs.Entitlement{PlanID: st.PlanID, Limits: st.Limits, Remaining: st.Remaining}
}
