package payments

import (
	"context"
	"fmt"
	"log"
	"time"

	"cloud.google.com/go/firestore"

	"imageconverter/functions/internal/store"
	"imageconverter/functions/toss"
	"imageconverter/functions/wire"
)

// What a failed renewal charge leads to (toss.Codes decides which):
//   - toss.Retry (a temporary failure, or no answer): the order stays
//     "charging" and is sent again with the same Idempotency-Key after
//     retryBackoff (1, 4, 12 hours; the scheduler runs hourly). Nothing is
//     shown or mailed. If it still fails after the last retry, Toss is asked
//     whether the order was paid after all; if not, it counts as a refusal
//     that needs an operator (below).
//   - toss.Decline: dunning. The subscription is past_due with a renewal
//     issue "card_declined", the customer is mailed when the card is tried
//     again (1, 3, 5 days after the first failure, each a new order id), and
//     after the last failure the subscription ends at the period end.
//   - toss.Operator: the same schedule, but the issue is "payment_error",
//     the customer's mail says it is being looked at, billing/{uid} carries
//     operatorAlert and the operator is mailed (OPERATOR_EMAIL).

// retryBackoff is the wait before each retry of a temporarily failing charge.
var retryBackoff = []time.Duration{time.Hour, 4 * time.Hour, 12 * time.Hour}

// refusal is a renewal charge that will not go through with this order.
type refusal struct {
	code, message string
	// operator: the customer cannot fix it (anything but toss.Decline, or a
	// temporary failure that did not pass).
	operator bool
}

// refusalOf describes err; stillFailing marks a temporary failure that
// outlasted retryBackoff.
func refusalOf(err error, stillFailing bool) refusal {
	r := refusal{code: "NO_ANSWER", message: err.Error(), operator: stillFailing || toss.ActionOf(err) != toss.Decline}
	if te, ok := toss.AsError(err); ok {
		r.code, r.message = te.Code, te.Message
	}
	if stillFailing {
		r.message = fmt.Sprintf("still failing after %d retries: %s", len(retryBackoff), r.message)
	}
	return r
}

// renewalRetryLater schedules the next try of a renewal charge that failed
// for a temporary reason. again is false when no retry is left (nothing is
// written then: the caller checks the order with Toss).
func (p *Service) renewalRetryLater(ctx context.Context, uid, orderID string, cause error) (again bool, err error) {
	code := "NO_ANSWER"
	if te, ok := toss.AsError(cause); ok {
		code = te.Code
	}
	err = p.fs.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
		again = false
		o, err := p.getOrder(ctx, tx, orderID)
		if err != nil {
			return err
		}
		if o.Status != store.OrderCharging {
			again = true // recorded by another run
			return nil
		}
		n := o.TemporaryFailures + 1
		if n > len(retryBackoff) {
			return nil
		}
		now := p.now()
		at := now.Add(retryBackoff[n-1])
		again = true
		if err := tx.Update(p.orders().Doc(orderID), []firestore.Update{
			{Path: "temporaryFailures", Value: n}, {Path: "retryAt", Value: at},
			{Path: "failureCode", Value: code}, {Path: "updatedAt", Value: now},
		}); err != nil {
			return err
		}
		return tx.Update(p.billingRef(uid), []firestore.Update{
			{Path: "nextChargeAt", Value: at}, {Path: "lastFailureCode", Value: code}, {Path: "updatedAt", Value: now},
		})
	}, txOpts...)
	if err == nil && again {
		log.Printf("renewals: %s order %s: temporary failure %s (%v); retried later with the same key", uid, orderID, code, cause)
	}
	return again, err
}

