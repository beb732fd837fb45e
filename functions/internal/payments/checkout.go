package payments

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"cloud.google.com/go/firestore"

	"imageconverter/functions/internal/httpx"
	"imageconverter/functions/internal/store"
	"imageconverter/functions/wire"
)

// Register adds the payment routes to rt.
//
// The checkout pages run in the user's browser, which has no Firebase ID
// token (the desktop app opens them). So the routes they call — order
// lookup, confirm, billing issue — are public and authorised by the order id,
// a 128-bit random value only the buyer's app and browser know; if an ID
// token is sent anyway it must belong to the order's user. The effect of such
// a call is only ever to activate what the order's own user paid for at Toss.
func (p *Service) Register(rt *httpx.Router) {
	rt.User("POST /v1/checkout", p.checkout)
	rt.Public("GET /v1/checkout/{orderId}", p.orderInfo)
	rt.Public("POST /v1/payments/confirm", p.confirm)
	rt.Public("POST /v1/billing/issue", p.issueBilling)
	rt.User("POST /v1/subscription/cancel", p.cancelRenewal)
	rt.User("POST /v1/subscription/resume", p.resumeRenewal)
	rt.User("POST /v1/subscription/change", p.changePlan)
	// Scheduler only: OIDC from Cloud Scheduler or the shared secret (renewals_auth.go).
	rt.Public("POST /v1/renewals/run", p.runRenewals)
	rt.Public("POST /v1/webhooks/toss", p.webhook)
}

func (p *Service) subscriptionResponse(sub *store.SubscriptionDoc, pending string) wire.SubscriptionResponse {
	eff := store.EffectiveAt(sub, p.now())
	r := wire.SubscriptionResponse{Plan: eff.Plan, Status: eff.Status, AutoRenew: eff.AutoRenew, CancelAtPeriodEnd: eff.CancelAt, PendingPlan: pending,
		RenewalIssue: eff.RenewalIssue}
	if sub != nil {
		start, end := sub.CurrentPeriodStart, sub.CurrentPeriodEnd
		r.CurrentPeriodStart, r.CurrentPeriodEnd = &start, &end
	}
	return r
}

// checkout creates an order for a plan. The amount comes from plans/{id}
// (or the prorated difference for an upgrade), never from the client.
func (p *Service) checkout(w http.ResponseWriter, r *http.Request, c httpx.Caller) error {
	var req wire.CheckoutRequest
	if err := httpx.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.Mode != modeOnce && req.Mode != modeSubscription {
		return httpx.Invalid("mode must be %q or %q.", modeOnce, modeSubscription)
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
	sub, err := p.store.Subscription(ctx, c.UID)
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
			return httpx.Errorf(wire.CodeConflict, "Automatic renewal of %s is already on.", plan.Name)
		}
	default:
		from, err := p.store.Plan(ctx, eff.Plan)
		if err != nil {
			return err
		}
		if from.PriceKRW >= plan.PriceKRW {
			return httpx.Errorf(wire.CodeConflict, "You have %s until %s. To move to %s, turn off automatic renewal (or change the plan in the app) and it starts when the current period ends.",
				from.Name, sub.CurrentPeriodEnd.In(p.loc).Format(time.DateOnly), plan.Name)
		}
		// Upgrade now for the prorated difference; the period end stays.
		kind = kindUpgrade
		amount = int64(prorate(from.PriceKRW, plan.PriceKRW, sub.CurrentPeriodStart, sub.CurrentPeriodEnd, now))
		orderName = fmt.Sprintf("ImageConverter %s 업그레이드", plan.Name)
		req.Mode = modeOnce // the difference is paid once; renewals then charge the new plan
	}
	id := newID("ic_")
	// A subscription registers its card on the automatic-payments MID (the
	// billing key belongs to it); everything else is a one-time payment.
	merchant := merchantOnce
	if req.Mode == modeSubscription {
		merchant = merchantBilling
	}
	o := store.OrderDoc{UID: c.UID, Plan: plan.ID, Mode: req.Mode, Kind: kind, Amount: amount, OrderName: orderName,
		CustomerKey: customerKey, Merchant: merchant, Status: store.OrderCreated, CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(orderTTL)}
	if kind == kindUpgrade {
		// The price holds only for this plan and period: confirm refuses
		// the order once either has changed (upgradeStillValid).
		end := sub.CurrentPeriodEnd
		o.UpgradeFrom, o.PricedPeriodEnd = eff.Plan, &end
	}
	if _, err := p.orders().Doc(id).Create(ctx, o); err != nil {
		return fmt.Errorf("firestore create order: %w", err)
	}
	httpx.WriteJSON(w, http.StatusOK, p.checkoutResponse(id, &o, plan.Name))
	return nil
}

