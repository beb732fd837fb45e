package store

import (
	"context"
	"fmt"
	"time"

	"cloud.google.com/go/firestore"

	"imageconverter/functions/wire"
)

// SubscriptionDoc is subscriptions/{uid}. The payments routes and the admin
// command write it (with SetSubscription or inside their own transactions via
// SubscriptionRef, then MirrorPlanClaim).
type SubscriptionDoc struct {
	Plan               string    `firestore:"plan"`
	Status             string    `firestore:"status"` // wire.StatusActive, StatusPastDue, StatusCanceled, StatusExpired
	AutoRenew          bool      `firestore:"autoRenew"`
	CurrentPeriodStart time.Time `firestore:"currentPeriodStart"`
	CurrentPeriodEnd   time.Time `firestore:"currentPeriodEnd"`
	CancelAtPeriodEnd  bool      `firestore:"cancelAtPeriodEnd"`
	UpdatedAt          time.Time `firestore:"updatedAt"`
	LastPaymentID      string    `firestore:"lastPaymentId"`
	// RenewalIssue is set while the automatic renewal is failing; it is
	// here (not in billing/{uid}) so the entitlement route reads one document.
	RenewalIssue *RenewalIssueDoc `firestore:"renewalIssue,omitempty"`
}

// RenewalIssueDoc is SubscriptionDoc.RenewalIssue (see wire.RenewalIssue).
type RenewalIssueDoc struct {
	Reason      string     `firestore:"reason"` // wire.RenewalCardDeclined or wire.RenewalPaymentError
	Since       time.Time  `firestore:"since"`
	NextAttempt *time.Time `firestore:"nextAttempt"`
}

// SubscriptionRef is subscriptions/{uid}.
func (s *Store) SubscriptionRef(uid string) *firestore.DocumentRef {
	return s.FS.Collection(ColSubscriptions).Doc(uid)
}

// Subscription returns subscriptions/{uid}, or nil when the user never had one.
func (s *Store) Subscription(ctx context.Context, uid string) (*SubscriptionDoc, error) {
	snap, err := s.SubscriptionRef(uid).Get(ctx)
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("firestore get subscription %s: %w", uid, err)
	}
	var d SubscriptionDoc
	if err := snap.DataTo(&d); err != nil {
		return nil, fmt.Errorf("firestore subscription %s: %w", uid, err)
	}
	return &d, nil
}

// SetSubscription writes subscriptions/{uid} and its copy in users/{uid}
// (UpdatedAt set to now). Call claims.MirrorPlan afterwards.
func (s *Store) SetSubscription(ctx context.Context, uid string, d SubscriptionDoc) error {
	d.UpdatedAt = s.Now()
	err := s.FS.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
		return s.SetSubscriptionTx(tx, uid, d)
	}, firestore.MaxAttempts(TxMaxAttempts))
	if err != nil {
		return fmt.Errorf("firestore set subscription %s: %w", uid, err)
	}
	return nil
}

// SetSubscriptionTx writes subscriptions/{uid} in tx, and the copy the
// account routes read in users/{uid} (creating that document if needed).
// Every change of a subscription goes through here.
func (s *Store) SetSubscriptionTx(tx *firestore.Transaction, uid string, d SubscriptionDoc) error {
	if err := tx.Set(s.SubscriptionRef(uid), d); err != nil {
		return err
	}
	return tx.Set(s.userRef(uid), map[string]any{"subscription": d, "subscriptionCopied": true},
		firestore.Merge([]string{"subscription"}, []string{"subscriptionCopied"}))
}

// Effective is what a subscription grants at a moment.
type Effective struct {
	Plan      string     // plan id that applies now (free when nothing valid)
	Status    string     // subscription status; StatusExpired once the period is over; StatusNone without one
	PeriodEnd *time.Time // nil without a subscription
	AutoRenew bool
	CancelAt  bool
	// RenewalIssue is why the renewal is failing (status past_due only).
	RenewalIssue *wire.RenewalIssue
}

// EffectiveAt decides the plan a subscription grants at now: active, past_due
// (dunning) and canceled (auto-renew off) keep the plan until the period end;
// afterwards, or when expired, the user is on free.
func EffectiveAt(d *SubscriptionDoc, now time.Time) Effective {
	if d == nil {
		return Effective{Plan: wire.PlanFree, Status: wire.StatusNone}
	}
	end := d.CurrentPeriodEnd
	e := Effective{Plan: d.Plan, Status: d.Status, PeriodEnd: &end, AutoRenew: d.AutoRenew, CancelAt: d.CancelAtPeriodEnd}
	if d.Status == wire.StatusPastDue && d.RenewalIssue != nil {
		// Shown also once the period is over: dunning goes on, and a new
		// card brings the plan back.
		e.RenewalIssue = &wire.RenewalIssue{Reason: d.RenewalIssue.Reason, Since: d.RenewalIssue.Since, NextAttempt: d.RenewalIssue.NextAttempt}
	}
	switch d.Status {
	case wire.StatusActive, wire.StatusPastDue, wire.StatusCanceled:
		if now.Before(end) {
			return e
		}
	}
	e.Plan, e.Status, e.AutoRenew = wire.PlanFree, wire.StatusExpired, false
	return e
}
