package payments

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log"
	"net/http"

	"cloud.google.com/go/firestore"

	"imageconverter/functions/internal/httpx"
	"imageconverter/functions/internal/store"
	"imageconverter/functions/toss"
	"imageconverter/functions/wire"
)

// confirm approves a one-time payment (a month of a plan, or an upgrade):
// the amount must equal the order's before Toss is called; Toss's
// Idempotency-Key plus the order status make any number of replays charge
// once and extend once.
func (p *Service) confirm(w http.ResponseWriter, r *http.Request) error {
	var req wire.ConfirmRequest
	if err := httpx.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.PaymentKey == "" || len(req.PaymentKey) > 200 || !httpx.ValidID(req.OrderID) || req.Amount <= 0 {
		return httpx.Invalid("paymentKey, orderId and a positive amount are required.")
	}
	ctx := r.Context()
	o, err := p.getOrder(ctx, nil, req.OrderID)
	if err != nil {
		return err
	}
	if err := p.orderCaller(r, o); err != nil {
		return err
	}
	if o.Mode != modeOnce || o.Kind == kindRenewal {
		return httpx.Invalid("This order is for automatic payments; it is completed by registering a card.")
	}
	if req.Amount != o.Amount {
		// The amount on the success URL was changed: do not ask Toss to
		// approve anything.
		return httpx.Errorf(wire.CodeAmountMismatch, "The amount does not match the order (%d KRW). Nothing was charged.", o.Amount)
	}
	if o.Status == store.OrderPaid {
		if o.PaymentKey != req.PaymentKey {
			return httpx.Errorf(wire.CodeConflict, "This order is already paid.")
		}
		return p.respondCurrent(ctx, w, o, req.OrderID)
	}
	if p.now().After(o.ExpiresAt) {
		return httpx.Errorf(wire.CodeConflict, "This order has expired. Please start the purchase again from the app.")
	}
	if o.Kind == kindUpgrade {
		if err := p.checkUpgradeValid(ctx, o); err != nil {
			return err
		}
	}
	// The key names one approval attempt with one paymentKey: a 4xx that is
	// not a decline (so attempts does not move) must not be replayed to a
	// later, different paymentKey of the same order.
	sum := sha256.Sum256([]byte(req.PaymentKey))
	idem := fmt.Sprintf("confirm-%s-%d-%s", req.OrderID, o.Attempts, hex.EncodeToString(sum[:8]))
	tc := p.tossFor(merchantOf(o))
	tp, err := tc.Confirm(ctx, toss.ConfirmRequest{PaymentKey: req.PaymentKey, OrderID: req.OrderID, Amount: o.Amount}, idem)
	if toss.HasCode(err, toss.CodeAlreadyProcessedPayment) {
		// Approved by an earlier call whose answer we did not keep: trust
		// what Toss says the payment is now.
		tp, err = tc.GetPayment(ctx, req.PaymentKey)
	}
	if err != nil {
		return p.paymentError(ctx, req.OrderID, o.Attempts, err)
	}
	sub, _, err := p.applyPaid(ctx, req.OrderID, tp)
	if err != nil {
		return err
	}
	p.afterChange(ctx, o.UID, sub)
	resp := p.subscriptionResponse(sub, "")
	resp.OrderID, resp.PaymentKey, resp.Amount = req.OrderID, tp.PaymentKey, tp.TotalAmount
	httpx.WriteJSON(w, http.StatusOK, resp)
	return nil
}

// checkUpgradeValid refuses, before anything is charged, an upgrade order
// whose price no longer applies: the subscription left the plan it was priced
// from, or its period ended or was renewed since (the difference was computed
// for the time left in that period).
func (p *Service) checkUpgradeValid(ctx context.Context, o *store.OrderDoc) error {
	sub, err := p.store.Subscription(ctx, o.UID)
	if err != nil {
		return err
	}
	var cur store.SubscriptionDoc
	if sub != nil {
		cur = *sub
	}
	if !upgradeStillValid(o, sub != nil, cur, p.now()) {
		return httpx.Errorf(wire.CodeConflict, "Your subscription changed since this upgrade was priced (the period ended or renewed). Nothing was charged. Please start the upgrade again from the app.")
	}
	return nil
}

// respondCurrent answers a replay of an order that is already paid.
func (p *Service) respondCurrent(ctx context.Context, w http.ResponseWriter, o *store.OrderDoc, orderID string) error {
	sub, err := p.store.Subscription(ctx, o.UID)
	if err != nil {
		return err
	}
	resp := p.subscriptionResponse(sub, "")
	resp.OrderID, resp.PaymentKey, resp.Amount = orderID, o.PaymentKey, o.Amount
	httpx.WriteJSON(w, http.StatusOK, resp)
	return nil
}

// paymentError records a definite refusal on the order (so the next try uses
// a new Idempotency-Key) and maps err to the API's error list. Refusals change
// nothing else: the user's plan stays as it was.
func (p *Service) paymentError(ctx context.Context, orderID string, attempts int, err error) error {
	code, msg := toss.APIError(err)
	if toss.Declined(err) {
		te, _ := toss.AsError(err)
		if rerr := p.fs.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
			o, err := p.getOrder(ctx, tx, orderID)
			if err != nil || o.Attempts != attempts || o.Status == store.OrderPaid {
				return err // another replay recorded it already
			}
			return tx.Update(p.orders().Doc(orderID), []firestore.Update{
				{Path: "attempts", Value: attempts + 1}, {Path: "status", Value: store.OrderFailed},
				{Path: "failureCode", Value: te.Code}, {Path: "updatedAt", Value: p.now()},
			})
		}, txOpts...); rerr != nil {
			log.Printf("payments: record failure of order %s: %v", orderID, rerr)
		}
	}
	return &httpx.Error{Code: code, Message: msg, Cause: err}
}