// renewalFailed records a refused renewal: past_due with a renewal issue and
// the next attempt, or — after the last attempt — auto-renew off (the plan
// ends at the period end, or now if that has passed).
func (p *Service) renewalFailed(ctx context.Context, uid, orderID string, r refusal) (*store.SubscriptionDoc, error) {
	var out store.SubscriptionDoc
	err := p.fs.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
		now := p.now()
		o, err := p.getOrder(ctx, tx, orderID)
		if err != nil {
			return err
		}
		var sub store.SubscriptionDoc
		if _, err := getDoc(tx, p.store.SubscriptionRef(uid), &sub); err != nil {
			return err
		}
		var bill store.BillingDoc
		if _, err := getDoc(tx, p.billingRef(uid), &bill); err != nil {
			return err
		}
		to, err := p.recipient(ctx, tx, uid)
		if err != nil {
			return err
		}
		out = sub
		if o.Status != store.OrderCharging {
			return nil // recorded by another run
		}
		if err := tx.Update(p.orders().Doc(orderID), []firestore.Update{
			{Path: "status", Value: store.OrderFailed}, {Path: "failureCode", Value: r.code},
			{Path: "needsOperator", Value: r.operator}, {Path: "retryAt", Value: firestore.Delete}, {Path: "updatedAt", Value: now},
		}); err != nil {
			return err
		}
		billUpd := []firestore.Update{{Path: "lastFailureCode", Value: r.code}, {Path: "updatedAt", Value: now}}
		if r.operator {
			billUpd = append(billUpd, firestore.Update{Path: "operatorAlert", Value: store.OperatorAlert{Code: r.code, Message: r.message, OrderID: orderID, At: now}})
			if err := p.alertOperator(ctx, tx, uid, orderID, o, r); err != nil {
				return err
			}
		}
		if !sub.AutoRenew {
			// Auto-renew was turned off while the charge was in flight:
			// no dunning; the period runs out and the run ends it.
			return tx.Update(p.billingRef(uid), append(billUpd, firestore.Update{Path: "nextChargeAt", Value: sub.CurrentPeriodEnd}))
		}
		// The dunning stage counts the failures since the last success (or
		// resume), not the order's attempt number (which never goes back).
		failures := bill.FailedAttempts + 1
		first := now
		if bill.FirstFailureAt != nil {
			first = *bill.FirstFailureAt
		}
		next, retry := nextRetry(first, failures, p.loc)
		n := notice{Kind: mailRenewalFailure, PlanName: o.Plan, Amount: o.Amount, PeriodEnd: sub.CurrentPeriodEnd, Reason: r.message}
		issue := &store.RenewalIssueDoc{Reason: wire.RenewalCardDeclined, Since: first}
		if r.operator {
			n.Kind, n.Reason, issue.Reason = mailRenewalProblem, "", wire.RenewalPaymentError
		}
		billUpd = append(billUpd, firestore.Update{Path: "failedAttempts", Value: failures}, firestore.Update{Path: "firstFailureAt", Value: first})
		switch {
		case retry:
			n.NextRetry, issue.NextAttempt = next, &next
			billUpd = append(billUpd, firestore.Update{Path: "nextChargeAt", Value: next})
			out.Status = wire.StatusPastDue
		case now.Before(sub.CurrentPeriodEnd):
			// Last try failed before the paid period is over: keep it, then end.
			out.Status, out.AutoRenew, out.CancelAtPeriodEnd = wire.StatusPastDue, false, true
			billUpd = append(billUpd, firestore.Update{Path: "nextChargeAt", Value: sub.CurrentPeriodEnd})
		default:
			if err := p.queueMail(ctx, tx, "renewal-failed-"+orderID, uid, to, n); err != nil {
				return err
			}
			s, err := p.endSubscription(ctx, tx, uid, sub, to, sub.CurrentPeriodEnd, "ended-"+orderID, billUpd...)
			if err != nil {
				return err
			}
			out = *s
			return nil
		}
		out.RenewalIssue, out.UpdatedAt = issue, now
		if err := p.store.SetSubscriptionTx(tx, uid, out); err != nil {
			return err
		}
		if err := tx.Update(p.billingRef(uid), billUpd); err != nil {
			return err
		}
		return p.queueMail(ctx, tx, "renewal-failed-"+orderID, uid, to, n)
	}, txOpts...)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// alertOperator logs a renewal refusal a person must look at and mails the
// operator (mail/operator-<orderId>, created in tx).
func (p *Service) alertOperator(ctx context.Context, tx *firestore.Transaction, uid, orderID string, o *store.OrderDoc, r refusal) error {
	log.Printf("payments: OPERATOR: renewal %s of user %s refused by Toss: %s: %s (billing/%s.operatorAlert)", orderID, uid, r.code, r.message, uid)
	if p.cfg.OperatorEmail == "" {
		return nil
	}
	return tx.Create(p.fs.Collection(store.ColMail).Doc("operator-"+orderID), operatorMail(p.cfg.OperatorEmail, uid, orderID, o, r, p.now()))
}

// endSubscription ends sub at endedAt inside tx: expired, auto-renew off,
// nothing more to charge, and the "subscription ended" notice (mail id mailID).
// extra are more billing/{uid} updates of the same transaction (a document
// is written once per transaction).
func (p *Service) endSubscription(ctx context.Context, tx *firestore.Transaction, uid string, sub store.SubscriptionDoc,
	to recipient, endedAt time.Time, mailID string, extra ...firestore.Update) (*store.SubscriptionDoc, error) {
	now := p.now()
	s := sub
	s.Status, s.AutoRenew, s.CancelAtPeriodEnd, s.UpdatedAt, s.RenewalIssue = wire.StatusExpired, false, false, now, nil
	if endedAt.Before(s.CurrentPeriodEnd) {
		s.CurrentPeriodEnd = endedAt
	}
	if err := p.store.SetSubscriptionTx(tx, uid, s); err != nil {
		return nil, err
	}
	upd := []firestore.Update{{Path: "nextChargeAt", Value: firestore.Delete}, {Path: "pendingPlan", Value: firestore.Delete}, {Path: "updatedAt", Value: now}}
	for _, u := range extra {
		if u.Path != "updatedAt" && u.Path != "nextChargeAt" {
			upd = append(upd, u)
		}
	}
	if err := tx.Update(p.billingRef(uid), upd); err != nil {
		return nil, err
	}
	if err := p.queueMail(ctx, tx, mailID, uid, to, notice{Kind: mailEnded, PlanName: sub.Plan, PeriodEnd: s.CurrentPeriodEnd}); err != nil {
		return nil, err
	}
	return &s, nil
}
