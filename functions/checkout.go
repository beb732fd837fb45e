package api

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"cloud.google.com/go/firestore"

	"imageconverter/functions/internal/store"
	"imageconverter/functions/wire"
)

func init() { addRoutes(registerPaymentRoutes) }

// registerPaymentRoutes adds the payment routes of SPEC §6.
//
// The checkout pages run in the user's browser, which has no Firebase ID
// token (the desktop app opens them). So the routes they call — order
// lookup, confirm, billing issue — are public and authorised by the order id,
// a 128-bit random value only the buyer's app and browser know; if an ID
// token is sent anyway it must belong to the order's user. The effect of such
// a call is only ever to activate what the order's own user paid for at Toss.
func registerPaymentRoutes(s *Server, rt *Router) {
	rt.User("POST /v1/checkout", userPayments(s, (*payments).checkout))
	rt.Public("GET /v1/checkout/{orderId}", withPayments(s, (*payments).orderInfo))
	rt.Public("POST /v1/payments/confirm", withPayments(s, (*payments).confirm))
	rt.Public("POST /v1/billing/issue", withPayments(s, (*payments).issueBilling))
	rt.User("POST /v1/subscription/cancel", userPayments(s, (*payments).cancelRenewal))
	rt.User("POST /v1/subscription/resume", userPayments(s, (*payments).resumeRenewal))
	rt.User("POST /v1/subscription/change", userPayments(s, (*payments).changePlan))
	// Scheduler only: OIDC from Cloud Scheduler or the shared secret (renewals_auth.go).
	rt.Public("POST /v1/renewals/run", withPayments(s, func(p *payments, w http.ResponseWriter, r *http.Request) error {
		if err := p.checkRenewalCaller(r); err != nil {
			return err
		}
		return p.runRenewals(w, r)
	}))
	rt.Public("POST /v1/webhooks/toss", withPayments(s, (*payments).webhook))
}

func userPayments(s *Server, h func(p *payments, w http.ResponseWriter, r *http.Request, c Caller) error) userHandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c Caller) error {
		return withPayments(s, func(p *payments, w http.ResponseWriter, r *http.Request) error { return h(p, w, r, c) })(w, r)
	}
}

func (p *payments) subscriptionResponse(sub *store.SubscriptionDoc, pending string) wire.SubscriptionResponse {
	eff := store.EffectiveAt(sub, p.now())
	r := wire.SubscriptionResponse{Plan: eff.Plan, Status: eff.Status, AutoRenew: eff.AutoRenew, CancelAtPeriodEnd: eff.CancelAt, PendingPlan: pending}
	if sub != nil {
		start, end := sub.CurrentPeriodStart, sub.CurrentPeriodEnd
		r.CurrentPeriodStart, r.CurrentPeriodEnd = &start, &end
	}
	return r
}

// checkout creates an order for a plan. The amount comes from plans/{id}
// (or the prorated difference for an upgrade), never from the client.
func (p *payments) checkout(w http.ResponseWriter, r *http.Request, c Caller) error {
	var req wire.CheckoutRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.Mode != modeOnce && req.Mode != modeSubscription {
		return invalid("mode must be %q or %q.", modeOnce, modeSubscription)
	}
	ctx := r.Context()
	plan, err := p.paidPlan(ctx, req.Plan)
	if err != nil {
		return err
	}
	customerKey, bill, err := p.ensureCustomer(ctx, c.UID)
	if err != nil {
		return err
	}
	sub, err := p.s.store.Subscription(ctx, c.UID)
	if err != nil {
		return err
	}
	now := p.now()
	eff := store.EffectiveAt(sub, now)
	kind, amount := kindNew, int64(plan.PriceKRW)
	orderName := fmt.Sprintf("ImageConverter %s 1개월", plan.Name)
	switch {
	case eff.Plan == wire.PlanFree:
	case eff.Plan == plan.ID:
		// During dunning (past_due) a subscription checkout registers a new
		// card and pays the month now: that is how a user fixes a failing card.
		if req.Mode == modeSubscription && sub.AutoRenew && bill.BillingKey != "" && sub.Status != wire.StatusPastDue {
			return errorf(wire.CodeConflict, "Automatic renewal of %s is already on.", plan.Name)
		}
	default:
		from, err := p.s.store.Plan(ctx, eff.Plan)
		if err != nil {
			return err
		}
		if from.PriceKRW >= plan.PriceKRW {
			return errorf(wire.CodeConflict, "You have %s until %s. To move to %s, turn off automatic renewal (or change the plan in the app) and it starts when the current period ends.",
				from.Name, sub.CurrentPeriodEnd.In(p.loc).Format(time.DateOnly), plan.Name)
		}
		// Upgrade now for the prorated difference; the period end stays.
		kind = kindUpgrade
		amount = int64(prorate(from.PriceKRW, plan.PriceKRW, sub.CurrentPeriodStart, sub.CurrentPeriodEnd, now))
		orderName = fmt.Sprintf("ImageConverter %s 업그레이드", plan.Name)
		req.Mode = modeOnce // the difference is paid once; renewals then charge the new plan
	}
	id := newID("ic_")
	o := orderDoc{UID: c.UID, Plan: plan.ID, Mode: req.Mode, Kind: kind, Amount: amount, OrderName: orderName,
		CustomerKey: customerKey, Status: orderCreated, CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(orderTTL)}
	if kind == kindUpgrade {
		// The price holds only for this plan and period: confirm refuses
		// the order once either has changed (upgradeStillValid).
		end := sub.CurrentPeriodEnd
		o.UpgradeFrom, o.PricedPeriodEnd = eff.Plan, &end
	}
	if _, err := p.orders().Doc(id).Create(ctx, o); err != nil {
		return fmt.Errorf("firestore create order: %w", err)
	}
	writeJSON(w, http.StatusOK, p.checkoutResponse(id, &o, plan.Name))
	return nil
}

