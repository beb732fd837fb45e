package payments

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"
	"time"

	"cloud.google.com/go/firestore"

	"imageconverter/functions/internal/httpx"
	"imageconverter/functions/internal/store"
	"imageconverter/functions/toss"
	"imageconverter/functions/wire"
)

// Toss webhooks are not signed (docs.tosspayments.com/guides/webhook), so the
// body is only a hint: the route re-queries GET /v1/payments/{paymentKey} and
// acts on Toss's answer alone. The event id is derived from that answer
// (payment, status, last transaction), so Toss's retries of one event and any
// forged copies of it are processed once (webhookEvents/{id}).
//
// Answers: 200 when processed or ignored (Toss stops retrying), 503 when Toss
// or Firestore could not be reached (Toss retries: 1, 4, 16 … minutes).

func (p *Service) webhook(w http.ResponseWriter, r *http.Request) error {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, httpx.MaxBodyBytes))
	if err != nil {
		return httpx.Invalid("The webhook body could not be read.")
	}
	var ev struct {
		EventType string `json:"eventType"`
		Data      struct {
			PaymentKey string `json:"paymentKey"`
			Type       string `json:"type"`
		} `json:"data"`
	}
	if err := json.Unmarshal(b, &ev); err != nil {
		return httpx.Invalid("The webhook body is not valid JSON.")
	}
	if ev.EventType != toss.EventPaymentStatusChanged || ev.Data.PaymentKey == "" || len(ev.Data.PaymentKey) > 200 {
		httpx.WriteJSON(w, http.StatusOK, map[string]string{"result": "ignored"})
		return nil
	}
	ctx := r.Context()
	tp, err := p.lookupPayment(ctx, ev.Data.PaymentKey, r.URL.Query().Get("merchant"), ev.Data.Type)
	if toss.HasCode(err, toss.CodeNotFoundPayment) {
		httpx.WriteJSON(w, http.StatusOK, map[string]string{"result": "unknown_payment"})
		return nil
	}
	if err != nil {
		return &httpx.Error{Code: wire.CodeUnavailable, Message: "Could not check the payment with Toss; please retry.", Cause: err}
	}
	if tp.Status == toss.StatusDone {
		if err := p.reconcile(ctx, tp); err != nil {
			return err
		}
	}
	action, sub, uid, err := p.applyPaymentStatus(ctx, ev.EventType, tp)
	if err != nil {
		return err
	}
	if sub != nil {
		p.afterChange(ctx, uid, sub)
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]string{"result": action})
	return nil
}

// lookupPayment asks Toss for a payment with the keys of the MID that made it:
// each MID sees only its own payments. Toss sends each MID's webhooks to the
// URL registered for that MID, which names it (?merchant=once|billing); an
// unsigned body's type (BILLING: a billing-key charge) is the next hint.
// Both hints can be wrong (a forged body, a URL registered on the wrong MID),
// so a NOT_FOUND_PAYMENT with one MID's keys is asked again with the other's.
func (p *Service) lookupPayment(ctx context.Context, paymentKey, merchant, paymentType string) (*toss.Payment, error) {
	order := []string{merchantOnce, merchantBilling}
	if merchant == merchantBilling || merchant == "" && paymentType == "BILLING" {
		order = []string{merchantBilling, merchantOnce}
	}
	var err error
	for _, m := range order {
		var tp *toss.Payment
		if tp, err = p.tossFor(m).GetPayment(ctx, paymentKey); !toss.HasCode(err, toss.CodeNotFoundPayment) {
			return tp, err
		}
	}
	return nil, err
}