func (p *Service) checkoutResponse(id string, o *store.OrderDoc, planName string) wire.CheckoutResponse {
	return wire.CheckoutResponse{OrderID: id, Plan: o.Plan, PlanName: planName, Mode: o.Mode, Kind: o.Kind, Amount: o.Amount,
		OrderName: o.OrderName, CustomerKey: o.CustomerKey, Status: o.Status, FailureCode: o.FailureCode, ExpiresAt: o.ExpiresAt,
		CheckoutURL: p.webBase + "/checkout.html?orderId=" + url.QueryEscape(id), ClientKey: p.clientKeyFor(merchantOf(o)), SDKURL: p.sdkURL}
}

// paidPlan returns the plan with id, refusing unknown and free plans.
func (p *Service) paidPlan(ctx context.Context, id string) (wire.Plan, error) {
	plans, err := p.store.Plans(ctx)
	if err != nil {
		return wire.Plan{}, err
	}
	for _, pl := range plans {
		if pl.ID == id && pl.PriceKRW > 0 {
			return pl, nil
		}
	}
	return wire.Plan{}, httpx.Invalid("Unknown plan %q: choose a paid plan (basic or pro).", id)
}

// ensureCustomer returns the user's Toss customerKey, creating billing/{uid}
// on first use. Toss wants a customerKey nobody can guess (not an email or
// user id), so it is random.
func (p *Service) ensureCustomer(ctx context.Context, uid string) (string, store.BillingDoc, error) {
	var bill store.BillingDoc
	err := p.fs.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
		found, err := getDoc(tx, p.billingRef(uid), &bill)
		if err != nil || found {
			return err
		}
		now := p.now()
		bill = store.BillingDoc{CustomerKey: newID("cus_"), CreatedAt: now, UpdatedAt: now}
		return tx.Create(p.billingRef(uid), bill)
	}, txOpts...)
	if err != nil {
		return "", bill, fmt.Errorf("billing customer of %s: %w", uid, err)
	}
	return bill.CustomerKey, bill, nil
}

// orderInfo is GET /v1/checkout/{orderId}: what the checkout page shows and
// needs to open the Toss window. No personal data.
func (p *Service) orderInfo(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("orderId")
	if !httpx.ValidID(id) {
		return httpx.Invalid("The order id is not valid.")
	}
	o, err := p.getOrder(r.Context(), nil, id)
	if err != nil {
		return err
	}
	if o.Kind == kindRenewal {
		return &httpx.Error{Code: wire.CodeNotFound, Message: "This order does not exist."}
	}
	if o.Kind == kindUpgrade && o.Status != store.OrderPaid {
		// Do not open the payment window for a price that no longer applies
		// (confirm would refuse it anyway).
		if err := p.checkUpgradeValid(r.Context(), o); err != nil {
			return err
		}
	}
	plan, err := p.store.Plan(r.Context(), o.Plan)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, p.checkoutResponse(id, o, plan.Name))
	return nil
}

// orderCaller checks an optional ID token against the order's user.
func (p *Service) orderCaller(r *http.Request, o *store.OrderDoc) error {
	if r.Header.Get("Authorization") == "" {
		return nil
	}
	c, err := httpx.Authenticate(r, p.auth)
	if err != nil {
		return err
	}
	if c.UID != o.UID {
		return httpx.Errorf(wire.CodePermissionDenied, "This order belongs to another account.")
	}
	return nil
}