func (p *payments) checkoutResponse(id string, o *orderDoc, planName string) wire.CheckoutResponse {
	return wire.CheckoutResponse{OrderID: id, Plan: o.Plan, PlanName: planName, Mode: o.Mode, Kind: o.Kind, Amount: o.Amount,
		OrderName: o.OrderName, CustomerKey: o.CustomerKey, Status: o.Status, FailureCode: o.FailureCode, ExpiresAt: o.ExpiresAt,
		CheckoutURL: p.webBase + "/checkout.html?orderId=" + url.QueryEscape(id), ClientKey: p.clientKey, SDKURL: p.sdkURL}
}

// paidPlan returns the plan with id, refusing unknown and free plans.
func (p *payments) paidPlan(ctx context.Context, id string) (wire.Plan, error) {
	plans, err := p.s.store.Plans(ctx)
	if err != nil {
		return wire.Plan{}, err
	}
	for _, pl := range plans {
		if pl.ID == id && pl.PriceKRW > 0 {
			return pl, nil
		}
	}
	return wire.Plan{}, invalid("Unknown plan %q: choose a paid plan (basic or pro).", id)
}

// ensureCustomer returns the user's Toss customerKey, creating billing/{uid}
// on first use. Toss wants a customerKey nobody can guess (not an email or
// user id), so it is random.
func (p *payments) ensureCustomer(ctx context.Context, uid string) (string, billingDoc, error) {
	var bill billingDoc
	err := p.s.fs.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
		found, err := getDoc(tx, p.billingRef(uid), &bill)
		if err != nil || found {
			return err
		}
		now := p.now()
		bill = billingDoc{CustomerKey: newID("cus_"), CreatedAt: now, UpdatedAt: now}
		return tx.Create(p.billingRef(uid), bill)
	}, txOpts...)
	if err != nil {
		return "", bill, fmt.Errorf("billing customer of %s: %w", uid, err)
	}
	return bill.CustomerKey, bill, nil
}

// orderInfo is GET /v1/checkout/{orderId}: what the checkout page shows and
// needs to open the Toss window. No personal data.
func (p *payments) orderInfo(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("orderId")
	if !validID(id) {
		return invalid("The order id is not valid.")
	}
	o, err := p.getOrder(r.Context(), nil, id)
	if err != nil {
		return err
	}
	if o.Kind == kindRenewal {
		return &Error{Code: wire.CodeNotFound, Message: "This order does not exist."}
	}
	if o.Kind == kindUpgrade && o.Status != orderPaid {
		// Do not open the payment window for a price that no longer applies
		// (confirm would refuse it anyway).
		if err := p.checkUpgradeValid(r.Context(), o); err != nil {
			return err
		}
	}
	plan, err := p.s.store.Plan(r.Context(), o.Plan)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p.checkoutResponse(id, o, plan.Name))
	return nil
}

// orderCaller checks an optional ID token against the order's user.
func (p *payments) orderCaller(r *http.Request, o *orderDoc) error {
	if r.Header.Get("Authorization") == "" {
		return nil
	}
	c, err := p.s.authenticate(r)
	if err != nil {
		return err
	}
	if c.UID != o.UID {
		return errorf(wire.CodePermissionDenied, "This order belongs to another account.")
	}
	return nil
}
