package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log"
	"net/http"
	"sync"
	"time"

	"cloud.google.com/go/firestore"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"imageconverter/functions/internal/store"
	"imageconverter/functions/toss"
	"imageconverter/functions/wire"
)

// This file holds what the payment routes share: the Toss client, the
// Firestore documents of SPEC §7 that only the payment code writes (orders,
// payments, billing), and the one transaction that turns a paid order into a
// subscription period. See docs/payments.md for the flows and the rules.

// Local-stack defaults; they equal faketoss.DefaultSecretKey/DefaultClientKey
// (a test checks it) so the stack works with no settings.
const (
	localTossSecretKey = "test_sk_fake_imageconverter"
	localTossClientKey = "test_ck_fake_imageconverter"
)

// Order statuses.
const (
	orderCreated  = "created"  // waiting for the customer in the payment window
	orderCharging = "charging" // a renewal charge is in flight (lease: chargeLease)
	orderPaid     = "paid"
	orderFailed   = "failed" // last attempt declined; a checkout order may be tried again
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

// orderDoc is orders/{orderId}. The order id is a 128-bit random value: it
// is also what lets the checkout pages (which have no ID token) act on it.
type orderDoc struct {
	UID         string     `firestore:"uid"`
	Plan        string     `firestore:"plan"`
	Mode        string     `firestore:"mode"`
	Kind        string     `firestore:"kind"`
	Amount      int64      `firestore:"amount"`
	OrderName   string     `firestore:"orderName"`
	CustomerKey string     `firestore:"customerKey"`
	Status      string     `firestore:"status"`
	Attempts    int        `firestore:"attempts"` // declined attempts so far (part of the Idempotency-Key)
	FailureCode string     `firestore:"failureCode,omitempty"`
	PaymentKey  string     `firestore:"paymentKey,omitempty"`
	PeriodStart *time.Time `firestore:"periodStart,omitempty"` // set when paid
	PeriodEnd   *time.Time `firestore:"periodEnd,omitempty"`
	// RenewsPeriodEnd is, for a renewal, the end of the period it extends.
	RenewsPeriodEnd *time.Time `firestore:"renewsPeriodEnd,omitempty"`
	// UpgradeFrom and PricedPeriodEnd are, for an upgrade, the plan and the
	// period end its prorated price was computed against: the upgrade is
	// valid only while the subscription still has both (upgradeStillValid).
	UpgradeFrom     string     `firestore:"upgradeFrom,omitempty"`
	PricedPeriodEnd *time.Time `firestore:"pricedPeriodEnd,omitempty"`
	// Unapplied marks a paid order that changed nothing (an upgrade whose
	// price no longer applied when the money arrived): support refunds it.
	Unapplied bool      `firestore:"unapplied,omitempty"`
	CreatedAt time.Time `firestore:"createdAt"`
	UpdatedAt time.Time `firestore:"updatedAt"`
	ExpiresAt time.Time `firestore:"expiresAt"`
}

// paymentDoc is payments/{paymentKey}: our copy of what Toss said.
type paymentDoc struct {
	UID           string     `firestore:"uid"`
	OrderID       string     `firestore:"orderId"`
	Kind          string     `firestore:"kind"`
	Plan          string     `firestore:"plan"`
	Amount        int64      `firestore:"amount"`
	BalanceAmount int64      `firestore:"balanceAmount"`
	Status        string     `firestore:"status"` // Toss status: DONE, CANCELED, PARTIAL_CANCELED
	Method        string     `firestore:"method"`
	Type          string     `firestore:"type"` // NORMAL or BILLING
	CardNumber    string     `firestore:"cardNumber,omitempty"`
	ReceiptURL    string     `firestore:"receiptUrl,omitempty"`
	ApprovedAt    time.Time  `firestore:"approvedAt"`
	CanceledAt    *time.Time `firestore:"canceledAt,omitempty"`
	// Reclaimed is set once a refund of this payment has taken back the
	// period it paid for (a second partial refund takes nothing more).
	Reclaimed bool      `firestore:"reclaimed,omitempty"`
	UpdatedAt time.Time `firestore:"updatedAt"`
}

// billingDoc is billing/{uid}: server only (firestore.rules deny clients).
// It exists from the first checkout (for the customerKey) and also keeps the
// renewal schedule, so the renewal run needs one single-field query.
type billingDoc struct {
	CustomerKey string `firestore:"customerKey"`
	BillingKey  string `firestore:"billingKey,omitempty"`
	CardCompany string `firestore:"cardCompany,omitempty"`
	CardNumber  string `firestore:"cardNumber,omitempty"` // masked by Toss
	AnchorDay   int    `firestore:"anchorDay,omitempty"`  // day of month periods end on (see addMonth)
	// PendingPlan is a downgrade waiting for the next renewal.
	PendingPlan string `firestore:"pendingPlan,omitempty"`
	// NextChargeAt is when the renewal run should next charge (nil: nothing to charge).
	NextChargeAt    *time.Time `firestore:"nextChargeAt,omitempty"`
	FailedAttempts  int        `firestore:"failedAttempts"`
	FirstFailureAt  *time.Time `firestore:"firstFailureAt,omitempty"`
	LastFailureCode string     `firestore:"lastFailureCode,omitempty"`
	CreatedAt       time.Time  `firestore:"createdAt"`
	UpdatedAt       time.Time  `firestore:"updatedAt"`
}

// payments is the state of the payment routes, built once per Server.
type payments struct {
	s         *Server
	toss      *toss.Client
	clientKey string
	sdkURL    string
	webBase   string // where the checkout pages are served (config WebBaseURL)
	loc       *time.Location
}

var paymentsOnce struct {
	mu sync.Mutex
	m  map[*Server]*payments
}

// paymentsOf returns the payment state of s, creating it on first use (the
// Server is built by the shared plumbing; this keeps the payment settings here).
func paymentsOf(s *Server) (*payments, error) {
	paymentsOnce.mu.Lock()
	defer paymentsOnce.mu.Unlock()
	if p, ok := paymentsOnce.m[s]; ok {
		return p, nil
	}
	p, err := newPayments(s)
	if err != nil {
		return nil, err
	}
	if paymentsOnce.m == nil {
		paymentsOnce.m = map[*Server]*payments{}
	}
	paymentsOnce.m[s] = p
	return p, nil
}

func newPayments(s *Server) (*payments, error) {
	secret, client := s.cfg.TossSecretKey, s.cfg.TossClientKey
	if s.cfg.Emulated() {
		if secret == "" {
			secret = localTossSecretKey
		}
		if client == "" {
			client = localTossClientKey
		}
	}
	tc, err := toss.New(s.cfg.TossAPIBase, secret)
	if err != nil {
		return nil, fmt.Errorf("payments: %w", err)
	}
	p := &payments{s: s, toss: tc, clientKey: client, loc: s.cfg.QuotaLocation, sdkURL: s.cfg.TossSDKURL, webBase: s.cfg.WebBaseURL}
	if p.loc == nil {
		p.loc = time.UTC
	}
	return p, nil
}

// withPayments adapts a payment handler to the router's handler shape.
func withPayments(s *Server, h func(p *payments, w http.ResponseWriter, r *http.Request) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := paymentsOf(s)
		if err != nil {
			return &Error{Code: wire.CodeUnavailable, Message: "Payments are not available right now. Please try again later.", Cause: err}
		}
		return h(p, w, r)
	}
}

