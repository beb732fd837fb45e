package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"
	"time"

	"cloud.google.com/go/firestore"

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

// webhookEventDoc is webhookEvents/{id}.
type webhookEventDoc struct {
	EventType  string `firestore:"eventType"`
	PaymentKey string `firestore:"paymentKey"`
	OrderID    string `firestore:"orderId"`
	Status     string `firestore:"status"`
	UID        string `firestore:"uid,omitempty"`
	// Action is what the event did: "recorded", "ended_subscription", "unknown_payment".
	Action     string    `firestore:"action"`
	ReceivedAt time.Time `firestore:"receivedAt"`
}

func (p *payments) webhook(w http.ResponseWriter, r *http.Request) error {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		return invalid("The webhook body could not be read.")
	}
	var ev struct {
		EventType string `json:"eventType"`
		Data      struct {
			PaymentKey string `json:"paymentKey"`
		} `json:"data"`
	}
	if err := json.Unmarshal(b, &ev); err != nil {
		return invalid("The webhook body is not valid JSON.")
	}
	if ev.EventType != toss.EventPaymentStatusChanged || ev.Data.PaymentKey == "" || len(ev.Data.PaymentKey) > 200 {
		writeJSON(w, http.StatusOK, map[string]string{"result": "ignored"})
		return nil
	}
	ctx := r.Context()
	tp, err := p.toss.GetPayment(ctx, ev.Data.PaymentKey)
	if toss.HasCode(err, toss.CodeNotFoundPayment) {
		writeJSON(w, http.StatusOK, map[string]string{"result": "unknown_payment"})
		return nil
	}
	if err != nil {
		return &Error{Code: wire.CodeUnavailable, Message: "Could not check the payment with Toss; please retry.", Cause: err}
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
	writeJSON(w, http.StatusOK, map[string]string{"result": action})
	return nil
}

// reconcile applies an approved payment whose order is not marked paid: the
// approval went through at Toss but our side never finished (the confirm or
// renewal call died after Toss answered, and the buyer did not come back).
// applyPaid is idempotent, so this is a no-op for orders already applied.
func (p *payments) reconcile(ctx context.Context, tp *toss.Payment) error {
	orderID := tp.OrderID
	o, err := p.getOrder(ctx, nil, orderID)
	if isAPIError(err, wire.CodeNotFound) {
		// A billing charge after a declined attempt uses "<orderId>-<n>".
		if i := strings.LastIndexByte(orderID, '-'); i > 0 {
			orderID = orderID[:i]
			o, err = p.getOrder(ctx, nil, orderID)
		}
	}
	if isAPIError(err, wire.CodeNotFound) {
		return nil // not ours
	}
	if err != nil {
		return err
	}
	if o.Status == orderPaid || tp.TotalAmount != o.Amount {
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

func isAPIError(err error, code wire.Code) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
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

// applyPaymentStatus records Toss's view of a payment once, and ends the
// subscription when the payment that pays for its current period was
// canceled or refunded (fully or in part). It returns the action taken and,
// when the subscription changed, the new subscription and its user.
func (p *payments) applyPaymentStatus(ctx context.Context, eventType string, tp *toss.Payment) (string, *store.SubscriptionDoc, string, error) {
	var (
		action  string
		changed *store.SubscriptionDoc
		uid     string
	)
	id := webhookEventID(tp)
	err := p.s.fs.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
		action, changed, uid = "", nil, ""
		now := p.now()
		evRef := p.s.fs.Collection(store.ColWebhookEvents).Doc(id)
		var seen webhookEventDoc
		if found, err := getDoc(tx, evRef, &seen); err != nil {
			return err
		} else if found {
			action = "duplicate"
			return nil
		}
		payRef := p.s.fs.Collection(store.ColPayments).Doc(tp.PaymentKey)
		var pay paymentDoc
		found, err := getDoc(tx, payRef, &pay)
		if err != nil {
			return err
		}
		ev := webhookEventDoc{EventType: eventType, PaymentKey: tp.PaymentKey, OrderID: tp.OrderID, Status: tp.Status, ReceivedAt: now}
		if !found {
			// Not one of ours (or confirm has not stored it yet: confirm
			// stores it itself from Toss's answer, so nothing is lost).
			ev.Action, action = "unknown_payment", "unknown_payment"
			return tx.Create(evRef, ev)
		}
		uid, ev.UID = pay.UID, pay.UID
		var sub store.SubscriptionDoc
		hasSub, err := getDoc(tx, p.s.store.SubscriptionRef(pay.UID), &sub)
		if err != nil {
			return err
		}
		var o orderDoc
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
		// The payment pays for the current period if it is the last one
		// applied, or its order's period is the current one (an upgrade
		// after a monthly payment: refunding either ends the plan).
		current := hasSub && (sub.LastPaymentID == tp.PaymentKey ||
			(o.PeriodEnd != nil && o.PeriodEnd.Equal(sub.CurrentPeriodEnd)))
		live := hasSub && sub.Status != wire.StatusExpired && now.Before(sub.CurrentPeriodEnd)
		if tp.Refunded() && current && live {
			s, err := p.endSubscription(ctx, tx, pay.UID, sub, to, now, "ended-refund-"+id)
			if err != nil {
				return err
			}
			changed, ev.Action = s, "ended_subscription"
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