// reconcile applies an approved payment whose order is not marked paid: the
// approval went through at Toss but our side never finished (the confirm or
// renewal call died after Toss answered, and the buyer did not come back).
// applyPaid is idempotent, so this is a no-op for orders already applied.
func (p *Service) reconcile(ctx context.Context, tp *toss.Payment) error {
	ids := orderIDsOf(tp.OrderID)
	orderID := ids[0]
	o, err := p.getOrder(ctx, nil, orderID)
	if httpx.IsCode(err, wire.CodeNotFound) && len(ids) > 1 {
		orderID = ids[1]
		o, err = p.getOrder(ctx, nil, orderID)
	}
	if httpx.IsCode(err, wire.CodeNotFound) {
		return nil // not ours
	}
	if err != nil {
		return err
	}
	if o.Status == store.OrderPaid || tp.TotalAmount != o.Amount {
		return nil
	}
	paid := *tp
	paid.OrderID = orderID
	sub, applied, err := p.applyPaid(ctx, orderID, &paid)
	if err != nil {
		return err
	}
	if applied {
		log.Printf("webhooks: applied payment %s of order %s that had not been completed", tp.PaymentKey, orderID)
		p.afterChange(ctx, o.UID, sub)
	}
	return nil
}

// orderIDsOf is the order a Toss orderId may belong to: itself, or — for a
// retry after a declined attempt, "<orderId>-<n>" (tossOrderID) — the order
// without the suffix.
func orderIDsOf(tossOrderID string) []string {
	if i := strings.LastIndexByte(tossOrderID, '-'); i > 0 {
		return []string{tossOrderID, tossOrderID[:i]}
	}
	return []string{tossOrderID}
}

// webhookEventID names one state of one payment; safe as a document id.
func webhookEventID(tp *toss.Payment) string {
	clean := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r == '/' || r == '.' {
				return '_'
			}
			return r
		}, s)
	}
	return fmt.Sprintf("%s_%s_%s", clean(tp.PaymentKey), tp.Status, clean(tp.LastTransactionKey))
}

// applyPaymentStatus records Toss's view of a payment once, and when the
// payment was canceled or refunded (fully or in part) takes back what it paid
// for (reclaimRefunded). It returns the action taken and,
// when the subscription changed, the new subscription and its user.
func (p *Service) applyPaymentStatus(ctx context.Context, eventType string, tp *toss.Payment) (string, *store.SubscriptionDoc, string, error) {
	var (
		action  string
		changed *store.SubscriptionDoc
		uid     string
	)
	id := webhookEventID(tp)
	err := p.fs.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
		action, changed, uid = "", nil, ""
		now := p.now()
		evRef := p.fs.Collection(store.ColWebhookEvents).Doc(id)
		var seen store.WebhookEventDoc
		if found, err := getDoc(tx, evRef, &seen); err != nil {
			return err
		} else if found {
			action = "duplicate"
			return nil
		}
		payRef := p.fs.Collection(store.ColPayments).Doc(tp.PaymentKey)
		var pay store.PaymentDoc
		found, err := getDoc(tx, payRef, &pay)
		if err != nil {
			return err
		}
		ev := store.WebhookEventDoc{EventType: eventType, PaymentKey: tp.PaymentKey, OrderID: tp.OrderID, Status: tp.Status, ReceivedAt: now}
		if !found {
			// No payment of ours went through with this key: a refused
			// (ABORTED) or expired (EXPIRED) attempt at one of our orders —
			// recorded, nothing changes: the order stays payable and the
			// route that made the attempt answered the customer — or
			// nobody's (an approval confirm has not stored yet is stored by
			// confirm itself from Toss's answer, so nothing is lost).
			ev.Action = "unknown_payment"
			if tp.Status == toss.StatusAborted || tp.Status == toss.StatusExpired {
				var o store.OrderDoc
				for _, id := range orderIDsOf(tp.OrderID) {
					if found, err := getDoc(tx, p.orders().Doc(id), &o); err != nil {
						return err
					} else if found {
						ev.UID, ev.OrderID, ev.Action = o.UID, id, "not_paid"
						break
					}
				}
			}
			action = ev.Action
			return tx.Create(evRef, ev)
		}
		uid, ev.UID = pay.UID, pay.UID
		var sub store.SubscriptionDoc
		hasSub, err := getDoc(tx, p.store.SubscriptionRef(pay.UID), &sub)
		if err != nil {
			return err
		}
		var o store.OrderDoc
		if _, err := getDoc(tx, p.orders().Doc(pay.OrderID), &o); err != nil {
			return err
		}
		to, err := p.recipient(ctx, tx, pay.UID)
		if err != nil {
			return err
		}
		upd := []firestore.Update{{Path: "status", Value: tp.Status}, {Path: "balanceAmount", Value: tp.BalanceAmount}, {Path: "updatedAt", Value: now}}
		if n := len(tp.Cancels); n > 0 {
			upd = append(upd, firestore.Update{Path: "canceledAt", Value: tp.Cancels[n-1].CanceledAt.Time})
		}
		ev.Action = "recorded"
		live := hasSub && sub.Status != wire.StatusExpired && now.Before(sub.CurrentPeriodEnd)
		if tp.Refunded() && !pay.Reclaimed && live {
			s, action, err := p.reclaimRefunded(ctx, tx, pay.UID, sub, &o, to, now, "ended-refund-"+id)
			if err != nil {
				return err
			}
			if action != "" {
				changed, ev.Action = s, action
				upd = append(upd, firestore.Update{Path: "reclaimed", Value: true})
			}
		}
		if err := tx.Update(payRef, upd); err != nil {
			return err
		}
		action = ev.Action
		return tx.Create(evRef, ev)
	}, txOpts...)
	if err != nil {
		return "", nil, "", err
	}
	return action, changed, uid, nil
}