func (p *payments) now() time.Time { return p.s.now() }

func (p *payments) orders() *firestore.CollectionRef { return p.s.fs.Collection(store.ColOrders) }
func (p *payments) billingRef(uid string) *firestore.DocumentRef {
	return p.s.fs.Collection(store.ColBilling).Doc(uid)
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
func (p *payments) getOrder(ctx context.Context, tx *firestore.Transaction, id string) (*orderDoc, error) {
	ref := p.orders().Doc(id)
	var snap *firestore.DocumentSnapshot
	var err error
	if tx != nil {
		snap, err = tx.Get(ref)
	} else {
		snap, err = ref.Get(ctx)
	}
	if isNotFoundErr(err) {
		return nil, &Error{Code: wire.CodeNotFound, Message: "This order does not exist. Please start the purchase again from the app."}
	}
	if err != nil {
		return nil, fmt.Errorf("firestore get order %s: %w", id, err)
	}
	var o orderDoc
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

func (p *payments) recipient(ctx context.Context, tx *firestore.Transaction, uid string) (recipient, error) {
	var u store.UserDoc
	if _, err := getDoc(tx, p.s.fs.Collection(store.ColUsers).Doc(uid), &u); err != nil {
		return recipient{}, err
	}
	r := recipient{email: u.Email, locale: u.Locale}
	if r.email == "" && p.s.auth != nil {
		if rec, err := p.s.auth.GetUser(ctx, uid); err == nil {
			r.email = rec.Email
		}
	}
	return r, nil
}

// queueMail creates mail/{id} in tx (a no-op for users without an email).
// n.PlanName is a plan id; the mail shows the plan's name.
func (p *payments) queueMail(ctx context.Context, tx *firestore.Transaction, id, uid string, to recipient, n notice) error {
	if to.email == "" {
		return nil
	}
	if plan, err := p.s.store.Plan(ctx, n.PlanName); err == nil && plan.ID == n.PlanName && plan.Name != "" {
		n.PlanName = plan.Name
	}
	return tx.Create(p.s.fs.Collection(store.ColMail).Doc(id), n.render(to.email, to.locale, uid, p.loc, p.now()))
}

// paymentRecord converts a Toss payment for payments/{paymentKey}.
func (p *payments) paymentRecord(uid string, o *orderDoc, orderID string, tp *toss.Payment) paymentDoc {
	d := paymentDoc{UID: uid, OrderID: orderID, Kind: o.Kind, Plan: o.Plan, Amount: tp.TotalAmount,
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

// charge charges a billing key for Toss order tossOrderID. If Toss says the
// order id was already approved (a replay after its idempotency record
// expired), the approved payment is looked up instead of charging again.
func (p *payments) charge(ctx context.Context, billingKey string, req toss.BillingChargeRequest) (*toss.Payment, error) {
	tp, err := p.toss.ChargeBilling(ctx, billingKey, req, "charge-"+req.OrderID)
	if toss.HasCode(err, toss.CodeDuplicatedOrderID) {
		return p.toss.GetPaymentByOrderID(ctx, req.OrderID)
	}
	return tp, err
}

// verifyPaid checks that Toss's payment is the approved payment of the order.
func verifyPaid(o *orderDoc, orderID string, tp *toss.Payment) error {
	if tp.OrderID != orderID || tp.Status != toss.StatusDone {
		return &Error{Code: wire.CodeInvalidArgument, Message: "This payment does not belong to the order, or it is not completed.",
			Cause: fmt.Errorf("toss payment %s is %s for order %s, want DONE for %s", tp.PaymentKey, tp.Status, tp.OrderID, orderID)}
	}
	if tp.TotalAmount != o.Amount {
		return &Error{Code: wire.CodeAmountMismatch, Message: "The amount paid does not match the order.",
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
func (p *payments) applyPaid(ctx context.Context, orderID string, tp *toss.Payment, extraBill ...firestore.Update) (*store.SubscriptionDoc, bool, error) {
	var out store.SubscriptionDoc
	applied := false
	err := p.s.fs.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
		applied = false
		o, err := p.getOrder(ctx, tx, orderID)
		if err != nil {
			return err
		}
		subRef := p.s.store.SubscriptionRef(o.UID)
		var cur store.SubscriptionDoc
		hasSub, err := getDoc(tx, subRef, &cur)
		if err != nil {
			return err
		}
		var bill billingDoc
		if _, err := getDoc(tx, p.billingRef(o.UID), &bill); err != nil {
			return err
		}
		to, err := p.recipient(ctx, tx, o.UID)
		if err != nil {
			return err
		}
		if o.Status == orderPaid {
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
				{Path: "status", Value: orderPaid}, {Path: "paymentKey", Value: tp.PaymentKey},
				{Path: "unapplied", Value: true}, {Path: "updatedAt", Value: now},
			}); err != nil {
				return err
			}
			return tx.Set(p.s.fs.Collection(store.ColPayments).Doc(tp.PaymentKey), p.paymentRecord(o.UID, o, orderID, tp))
		}
		sub, anchor := p.nextPeriod(o, hasSub, cur, bill, now)
		sub.LastPaymentID, sub.UpdatedAt = tp.PaymentKey, now

		billUpd := []firestore.Update{
			{Path: "anchorDay", Value: anchor},
			{Path: "failedAttempts", Value: 0},
			{Path: "firstFailureAt", Value: firestore.Delete},
			{Path: "lastFailureCode", Value: firestore.Delete},
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
		if err := tx.Set(subRef, sub); err != nil {
			return err
		}
		if err := tx.Update(p.orders().Doc(orderID), []firestore.Update{
			{Path: "status", Value: orderPaid}, {Path: "paymentKey", Value: tp.PaymentKey},
			{Path: "periodStart", Value: start}, {Path: "periodEnd", Value: end}, {Path: "updatedAt", Value: now},
		}); err != nil {
			return err
		}
		if err := tx.Set(p.s.fs.Collection(store.ColPayments).Doc(tp.PaymentKey), p.paymentRecord(o.UID, o, orderID, tp)); err != nil {
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
func upgradeStillValid(o *orderDoc, hasSub bool, cur store.SubscriptionDoc, now time.Time) bool {
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
func (p *payments) nextPeriod(o *orderDoc, hasSub bool, cur store.SubscriptionDoc, bill billingDoc, now time.Time) (store.SubscriptionDoc, int) {
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
func (p *payments) afterChange(ctx context.Context, uid string, sub *store.SubscriptionDoc) {
	if p.s.auth == nil {
		return
	}
	plan := store.EffectiveAt(sub, p.now()).Plan
	if err := MirrorPlanClaim(ctx, p.s.auth, uid, plan); err != nil {
		log.Printf("payments: mirror plan claim of %s: %v", uid, err)
	}
}
