// Package payments is the payment routes of the `api` function: checkout,
// one-time payments and billing keys through Toss Payments, plan changes, the
// renewal run and Toss's webhooks. Its documents (orders, payments, billing,
// webhookEvents, mail) are described in internal/store; the flows and rules
// in docs/payments.md.
package payments

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log"
	"time"

	"cloud.google.com/go/firestore"
	"firebase.google.com/go/v4/auth"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"imageconverter/functions/internal/claims"
	"imageconverter/functions/internal/config"
	"imageconverter/functions/internal/httpx"
	"imageconverter/functions/internal/store"
	"imageconverter/functions/toss"
	"imageconverter/functions/wire"
)

// The two Toss MIDs (store.OrderDoc.Merchant): one-time payments in the
// payment window, and automatic payments (자동결제) with billing keys.
const (
	merchantOnce    = "once"
	merchantBilling = "billing"
)

// Order kinds.
const (
	kindNew     = wire.OrderKindNew     // a month of a plan (first, or bought while the same plan runs: extends it)
	kindUpgrade = wire.OrderKindUpgrade // Basic → Pro for the rest of the current period, prorated
	kindRenewal = wire.OrderKindRenewal // automatic monthly charge of the billing key
)

// Checkout modes (POST /v1/checkout).
const (
	modeOnce         = wire.CheckoutModeOnce
	modeSubscription = wire.CheckoutModeSubscription
)

// orderTTL bounds how long a checkout order can be paid; chargeLease is how
// long a renewal run owns a charge before another run may take it over.
const (
	orderTTL    = 24 * time.Hour
	chargeLease = 2 * time.Minute
)

// Service is the payment routes: their settings, clients and the Toss clients.
type Service struct {
	cfg   *config.Config
	fs    *firestore.Client
	auth  *auth.Client // nil: plan claims are not mirrored
	store *store.Store
	clock func() time.Time
	// once and billing call Toss with the keys of the one-time MID and of the
	// automatic-payments MID; each payment is made and looked up with its own.
	once, billing *toss.Client
	sdkURL        string
	webBase       string // where the checkout pages are served (config WebBaseURL)
	loc           *time.Location
}

// Deps is what New needs from the server that hosts the routes.
type Deps struct {
	Config    *config.Config
	Firestore *firestore.Client
	Auth      *auth.Client
	Store     *store.Store
	// Now is the clock (tests inject one); nil is time.Now.
	Now func() time.Time
}

// New builds the payment routes' state from the configuration.
func New(d Deps) (*Service, error) {
	cfg := d.Config
	once, err := toss.New(cfg.TossAPIBase, cfg.TossSecretKey)
	if err != nil {
		return nil, fmt.Errorf("payments: one-time MID: %w", err)
	}
	billing, err := toss.New(cfg.TossAPIBase, cfg.TossBillingSecretKey)
	if err != nil {
		return nil, fmt.Errorf("payments: automatic-payments MID (TOSS_BILLING_SECRET_KEY): %w", err)
	}
	p := &Service{cfg: cfg, fs: d.Firestore, auth: d.Auth, store: d.Store, clock: d.Now, once: once, billing: billing,
		loc: cfg.QuotaLocation, sdkURL: cfg.TossSDKURL, webBase: cfg.WebBaseURL}
	if p.clock == nil {
		p.clock = time.Now
	}
	if p.loc == nil {
		p.loc = time.UTC
	}
	return p, nil
}

// merchantOf is the MID order o is paid on.
func merchantOf(o *store.OrderDoc) string {
	switch {
	case o.Merchant != "":
		return o.Merchant
	case o.Mode == modeSubscription || o.Kind == kindRenewal:
		return merchantBilling
	}
	return merchantOnce
}

// tossFor is the Toss client of a MID.
func (p *Service) tossFor(merchant string) *toss.Client {
	if merchant == merchantBilling {
		return p.billing
	}
	return p.once
}

// clientKeyFor is the client key the checkout page opens merchant's window with.
func (p *Service) clientKeyFor(merchant string) string {
	if merchant == merchantBilling {
		return p.cfg.TossBillingClientKey
	}
	return p.cfg.TossClientKey
}

func (p *Service) now() time.Time { return p.clock() }

func (p *Service) orders() *firestore.CollectionRef { return p.fs.Collection(store.ColOrders) }
func (p *Service) billingRef(uid string) *firestore.DocumentRef {
	return p.fs.Collection(store.ColBilling).Doc(uid)
}

// newID returns prefix + 32 hex digits (128 random bits). Toss order ids
// allow 6–64 characters of [A-Za-z0-9_-].
func newID(prefix string) string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // never happens on supported systems
	}
	return prefix + hex.EncodeToString(b)
}

