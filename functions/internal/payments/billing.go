package payments

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"

	"cloud.google.com/go/firestore"

	"imageconverter/functions/internal/httpx"
	"imageconverter/functions/internal/store"
	"imageconverter/functions/toss"
	"imageconverter/functions/wire"
)

// tossOrderID is the Toss orderId of attempt n of our order: Toss refuses an
// orderId that was already approved or canceled, and a retry after a decline
// must not depend on whether it counts an aborted one.
func tossOrderID(orderID string, attempt int) string {
	if attempt == 0 {
		return orderID
	}
	return fmt.Sprintf("%s-%d", orderID, attempt)
}

// issueBilling exchanges the authKey for a billing key, keeps the key in
// billing/{uid} (server only), charges the first month and turns auto-renew on.
func (p *Service) issueBilling(w http.ResponseWriter, r *http.Request) error {
	var req wire.BillingIssueRequest
	if err := httpx.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.AuthKey == "" || len(req.AuthKey) > 300 || req.CustomerKey == "" || !httpx.ValidID(req.OrderID) {
		return httpx.Invalid("authKey, customerKey and orderId are required.")
	}
	ctx := r.Context()
	o, err := p.getOrder(ctx, nil, req.OrderID)
	if err != nil {
		return err
	}
	if err := p.orderCaller(r, o); err != nil {
		return err
	}
	if o.Mode != modeSubscription || o.Kind == kindRenewal {
		return httpx.Invalid("This order is a one-time payment; it is completed by paying in the payment window.")
	}
	if req.CustomerKey != o.CustomerKey {
		return httpx.Invalid("The customer key does not belong to this order.")
	}
	if o.Status == store.OrderPaid {
		return p.respondCurrent(ctx, w, o, req.OrderID)
	}
	if p.now().After(o.ExpiresAt) {
		return httpx.Errorf(wire.CodeConflict, "This order has expired. Please start again from the app.")
	}
	// The authKey is single-use, so it names the issue call (hashed: a key
	// is at most 300 characters and need not show the authKey).
	sum := sha256.Sum256([]byte(req.AuthKey))
	b, err := p.billing.IssueBillingKey(ctx, toss.IssueBillingKeyRequest{AuthKey: req.AuthKey, CustomerKey: o.CustomerKey}, "issue-"+hex.EncodeToString(sum[:16]))
	if err != nil {
		code, msg := toss.APIError(err)
		return &httpx.Error{Code: code, Message: msg, Cause: err}
	}
	// The new card is stored only with its first successful charge (in
	// applyPaid's transaction): a declined card must not replace the one the
	// renewals charge (a user in dunning keeps the old card until a new one
	// has paid).
	upd := []firestore.Update{{Path: "billingKey", Value: b.BillingKey}}
	if b.Card != nil {
		upd = append(upd, firestore.Update{Path: "cardNumber", Value: b.Card.Number})
	} else if b.CardNumber != "" {
		upd = append(upd, firestore.Update{Path: "cardNumber", Value: b.CardNumber})
	}
	if b.CardCompany != "" {
		upd = append(upd, firestore.Update{Path: "cardCompany", Value: b.CardCompany})
	}

	tid := tossOrderID(req.OrderID, o.Attempts)
	tp, err := p.charge(ctx, b.BillingKey, toss.BillingChargeRequest{
		CustomerKey: o.CustomerKey, Amount: o.Amount, OrderID: tid, OrderName: o.OrderName,
	})
	if err != nil {
		return p.paymentError(ctx, req.OrderID, o.Attempts, err)
	}
	if tp.OrderID == tid {
		tp.OrderID = req.OrderID // the order the charge pays for
	}
	sub, _, err := p.applyPaid(ctx, req.OrderID, tp, upd...)
	if err != nil {
		return err
	}
	p.afterChange(ctx, o.UID, sub)
	resp := p.subscriptionResponse(sub, "")
	resp.OrderID, resp.PaymentKey, resp.Amount = req.OrderID, tp.PaymentKey, tp.TotalAmount
	httpx.WriteJSON(w, http.StatusOK, resp)
	return nil
}
