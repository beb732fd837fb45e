package main

import (
	"net/mail"
	"net/url"
	"strings"
	"time"

	"imageconverter/account"
	"imageconverter/checkout"
	"imageconverter/functions/wire"
	"imageconverter/licensing"
	"imageconverter/uierr"
)

// The account side of App: sign-in, plan and devices. Each method checks its
// arguments, calls Account and maps the answer for the UI.

// Account returns the current account state.
func (a *App) Account() AccountState { return a.mapAccount(a.account.Status()) }

func (a *App) mapAccount(st licensing.Status) AccountState {
	out := AccountState{
		SignedIn: st.SignedIn, Email: st.Email, Status: st.SubscriptionStatus,
		AutoRenew: st.AutoRenew && !st.CancelAtPeriodEnd, UsedToday: st.UsageToday, RemainingToday: -1,
		Offline: st.Offline && st.SignedIn, Available: account.Available(a.account), GraceDaysLeft: st.GraceDaysLeft,
		Plan: mapPlan(a.account.Plans().Lookup(st.Plan)),
	}
	out.NoticeKey, out.Notice = account.Notice(st)
	// The entitlement's limits win over the table (an admin may have changed them).
	out.Plan.Formats, out.Plan.Features, out.Plan.BatchSize = st.Limits.Formats, st.Limits.Features, st.Limits.BatchSize
	if st.Limits.DailyLimit != nil {
		out.Plan.DailyLimit = *st.Limits.DailyLimit
	} else {
		out.Plan.DailyLimit = -1
	}
	if st.Remaining != nil {
		out.RemainingToday = *st.Remaining
	}
	if st.PeriodEnd != nil && st.SignedIn {
		out.PeriodEnd = st.PeriodEnd.UTC().Format(time.RFC3339)
	}
	return out
}

func mapPlan(p wire.Plan) PlanInfo {
	out := PlanInfo{ID: p.ID, Name: p.Name, PriceKRW: p.PriceKRW, DailyLimit: -1, Formats: p.Formats,
		Features: p.Features, BatchSize: p.BatchSize, MaxDevices: p.MaxDevices}
	if p.DailyLimit != nil {
		out.DailyLimit = *p.DailyLimit
	}
	return out
}

// Plans returns the plans table with prices.
func (a *App) Plans() []PlanInfo {
	var out []PlanInfo
	for _, p := range a.account.Plans() {
		out = append(out, mapPlan(p))
	}
	return out
}

var (
	codeInvalidEmail    = uierr.Declare("invalid_email")
	codeWeakPassword    = uierr.Declare("weak_password")
	codeInvalidArgument = uierr.Declare("invalid_argument")
	codeNotForSale      = uierr.Declare("not_for_sale")
)

func checkCredentials(email, password string, needPassword bool) (string, error) {
	email = strings.TrimSpace(email)
	if _, err := mail.ParseAddress(email); err != nil || !strings.Contains(email, "@") {
		return "", uierr.New(codeInvalidEmail, "Enter a valid email address.")
	}
	if needPassword && len(password) < 6 {
		return "", uierr.New(codeWeakPassword, "The password must have at least 6 characters.")
	}
	return email, nil
}

// accountChanged tells every view and returns the new state.
func (a *App) accountChanged() AccountState {
	st := a.Account()
	a.emit(EventAccount, st)
	return st
}

// SignIn signs in with email and password.
func (a *App) SignIn(email, password string) (AccountState, error) {
	email, err := checkCredentials(email, password, true)
	if err != nil {
		return AccountState{}, err
	}
	if _, err := a.account.SignIn(a.lifetime(), email, password); err != nil {
		return AccountState{}, err
	}
	return a.accountChanged(), nil
}

// SignUp creates an account and signs in.
func (a *App) SignUp(email, password string) (AccountState, error) {
	email, err := checkCredentials(email, password, true)
	if err != nil {
		return AccountState{}, err
	}
	if _, err := a.account.SignUp(a.lifetime(), email, password); err != nil {
		return AccountState{}, err
	}
	return a.accountChanged(), nil
}

// ResetPassword sends a password reset email.
func (a *App) ResetPassword(email string) error {
	email, err := checkCredentials(email, "", false)
	if err != nil {
		return err
	}
	return a.account.ResetPassword(a.lifetime(), email)
}

// SignOut signs out; the app goes back to the free plan.
func (a *App) SignOut() (AccountState, error) {
	if err := a.account.SignOut(); err != nil {
		return AccountState{}, err
	}
	return a.accountChanged(), nil
}