func isAlreadyExists(err error) bool { return status.Code(err) == codes.AlreadyExists }
func isNotFoundErr(err error) bool   { return status.Code(err) == codes.NotFound }

// getOrder reads orders/{id} inside tx (tx may be nil).
func (p *Service) getOrder(ctx context.Context, tx *firestore.Transaction, id string) (*store.OrderDoc, error) {
	ref := p.orders().Doc(id)
	var snap *firestore.DocumentSnapshot
	var err error
	if tx != nil {
		snap, err = tx.Get(ref)
	} else {
		snap, err = ref.Get(ctx)
	}
	if isNotFoundErr(err) {
		return nil, &httpx.Error{Code: wire.CodeNotFound, Message: "This order does not exist. Please start the purchase again from the app."}
	}
	if err != nil {
		return nil, fmt.Errorf("firestore get order %s: %w", id, err)
	}
	var o store.OrderDoc
	if err := snap.DataTo(&o); err != nil {
		return nil, fmt.Errorf("firestore order %s: %w", id, err)
	}
	return &o, nil
}

// getDoc reads ref inside tx into v; found is false when it does not exist.
func getDoc(tx *firestore.Transaction, ref *firestore.DocumentRef, v any) (found bool, err error) {
	snap, err := tx.Get(ref)
	if isNotFoundErr(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("firestore get %s: %w", ref.Path, err)
	}
	if err := snap.DataTo(v); err != nil {
		return false, fmt.Errorf("firestore decode %s: %w", ref.Path, err)
	}
	return true, nil
}

// recipient is who notices go to: users/{uid} (email, locale), falling back
// to the Auth user record for the email.
type recipient struct{ email, locale string }

func (p *Service) recipient(ctx context.Context, tx *firestore.Transaction, uid string) (recipient, error) {
	var u store.UserDoc
	if _, err := getDoc(tx, p.fs.Collection(store.ColUsers).Doc(uid), &u); err != nil {
		return recipient{}, err
	}
	r := recipient{email: u.Email, locale: u.Locale}
	if r.email == "" && p.auth != nil {
		if rec, err := p.auth.GetUser(ctx, uid); err == nil {
			r.email = rec.Email
		}
	}
	return r, nil
}

// queueMail creates mail/{id} in tx (a no-op for users without an email).
// n.PlanName is a plan id; the mail shows the plan's name.
func (p *Service) queueMail(ctx context.Context, tx *firestore.Transaction, id, uid string, to recipient, n notice) error {
	if to.email == "" {
		return nil
	}
	if plan, err := p.store.Plan(ctx, n.PlanName); err == nil && plan.ID == n.PlanName && plan.Name != "" {
		n.PlanName = plan.Name
	}
	return tx.Create(p.fs.Collection(store.ColMail).Doc(id), n.render(to.email, to.locale, uid, p.loc, p.now()))
}

// paymentRecord converts a Toss payment for payments/{paymentKey}.
func (p *Service) paymentRecord(uid string, o *store.OrderDoc, orderID string, tp *toss.Payment) store.PaymentDoc {
	d := store.PaymentDoc{UID: uid, Merchant: merchantOf(o), MID: tp.MID, OrderID: orderID, Kind: o.Kind, Plan: o.Plan, Amount: tp.TotalAmount,
		BalanceAmount: tp.BalanceAmount, Status: tp.Status, Method: tp.Method, Type: tp.Type,
		ApprovedAt: tp.ApprovedAt.Time, UpdatedAt: p.now()}
	if tp.Card != nil {
		d.CardNumber = tp.Card.Number
	}
	if tp.Receipt != nil {
		d.ReceiptURL = tp.Receipt.URL
	}
	return d
}

// charge charges a billing key (automatic-payments MID) for Toss order
// req.OrderID; the order id names the Idempotency-Key. If Toss says the order
// id was already approved (a replay after its idempotency record expired),
// the approved payment is looked up instead of charging again.
func (p *Service) charge(ctx context.Context, billingKey string, req toss.BillingChargeRequest) (*toss.Payment, error) {
	tp, err := p.billing.ChargeBilling(ctx, billingKey, req, "charge-"+req.OrderID)
	if toss.HasCode(err, toss.CodeDuplicatedOrderID) {
		found, lerr := p.billing.GetPaymentByOrderID(ctx, req.OrderID)
		if !toss.HasCode(lerr, toss.CodeNotFoundPayment) {
			return found, lerr
		}
		// Used, but by no payment we can see: keep Toss's answer (a person looks).
	}
	return tp, err
}

