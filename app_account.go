package main

import (
	"strings"

	"imageconverter/account"
	"imageconverter/checkout"
	"imageconverter/uierr"
)

// The account side of App: sign-in, plan and devices. Each method checks its
// arguments, calls Account and maps the answer for the UI.

// Account returns the current account state.
func (a *App) Account() AccountState {
	return accountState(a.account.Status(), a.account.Plans(), account.Available(a.account))
}

// Plans returns the plans table with prices.
func (a *App) Plans() []PlanInfo {
	var out []PlanInfo
	for _, p := range a.account.Plans() {
		out = append(out, mapPlan(p))
	}
	return out
}

// accountChanged tells every view and returns the new state, unless err.
func (a *App) accountChanged(err error) (AccountState, error) {
	if err != nil {
		return AccountState{}, err
	}
	st := a.Account()
	a.emit(EventAccount, st)
	return st, nil
}

// SignIn signs in with email and password.
func (a *App) SignIn(email, password string) (AccountState, error) {
	email, err := account.CheckCredentials(email, password, true)
	if err != nil {
		return AccountState{}, err
	}
	_, err = a.account.SignIn(a.lifetime(), email, password)
	return a.accountChanged(err)
}

// SignUp creates an account and signs in.
func (a *App) SignUp(email, password string) (AccountState, error) {
	email, err := account.CheckCredentials(email, password, true)
	if err != nil {
		return AccountState{}, err
	}
	_, err = a.account.SignUp(a.lifetime(), email, password)
	return a.accountChanged(err)
}

// ResetPassword sends a password reset email.
func (a *App) ResetPassword(email string) error {
	email, err := account.CheckCredentials(email, "", false)
	if err != nil {
		return err
	}
	return a.account.ResetPassword(a.lifetime(), email)
}

// SignOut signs out; the app goes back to the free plan.
func (a *App) SignOut() (AccountState, error) { return a.accountChanged(a.account.SignOut()) }

// RefreshAccount asks the server for the plans, the plan and usage now.
func (a *App) RefreshAccount() (AccountState, error) {
	ctx := a.lifetime()
	if _, err := a.account.FetchPlans(ctx); err != nil {
		return a.Account(), err
	}
	if err := a.account.Refresh(ctx); err != nil {
		return a.Account(), err
	}
	return a.accountChanged(nil)
}

// CheckAccount refreshes the entitlement only when it is stale (a day old,
// or after a checkout or a change of auto-renew), e.g. when the window gets
// focus after paying in the browser; otherwise it answers from memory.
func (a *App) CheckAccount() AccountState {
	a.orders.Poke() // back from the browser: is the order paid?
	if account.CheckConnection(a.lifetime(), a.account) {
		a.emit(EventAccount, a.Account())
	}
	_ = a.account.EnsureFresh(a.lifetime()) // offline or refused: the state says so
	return a.Account()
}

// Devices lists the registered devices.
func (a *App) Devices() ([]Device, error) {
	ds, err := a.account.Devices(a.lifetime())
	if err != nil {
		return nil, err
	}
	return mapDevices(ds), nil
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
	return mapCheckout(a.orders.Open(ctx, order.OrderID, planID, checkout.WithLanguage(order.CheckoutURL, lang), rt.OpenURL)), nil
}

// ReopenCheckout opens the checkout page of the watched order again.
func (a *App) ReopenCheckout() (CheckoutInfo, error) {
	rt := a.runtime()
	if rt == nil {
		return CheckoutInfo{}, errNotReady
	}
	return mapCheckout(a.orders.Reopen(rt.OpenURL)), nil
}

// CloseCheckout stops watching the order (the user went back without paying).
func (a *App) CloseCheckout() CheckoutInfo { return mapCheckout(a.orders.Close()) }

// Checkout is the checkout being watched, if any.
func (a *App) Checkout() CheckoutInfo { return mapCheckout(a.orders.Current()) }

// SetAutoRenew turns monthly renewal off (access continues to the period end) or back on.
func (a *App) SetAutoRenew(on bool) (AccountState, error) {
	return a.accountChanged(a.account.SetAutoRenew(a.lifetime(), on))
}
