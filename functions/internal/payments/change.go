package payments

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"time"

	"cloud.google.com/go/firestore"

	"imageconverter/functions/internal/httpx"
	"imageconverter/functions/internal/store"
	"imageconverter/functions/toss"
	"imageconverter/functions/wire"
)

// Cancel, resume and plan changes (docs/payments.md, "Plan changes").

// editSubscription runs f on the user's subscription and billing documents in
// a transaction and answers with the result. f returns the documents to write
// (nil = unchanged).
func (p *Service) editSubscription(ctx context.Context, w http.ResponseWriter, uid string,
	f func(now time.Time, sub *store.SubscriptionDoc, bill *store.BillingDoc) (subUpd *store.SubscriptionDoc, billUpd []firestore.Update, err error)) error {
	var out store.SubscriptionDoc
	var pending string
	err := p.fs.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
		var sub store.SubscriptionDoc
		hasSub, err := getDoc(tx, p.store.SubscriptionRef(uid), &sub)
		if err != nil {
			return err
		}
		var bill store.BillingDoc
		hasBill, err := getDoc(tx, p.billingRef(uid), &bill)
		if err != nil {
			return err
		}
		now := p.now()
		if !hasSub || store.EffectiveAt(&sub, now).Plan == wire.PlanFree {
			return httpx.Errorf(wire.CodeConflict, "There is no paid plan to change.")
		}
		newSub, billUpd, err := f(now, &sub, &bill)
		if err != nil {
			return err
		}
		out, pending = sub, bill.PendingPlan
		if newSub != nil {
			newSub.UpdatedAt = now
			if err := p.store.SetSubscriptionTx(tx, uid, *newSub); err != nil {
				return err
			}
			out = *newSub
		}
		if len(billUpd) > 0 && hasBill {
			billUpd = append(billUpd, firestore.Update{Path: "updatedAt", Value: now})
			if err := tx.Update(p.billingRef(uid), billUpd); err != nil {
				return err
			}
			for _, u := range billUpd {
				if u.Path == "pendingPlan" {
					pending, _ = u.Value.(string)
				}
			}
		}
		return nil
	}, txOpts...)
	if err != nil {
		return err
	}
	p.afterChange(ctx, uid, &out)
	httpx.WriteJSON(w, http.StatusOK, p.subscriptionResponse(&out, pending))
	return nil
}

// cancelRenewal turns auto-renew off; the plan runs to the period end, when
// the renewal run ends the subscription and sends the notice.
func (p *Service) cancelRenewal(w http.ResponseWriter, r *http.Request, c httpx.Caller) error {
	return p.editSubscription(r.Context(), w, c.UID, func(now time.Time, sub *store.SubscriptionDoc, bill *store.BillingDoc) (*store.SubscriptionDoc, []firestore.Update, error) {
		if !sub.AutoRenew {
			return nil, nil, nil // already off: same answer
		}
		s := *sub
		s.AutoRenew, s.CancelAtPeriodEnd, s.Status, s.RenewalIssue = false, true, wire.StatusCanceled, nil
		return &s, []firestore.Update{
			{Path: "nextChargeAt", Value: s.CurrentPeriodEnd}, // the end-of-period check
			{Path: "pendingPlan", Value: firestore.Delete},
			{Path: "failedAttempts", Value: 0},
			{Path: "firstFailureAt", Value: firestore.Delete},
		}, nil
	})
}

// resumeRenewal turns auto-renew back on before the period ends. It needs a
// registered card (billing key): a one-time pass has none.
func (p *Service) resumeRenewal(w http.ResponseWriter, r *http.Request, c httpx.Caller) error {
	return p.editSubscription(r.Context(), w, c.UID, func(now time.Time, sub *store.SubscriptionDoc, bill *store.BillingDoc) (*store.SubscriptionDoc, []firestore.Update, error) {
		if sub.AutoRenew {
			return nil, nil, nil
		}
		if bill.BillingKey == "" {
			return nil, nil, httpx.Errorf(wire.CodeConflict, "Automatic payment is not set up. Choose a monthly subscription to register a card.")
		}
		s := *sub
		s.AutoRenew, s.CancelAtPeriodEnd, s.Status, s.RenewalIssue = true, false, wire.StatusActive, nil
		next := s.CurrentPeriodEnd.Add(-renewLead)
		if next.Before(now) {
			next = now
		}
		return &s, []firestore.Update{{Path: "nextChargeAt", Value: next}, {Path: "failedAttempts", Value: 0}, {Path: "firstFailureAt", Value: firestore.Delete}}, nil
	})
}

// changePlan moves a subscriber between Basic and Pro:
//   - to a cheaper plan: nothing is refunded; the current plan runs to the
//     period end and the next renewal charges and switches to the new one
//     (needs auto-renew; choosing the current plan again undoes it);
//   - to a dearer plan: the registered card is charged the prorated
//     difference now and the plan changes at once; the period end stays.
//     Without a registered card the upgrade goes through checkout instead.
func (p *Service) changePlan(w http.ResponseWriter, r *http.Request, c httpx.Caller) error {
	var req wire.ChangePlanRequest
	if err := httpx.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	target, err := p.paidPlan(ctx, req.Plan)
	if err != nil {
		return err
	}
	sub, err := p.store.Subscription(ctx, c.UID)
	if err != nil {
		return err
	}
	now := p.now()
	eff := store.EffectiveAt(sub, now)
	if eff.Plan == wire.PlanFree {
		return httpx.Errorf(wire.CodeConflict, "There is no paid plan to change; choose a plan to buy instead.")
	}
	from, err := p.store.Plan(ctx, eff.Plan)
	if err != nil {
		return err
	}
	if target.PriceKRW > from.PriceKRW {
		if !p.cfg.TossBillingUpgrades {
			// The automatic-payments contract may not cover charges off
			// the monthly cycle: the difference is then a one-time payment
			// (POST /v1/checkout answers an "upgrade" order).
			return httpx.Errorf(wire.CodeConflict, "Upgrade to %s from the plans page: the difference for the rest of this period is paid once there.", target.Name)
		}
		return p.upgradeWithCard(ctx, w, c.UID, sub, from, target)
	}
	return p.editSubscription(ctx, w, c.UID, func(now time.Time, s *store.SubscriptionDoc, bill *store.BillingDoc) (*store.SubscriptionDoc, []firestore.Update, error) {
		if target.ID == s.Plan {
			return nil, []firestore.Update{{Path: "pendingPlan", Value: firestore.Delete}}, nil
		}
		if !s.AutoRenew {
			return nil, nil, httpx.Errorf(wire.CodeConflict, "Your %s plan ends on %s; you can buy %s then.", from.Name, s.CurrentPeriodEnd.In(p.loc).Format(time.DateOnly), target.Name)
		}
		return nil, []firestore.Update{{Path: "pendingPlan", Value: target.ID}}, nil
	})
}