// verifyPaid checks that Toss's payment is the approved payment of the order.
func verifyPaid(o *store.OrderDoc, orderID string, tp *toss.Payment) error {
	if tp.OrderID != orderID || tp.Status != toss.StatusDone {
		return &httpx.Error{Code: wire.CodeInvalidArgument, Message: "This payment does not belong to the order, or it is not completed.",
			Cause: fmt.Errorf("toss payment %s is %s for order %s, want DONE for %s", tp.PaymentKey, tp.Status, tp.OrderID, orderID)}
	}
	if tp.TotalAmount != o.Amount {
		return &httpx.Error{Code: wire.CodeAmountMismatch, Message: "The amount paid does not match the order.",
			Cause: fmt.Errorf("toss amount %d, order %d", tp.TotalAmount, o.Amount)}
	}
	return nil
}

// applyPaid turns a paid order into a subscription period, once: the order's
// status is the guard, read and written in the same transaction as the
// subscription, the payment record, the billing schedule and the notice. It
// returns the subscription as it is afterwards and whether this call applied it.
//
// extraBill are more billing/{uid} updates that belong to this payment (the
// billing key of a new card, stored only once its first charge went through);
// they are written even when another call applied the order first.
func (p *Service) applyPaid(ctx context.Context, orderID string, tp *toss.Payment, extraBill ...firestore.Update) (*store.SubscriptionDoc, bool, error) {
	var out store.SubscriptionDoc
	applied := false
	err := p.fs.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
		applied = false
		o, err := p.getOrder(ctx, tx, orderID)
		if err != nil {
			return err
		}
		subRef := p.store.SubscriptionRef(o.UID)
		var cur store.SubscriptionDoc
		hasSub, err := getDoc(tx, subRef, &cur)
		if err != nil {
			return err
		}
		var bill store.BillingDoc
		if _, err := getDoc(tx, p.billingRef(o.UID), &bill); err != nil {
			return err
		}
		to, err := p.recipient(ctx, tx, o.UID)
		if err != nil {
			return err
		}
		if o.Status == store.OrderPaid {
			out = cur
			if len(extraBill) > 0 && o.PaymentKey == tp.PaymentKey {
				return tx.Update(p.billingRef(o.UID), extraBill)
			}
			return nil
		}
		if err := verifyPaid(o, orderID, tp); err != nil {
			return err
		}
		now := p.now()
		if o.Kind == kindUpgrade && !upgradeStillValid(o, hasSub, cur, now) {
			// The money arrived after the subscription moved on (the period
			// ended or renewed since the price was computed): the upgrade
			// was priced for a period that is gone, so it changes nothing.
			// confirm refuses this before charging; this catches the rest
			// (a webhook, a race with a renewal). Support refunds it.
			log.Printf("payments: upgrade order %s paid (%s) after its price expired; not applied, refund it", orderID, tp.PaymentKey)
			out = cur
			if err := tx.Update(p.orders().Doc(orderID), []firestore.Update{
				{Path: "status", Value: store.OrderPaid}, {Path: "paymentKey", Value: tp.PaymentKey},
				{Path: "unapplied", Value: true}, {Path: "updatedAt", Value: now},
			}); err != nil {
				return err
			}
			return tx.Set(p.fs.Collection(store.ColPayments).Doc(tp.PaymentKey), p.paymentRecord(o.UID, o, orderID, tp))
		}
		sub, anchor := p.nextPeriod(o, hasSub, cur, bill, now)
		sub.LastPaymentID, sub.UpdatedAt = tp.PaymentKey, now

		billUpd := []firestore.Update{
			{Path: "anchorDay", Value: anchor},
			{Path: "failedAttempts", Value: 0},
			{Path: "firstFailureAt", Value: firestore.Delete},
			{Path: "lastFailureCode", Value: firestore.Delete},
			{Path: "operatorAlert", Value: firestore.Delete},
			{Path: "updatedAt", Value: now},
		}
		if sub.AutoRenew {
			billUpd = append(billUpd, firestore.Update{Path: "nextChargeAt", Value: sub.CurrentPeriodEnd.Add(-renewLead)})
		} else {
			billUpd = append(billUpd, firestore.Update{Path: "nextChargeAt", Value: firestore.Delete})
		}
		if o.Kind == kindRenewal {
			billUpd = append(billUpd, firestore.Update{Path: "pendingPlan", Value: firestore.Delete})
		}
		billUpd = append(billUpd, extraBill...)
		start, end := sub.CurrentPeriodStart, sub.CurrentPeriodEnd
		if err := p.store.SetSubscriptionTx(tx, o.UID, sub); err != nil {
			return err
		}
		if err := tx.Update(p.orders().Doc(orderID), []firestore.Update{
			{Path: "status", Value: store.OrderPaid}, {Path: "paymentKey", Value: tp.PaymentKey},
			{Path: "periodStart", Value: start}, {Path: "periodEnd", Value: end}, {Path: "updatedAt", Value: now},
		}); err != nil {
			return err
		}
		if err := tx.Set(p.fs.Collection(store.ColPayments).Doc(tp.PaymentKey), p.paymentRecord(o.UID, o, orderID, tp)); err != nil {
			return err
		}
		if err := tx.Update(p.billingRef(o.UID), billUpd); err != nil {
			return err
		}
		kind := mailReceipt
		if o.Kind == kindRenewal {
			kind = mailRenewalSuccess
		}
		if err := p.queueMail(ctx, tx, "receipt-"+tp.PaymentKey, o.UID, to, notice{Kind: kind, PlanName: sub.Plan, Amount: tp.TotalAmount, PeriodEnd: end}); err != nil {
			return err
		}
		out, applied = sub, true
		return nil
	}, txOpts...)
	if err != nil {
		return nil, false, err
	}
	return &out, applied, nil
}