// RefreshAccount asks the server for the plans, the plan and usage now.
func (a *App) RefreshAccount() (AccountState, error) {
	ctx := a.lifetime()
	if _, err := a.account.FetchPlans(ctx); err != nil {
		return a.Account(), err
	}
	if err := a.account.Refresh(ctx); err != nil {
		return a.Account(), err
	}
	return a.accountChanged(), nil
}

// CheckAccount refreshes the entitlement only when it is stale (a day old,
// or after a checkout or a change of auto-renew), e.g. when the window gets
// focus after paying in the browser; otherwise it answers from memory.
func (a *App) CheckAccount() AccountState {
	a.orders.Poke() // back from the browser: is the order paid?
	a.checkConnection(a.lifetime())
	_ = a.account.EnsureFresh(a.lifetime()) // offline or refused: the state says so
	return a.Account()
}

// Devices lists the registered devices.
func (a *App) Devices() ([]Device, error) {
	ds, err := a.account.Devices(a.lifetime())
	if err != nil {
		return nil, err
	}
	out := make([]Device, 0, len(ds))
	for _, d := range ds {
		out = append(out, Device{ID: d.ID, Name: d.Name, OS: d.OS, LastSeen: d.LastSeenAt.UTC().Format(time.RFC3339), Current: d.Current})
	}
	return out, nil
}

// RemoveDevice removes a device and returns the remaining ones.
func (a *App) RemoveDevice(id string) ([]Device, error) {
	if strings.TrimSpace(id) == "" {
		return nil, uierr.New(codeInvalidArgument, "Choose a device to remove.")
	}
	if err := a.account.RemoveDevice(a.lifetime(), id); err != nil {
		return nil, err
	}
	return a.Devices()
}

// Upgrade creates an order for planID and opens its checkout page in the
// browser, in the UI's language (lang). The app then watches the order and
// switches to the new plan once it is paid (EventCheckout, EventAccount).
// When no browser starts, Opened is false and the UI shows the link.
func (a *App) Upgrade(planID, lang string) (CheckoutInfo, error) {
	ctx := a.lifetime()
	p := a.account.Plans().Lookup(planID)
	if p.ID != planID || p.PriceKRW <= 0 {
		return CheckoutInfo{}, uierr.With(codeNotForSale, "This is not a plan you can buy.", planID, nil)
	}
	rt := a.runtime()
	if rt == nil {
		return CheckoutInfo{}, errNotReady
	}
	order, err := account.Checkout(ctx, a.account, planID)
	if err != nil {
		return CheckoutInfo{}, err
	}
	st := checkout.State{OrderID: order.OrderID, Plan: planID, URL: withLanguage(order.CheckoutURL, lang)}
	st.Opened = rt.OpenURL(st.URL) == nil
	a.orders.Start(ctx, st)
	return mapCheckout(a.orders.Current()), nil
}

// ReopenCheckout opens the checkout page of the watched order again.
func (a *App) ReopenCheckout() (CheckoutInfo, error) {
	rt := a.runtime()
	if rt == nil {
		return CheckoutInfo{}, errNotReady
	}
	st := a.orders.Current()
	if st.Status != checkout.Waiting && st.Status != checkout.Failed {
		return mapCheckout(st), nil
	}
	opened := rt.OpenURL(st.URL) == nil
	out := mapCheckout(st)
	out.Opened = opened
	a.orders.Poke()
	return out, nil
}

// CloseCheckout stops watching the order (the user went back without paying).
func (a *App) CloseCheckout() CheckoutInfo { return mapCheckout(a.orders.Close()) }

// Checkout is the checkout being watched, if any.
func (a *App) Checkout() CheckoutInfo { return mapCheckout(a.orders.Current()) }

// withLanguage adds the UI's language to the checkout page's address.
func withLanguage(raw, lang string) string {
	if lang != "ko" && lang != "en" && lang != "ja" {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	q.Set("lang", lang)
	u.RawQuery = q.Encode()
	return u.String()
}

func mapCheckout(st checkout.State) CheckoutInfo {
	return CheckoutInfo{OrderID: st.OrderID, Plan: st.Plan, URL: st.URL, Opened: st.Opened, Status: string(st.Status),
		FailureCode: st.FailureCode}
}

// SetAutoRenew turns monthly renewal off (access continues to the period end) or back on.
func (a *App) SetAutoRenew(on bool) (AccountState, error) {
	if err := a.account.SetAutoRenew(a.lifetime(), on); err != nil {
		return AccountState{}, err
	}
	return a.accountChanged(), nil
}