// upgradeOrderID names the card upgrade of uid to plan in the period ending at
// end (Toss orderId rules: 6–64 characters of [A-Za-z0-9_-]).
func upgradeOrderID(uid string, end time.Time, plan string) string {
	sum := sha256.Sum256([]byte(uid + "|" + end.UTC().Format(time.RFC3339Nano) + "|" + plan))
	return "up_" + hex.EncodeToString(sum[:16])
}

// upgradeWithCard charges the registered card the prorated difference and
// switches the plan for the rest of the period.
func (p *Service) upgradeWithCard(ctx context.Context, w http.ResponseWriter, uid string, sub *store.SubscriptionDoc, from, target wire.Plan) error {
	bill := store.BillingDoc{}
	snap, err := p.billingRef(uid).Get(ctx)
	if err == nil {
		err = snap.DataTo(&bill)
	}
	if err != nil && !isNotFoundErr(err) {
		return fmt.Errorf("firestore get billing: %w", err)
	}
	if bill.BillingKey == "" {
		return httpx.Errorf(wire.CodeConflict, "No card is registered for automatic payment. Buy %s from the plans page to upgrade now.", target.Name)
	}
	now := p.now()
	amount := int64(prorate(from.PriceKRW, target.PriceKRW, sub.CurrentPeriodStart, sub.CurrentPeriodEnd, now))
	end := sub.CurrentPeriodEnd
	// One order per user, period and target plan: a retried request (client
	// timeout, 5xx, double click) finds the same order and charges it with
	// the same Toss orderId and Idempotency-Key, so the card is charged once.
	id := upgradeOrderID(uid, end, target.ID)
	ref := p.orders().Doc(id)
	var (
		o       store.OrderDoc
		attempt int
		paid    bool
	)
	err = p.fs.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
		o, attempt, paid = store.OrderDoc{}, 0, false
		found, err := getDoc(tx, ref, &o)
		if err != nil {
			return err
		}
		if found {
			attempt = o.Attempts
			switch o.Status {
			case store.OrderPaid:
				paid = true
				return nil
			case store.OrderFailed:
				// The card was declined before: a new attempt (new Toss
				// orderId and key) at today's price.
				o.Amount, o.Status = amount, store.OrderCharging
				return tx.Update(ref, []firestore.Update{{Path: "amount", Value: amount}, {Path: "status", Value: store.OrderCharging}, {Path: "updatedAt", Value: now}})
			}
			return nil // charging: in flight or interrupted; the same key replays it
		}
		o = store.OrderDoc{UID: uid, Plan: target.ID, Mode: modeOnce, Kind: kindUpgrade, Amount: amount, Merchant: merchantBilling,
			OrderName: fmt.Sprintf("ImageConverter %s 업그레이드", target.Name), CustomerKey: bill.CustomerKey,
			Status: store.OrderCharging, UpgradeFrom: from.ID, PricedPeriodEnd: &end,
			CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(orderTTL)}
		// The price was computed from a read outside this transaction: make
		// sure the period it was computed for is still the current one.
		var cur store.SubscriptionDoc
		hasSub, err := getDoc(tx, p.store.SubscriptionRef(uid), &cur)
		if err != nil {
			return err
		}
		if !upgradeStillValid(&o, hasSub, cur, now) {
			return httpx.Errorf(wire.CodeConflict, "Your subscription changed while the upgrade was being prepared. Nothing was charged. Please try again.")
		}
		return tx.Create(ref, o)
	}, txOpts...)
	if httpx.IsCode(err, wire.CodeConflict) {
		return err
	}
	if err != nil {
		return fmt.Errorf("firestore upgrade order %s: %w", id, err)
	}
	if paid {
		return p.respondCurrent(ctx, w, &o, id)
	}
	tid := tossOrderID(id, attempt)
	tp, err := p.charge(ctx, bill.BillingKey, toss.BillingChargeRequest{
		CustomerKey: bill.CustomerKey, Amount: o.Amount, OrderID: tid, OrderName: o.OrderName})
	if err != nil {
		return p.paymentError(ctx, id, attempt, err)
	}
	if tp.OrderID == tid {
		tp.OrderID = id // the order the charge pays for
	}
	out, _, err := p.applyPaid(ctx, id, tp)
	if err != nil {
		return err
	}
	p.afterChange(ctx, uid, out)
	resp := p.subscriptionResponse(out, "")
	resp.OrderID, resp.PaymentKey, resp.Amount = id, tp.PaymentKey, tp.TotalAmount
	httpx.WriteJSON(w, http.StatusOK, resp)
	return nil
}