// upgradeStillValid reports whether upgrade order o may still be applied: the
// subscription is still on the plan it was priced from, that plan still runs,
// and the period it was priced against has not ended or been extended. (An
// order without the priced values predates them and is refused.)
func upgradeStillValid(o *store.OrderDoc, hasSub bool, cur store.SubscriptionDoc, now time.Time) bool {
	if !hasSub || o.UpgradeFrom == "" || o.PricedPeriodEnd == nil {
		return false
	}
	return cur.Plan == o.UpgradeFrom && store.EffectiveAt(&cur, now).Plan == o.UpgradeFrom &&
		cur.CurrentPeriodEnd.Equal(*o.PricedPeriodEnd)
}

// nextPeriod is the subscription after order o is paid at now (see
// docs/payments.md, "Periods"): a renewal extends from the period it renews,
// or from the current end if that is later (a month bought meanwhile is
// kept); a month of the plan that is running extends from the current end;
// an upgrade (checked by upgradeStillValid) changes the plan for the current
// period and is never a new month; anything else starts now.
func (p *Service) nextPeriod(o *store.OrderDoc, hasSub bool, cur store.SubscriptionDoc, bill store.BillingDoc, now time.Time) (store.SubscriptionDoc, int) {
	eff := store.EffectiveAt(nil, now)
	if hasSub {
		eff = store.EffectiveAt(&cur, now)
	}
	if o.Kind == kindUpgrade {
		sub := cur
		sub.Plan = o.Plan
		if sub.Status == wire.StatusPastDue {
			sub.Status = wire.StatusActive
		}
		anchor := bill.AnchorDay
		if anchor == 0 {
			anchor = anchorOf(cur.CurrentPeriodStart, p.loc)
		}
		return sub, anchor
	}
	base, anchor := now, anchorOf(now, p.loc)
	autoRenew := o.Mode == modeSubscription
	switch {
	case o.Kind == kindRenewal && o.RenewsPeriodEnd != nil:
		base = *o.RenewsPeriodEnd
		if hasSub && cur.CurrentPeriodEnd.After(base) {
			// The period was extended while this charge was pending (a new
			// card paid a month during dunning, then this renewal arrived
			// late by webhook or retry): add after it, never overwrite it.
			base = cur.CurrentPeriodEnd
		}
		// The user may have turned auto-renew off while the charge was in
		// flight: the paid month applies, nothing after it.
		autoRenew = !hasSub || cur.AutoRenew
		if bill.AnchorDay > 0 {
			anchor = bill.AnchorDay
		} else {
			anchor = anchorOf(base, p.loc)
		}
	case hasSub && eff.Plan == o.Plan && now.Before(cur.CurrentPeriodEnd):
		// Another month of the plan that runs: no lost or double days.
		base = cur.CurrentPeriodEnd
		if bill.AnchorDay > 0 {
			anchor = bill.AnchorDay
		} else {
			anchor = anchorOf(base, p.loc)
		}
		autoRenew = autoRenew || (cur.AutoRenew && bill.BillingKey != "")
	}
	sub := store.SubscriptionDoc{
		Plan: o.Plan, Status: wire.StatusActive, AutoRenew: autoRenew,
		CurrentPeriodStart: base, CurrentPeriodEnd: addMonth(base, anchor, p.loc),
	}
	if o.Kind == kindRenewal && !autoRenew {
		sub.Status, sub.CancelAtPeriodEnd = wire.StatusCanceled, true
	}
	return sub, anchor
}

// afterChange mirrors the plan into the custom claim after a committed change;
// a failure is logged, not returned: the subscription document is the truth
// and GET /v1/entitlement reads it.
func (p *Service) afterChange(ctx context.Context, uid string, sub *store.SubscriptionDoc) {
	if p.auth == nil {
		return
	}
	plan := store.EffectiveAt(sub, p.now()).Plan
	if err := claims.MirrorPlan(ctx, p.auth, uid, plan); err != nil {
		log.Printf("payments: mirror plan claim of %s: %v", uid, err)
	}
}