// reclaimRefunded takes back, inside tx, what a refunded order paid for, once
// per payment (the caller marks it reclaimed when an action is returned):
//   - a month (new or renewal) whose period has not fully passed: the
//     subscription's end moves back by that order's period length, so other
//     months the user paid for are kept (stacked months, renewals) and an
//     older refunded month does not leave the user with both; when nothing
//     paid remains (the new end is not after now) the subscription ends now;
//   - an upgrade still in its period: the plan goes back to the one it was
//     upgraded from (the period end stays);
//   - anything else (a period already used up, an upgrade never applied or
//     whose period is over): only recorded ("" action).
func (p *Service) reclaimRefunded(ctx context.Context, tx *firestore.Transaction, uid string, sub store.SubscriptionDoc,
	o *store.OrderDoc, to recipient, now time.Time, mailID string) (*store.SubscriptionDoc, string, error) {
	if o.Status != store.OrderPaid || o.Unapplied || o.PeriodStart == nil || o.PeriodEnd == nil || !o.PeriodEnd.After(now) {
		return nil, "", nil
	}
	if o.Kind == kindUpgrade {
		if !o.PeriodEnd.Equal(sub.CurrentPeriodEnd) || sub.Plan != o.Plan {
			return nil, "", nil
		}
		if o.UpgradeFrom == "" {
			// An upgrade from before upgradeFrom was recorded: end it.
			s, err := p.endSubscription(ctx, tx, uid, sub, to, now, mailID)
			return s, "ended_subscription", err
		}
		s := sub
		s.Plan, s.UpdatedAt = o.UpgradeFrom, now
		if err := p.store.SetSubscriptionTx(tx, uid, s); err != nil {
			return nil, "", err
		}
		return &s, "reverted_upgrade", nil
	}
	newEnd := sub.CurrentPeriodEnd.Add(-o.PeriodEnd.Sub(*o.PeriodStart))
	if !newEnd.After(now) {
		s, err := p.endSubscription(ctx, tx, uid, sub, to, now, mailID)
		return s, "ended_subscription", err
	}
	s := sub
	s.CurrentPeriodEnd, s.UpdatedAt = newEnd, now
	if !s.CurrentPeriodStart.Before(newEnd) {
		// The refunded month was the current (latest) one: the period is
		// now the one before it, about as long.
		s.CurrentPeriodStart = newEnd.Add(-o.PeriodEnd.Sub(*o.PeriodStart))
	}
	if err := p.store.SetSubscriptionTx(tx, uid, s); err != nil {
		return nil, "", err
	}
	next := newEnd // auto-renew off: the run ends it then
	if s.AutoRenew {
		if next = newEnd.Add(-renewLead); next.Before(now) {
			next = now
		}
	}
	if err := tx.Update(p.billingRef(uid), []firestore.Update{{Path: "nextChargeAt", Value: next}, {Path: "updatedAt", Value: now}}); err != nil {
		return nil, "", err
	}
	return &s, "shortened_period", nil
}
