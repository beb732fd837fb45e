package payments

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log"
	"net/http"
	"sync"
	"time"

	"cloud.google.com/go/firestore"
	"google.golang.org/api/iterator"

	"imageconverter/functions/internal/httpx"
	"imageconverter/functions/internal/store"
	"imageconverter/functions/toss"
	"imageconverter/functions/wire"
)

// The renewal run (POST /v1/renewals/run) is called by Cloud Scheduler once a
// day (any number of times is fine). It finds billing/{uid} documents whose
// nextChargeAt has come — a single-field range query, no composite index —
// and for each one decides from the subscription what is due:
//   - auto-renew on: charge the billing key for the month that starts at the
//     current period end (first try 3 days before it); on success the period
//     is extended from the old end; on a decline the subscription is past_due,
//     a notice says when the card is tried again (days 1, 3 and 5 after the
//     first failure), and after the last failure auto-renew stops;
//   - auto-renew off (cancelled, or dunning gave up) and the period is over:
//     the subscription is expired and the user told so.
//
// A charge is claimed by creating orders/{orderId} with a deterministic id
// (user, period, attempt) in a transaction; the same id is Toss's orderId and
// Idempotency-Key, so concurrent or repeated runs charge once.

// maxRenewalsPerRun bounds one run (the rest are picked up by the next);
// renewalWorkers is how many are charged at once.
const (
	maxRenewalsPerRun = 500
	renewalWorkers    = 8
	// maxRenewalAttemptsPerPeriod bounds the failed orders of one period a
	// run looks past (dunning makes 4; each cancel/resume can add up to 4).
	maxRenewalAttemptsPerPeriod = 64
)

// runRenewals is POST /v1/renewals/run.
func (p *Service) runRenewals(w http.ResponseWriter, r *http.Request) error {
	if err := p.checkRenewalCaller(r); err != nil {
		return err
	}
	rep, err := p.renewDue(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, rep)
	return nil
}

// renewDue processes every billing document due now.
func (p *Service) renewDue(ctx context.Context) (wire.RenewalReport, error) {
	var rep wire.RenewalReport
	it := p.fs.Collection(store.ColBilling).Where("nextChargeAt", "<=", p.now()).Limit(maxRenewalsPerRun).Documents(ctx)
	defer it.Stop()
	var uids []string
	for {
		snap, err := it.Next()
		if err == iterator.Done {
			break
		}
		if err != nil {
			return rep, fmt.Errorf("firestore query due renewals: %w", err)
		}
		uids = append(uids, snap.Ref.ID)
	}
	rep.Due = len(uids)
	// A few renewals at a time: a Toss approval waits on the card company
	// (often a second or more), and each user's renewal is independent.
	var mu sync.Mutex
	sem := make(chan struct{}, renewalWorkers)
	var wg sync.WaitGroup
	for _, uid := range uids {
		if ctx.Err() != nil {
			break // out of time: the rest stay due for the next run
		}
		sem <- struct{}{}
		wg.Add(1)
		go func(uid string) {
			defer func() { <-sem; wg.Done() }()
			out, err := p.renewOne(ctx, uid)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				log.Printf("renewals: %s: %v", uid, err)
				rep.Errors++
				return
			}
			switch out {
			case renewCharged:
				rep.Charged++
			case renewDeclined:
				rep.Declined++
			case renewEnded:
				rep.Ended++
			default:
				rep.Skipped++
			}
		}(uid)
	}
	wg.Wait()
	return rep, nil
}

type renewOutcome int

const (
	renewSkipped renewOutcome = iota
	renewCharged
	renewDeclined
	renewEnded
)

// renewalOrderID names attempt n of the renewal of the period ending at end.
func (p *Service) renewalOrderID(uid string, end time.Time, attempt int) string {
	sum := sha256.Sum256([]byte(uid))
	return fmt.Sprintf("rn_%s_%s_%d", hex.EncodeToString(sum[:8]), end.In(p.loc).Format("20060102"), attempt)
}

// renewOne handles one user; see the comment at the top of the file.
func (p *Service) renewOne(ctx context.Context, uid string) (renewOutcome, error) {
	var (
		outcome = renewSkipped
		orderID string
		charge  toss.BillingChargeRequest
		key     string
		ended   *store.SubscriptionDoc
	)
	err := p.fs.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
		outcome, orderID, ended = renewSkipped, "", nil
		now := p.now()
		var bill store.BillingDoc
		if found, err := getDoc(tx, p.billingRef(uid), &bill); err != nil || !found {
			return err
		}
		if bill.NextChargeAt == nil || bill.NextChargeAt.After(now) {
			return nil // another run got here first
		}
		var sub store.SubscriptionDoc
		hasSub, err := getDoc(tx, p.store.SubscriptionRef(uid), &sub)
		if err != nil {
			return err
		}
		live := hasSub && (sub.Status == wire.StatusActive || sub.Status == wire.StatusPastDue || sub.Status == wire.StatusCanceled)
		if !live {
			return tx.Update(p.billingRef(uid), []firestore.Update{{Path: "nextChargeAt", Value: firestore.Delete}, {Path: "updatedAt", Value: now}})
		}
		if !sub.AutoRenew || bill.BillingKey == "" {
			if now.Before(sub.CurrentPeriodEnd) {
				// Not over yet: come back at the end.
				return tx.Update(p.billingRef(uid), []firestore.Update{{Path: "nextChargeAt", Value: sub.CurrentPeriodEnd}, {Path: "updatedAt", Value: now}})
			}
			to, err := p.recipient(ctx, tx, uid)
			if err != nil {
				return err
			}
			s, err := p.endSubscription(ctx, tx, uid, sub, to, sub.CurrentPeriodEnd, "ended-"+p.renewalOrderID(uid, sub.CurrentPeriodEnd, 0))
			if err != nil {
				return err
			}
			outcome, ended = renewEnded, s
			return nil
		}
		plan := sub.Plan
		if bill.PendingPlan != "" {
			plan = bill.PendingPlan
		}
		pl, err := p.store.Plan(ctx, plan)
		if err != nil {
			return err
		}
		if pl.ID != plan || pl.PriceKRW <= 0 {
			return fmt.Errorf("renewal plan %q has no price", plan)
		}
		end := sub.CurrentPeriodEnd
		// The attempt number starts at failedAttempts but moves past any
		// attempt of this period that already failed: cancel/resume (or a
		// new card) resets failedAttempts, and reusing a failed order id
		// would skip the charge on every run while auto-renew shows on.
		attempt := bill.FailedAttempts
		var (
			id     string
			ref    *firestore.DocumentRef
			o      store.OrderDoc
			exists bool
		)
		for {
			id = p.renewalOrderID(uid, end, attempt)
			ref = p.orders().Doc(id)
			o = store.OrderDoc{}
			if exists, err = getDoc(tx, ref, &o); err != nil {
				return err
			}
			if !exists || o.Status != store.OrderFailed {
				break
			}
			if attempt++; attempt > bill.FailedAttempts+maxRenewalAttemptsPerPeriod {
				return fmt.Errorf("renewal of %s for %s: more than %d failed attempts", uid, end, maxRenewalAttemptsPerPeriod)
			}
		}
		if exists {
			if o.Status != store.OrderCharging || now.Sub(o.UpdatedAt) < chargeLease {
				return nil // done, or in flight in another run
			}
			// The run that claimed it died: take over with the same
			// Idempotency-Key, so Toss answers with its first result if any.
			if err := tx.Update(ref, []firestore.Update{{Path: "updatedAt", Value: now}}); err != nil {
				return err
			}
		} else {
			o = store.OrderDoc{UID: uid, Plan: pl.ID, Mode: modeSubscription, Kind: kindRenewal, Amount: int64(pl.PriceKRW),
				OrderName: fmt.Sprintf("ImageConverter %s 1개월 (자동 갱신)", pl.Name), CustomerKey: bill.CustomerKey,
				Status: store.OrderCharging, Attempts: attempt, RenewsPeriodEnd: &end,
				CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(orderTTL)}
			if err := tx.Create(ref, o); err != nil {
				return err
			}
		}
		orderID, key = id, bill.BillingKey
		charge = toss.BillingChargeRequest{CustomerKey: bill.CustomerKey, Amount: o.Amount, OrderID: id, OrderName: o.OrderName}
		return nil
	}, txOpts...)
	if err != nil {
		return renewSkipped, err
	}
	if ended != nil {
		p.afterChange(ctx, uid, ended)
	}
	if orderID == "" {
		return outcome, nil
	}
	tp, err := p.charge(ctx, key, charge)
	if err != nil {
		if !toss.Declined(err) {
			// Unknown outcome: the order stays "charging"; after the lease a
			// later run retries with the same Idempotency-Key.
			return renewSkipped, err
		}
		sub, err := p.renewalDeclined(ctx, uid, orderID, err)
		if err != nil {
			return renewSkipped, err
		}
		p.afterChange(ctx, uid, sub)
		return renewDeclined, nil
	}
	sub, _, err := p.applyPaid(ctx, orderID, tp)
	if err != nil {
		return renewSkipped, err
	}
	p.afterChange(ctx, uid, sub)
	return renewCharged, nil
}

// renewalDeclined records a refused renewal: past_due and the next retry, or
// — after the last retry — auto-renew off (the plan ends at the period end,
// or now if that has passed).
func (p *Service) renewalDeclined(ctx context.Context, uid, orderID string, cause error) (*store.SubscriptionDoc, error) {
	te, _ := toss.AsError(cause)
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
			{Path: "status", Value: store.OrderFailed}, {Path: "failureCode", Value: te.Code}, {Path: "updatedAt", Value: now},
		}); err != nil {
			return err
		}
		if !sub.AutoRenew {
			// Auto-renew was turned off while the charge was in flight:
			// no dunning; the period runs out and the run ends it.
			return tx.Update(p.billingRef(uid), []firestore.Update{
				{Path: "lastFailureCode", Value: te.Code}, {Path: "nextChargeAt", Value: sub.CurrentPeriodEnd}, {Path: "updatedAt", Value: now},
			})
		}
		// The dunning stage counts the failures since the last success (or
		// resume), not the order's attempt number (which never goes back).
		failures := bill.FailedAttempts + 1
		first := now
		if bill.FirstFailureAt != nil {
			first = *bill.FirstFailureAt
		}
		_, msg := toss.APIError(cause)
		next, retry := nextRetry(first, failures, p.loc)
		n := notice{Kind: mailRenewalFailure, PlanName: o.Plan, Amount: o.Amount, PeriodEnd: sub.CurrentPeriodEnd, Reason: msg}
		billUpd := []firestore.Update{
			{Path: "failedAttempts", Value: failures}, {Path: "firstFailureAt", Value: first},
			{Path: "lastFailureCode", Value: te.Code}, {Path: "updatedAt", Value: now},
		}
		if retry {
			n.NextRetry = next
			billUpd = append(billUpd, firestore.Update{Path: "nextChargeAt", Value: next})
			out.Status = wire.StatusPastDue
		} else if now.Before(sub.CurrentPeriodEnd) {
			// Last try failed before the paid period is over: keep it, then end.
			out.Status, out.AutoRenew, out.CancelAtPeriodEnd = wire.StatusPastDue, false, true
			billUpd = append(billUpd, firestore.Update{Path: "nextChargeAt", Value: sub.CurrentPeriodEnd})
		} else {
			if err := p.queueMail(ctx, tx, "renewal-failed-"+orderID, uid, to, n); err != nil {
				return err
			}
			s, err := p.endSubscription(ctx, tx, uid, sub, to, sub.CurrentPeriodEnd, "ended-"+orderID, billUpd[:3]...)
			if err != nil {
				return err
			}
			out = *s
			return nil
		}
		out.UpdatedAt = now
		if err := tx.Set(p.store.SubscriptionRef(uid), out); err != nil {
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

// endSubscription ends sub at endedAt inside tx: expired, auto-renew off,
// nothing more to charge, and the "subscription ended" notice (mail id mailID).
// extra are more billing/{uid} updates of the same transaction (a document
// is written once per transaction).
func (p *Service) endSubscription(ctx context.Context, tx *firestore.Transaction, uid string, sub store.SubscriptionDoc,
	to recipient, endedAt time.Time, mailID string, extra ...firestore.Update) (*store.SubscriptionDoc, error) {
	now := p.now()
	s := sub
	s.Status, s.AutoRenew, s.CancelAtPeriodEnd, s.UpdatedAt = wire.StatusExpired, false, false, now
	if endedAt.Before(s.CurrentPeriodEnd) {
		s.CurrentPeriodEnd = endedAt
	}
	if err := tx.Set(p.store.SubscriptionRef(uid), s); err != nil {
		return nil, err
	}
	if err := tx.Update(p.billingRef(uid), append([]firestore.Update{
		{Path: "nextChargeAt", Value: firestore.Delete}, {Path: "pendingPlan", Value: firestore.Delete}, {Path: "updatedAt", Value: now},
	}, extra...)); err != nil {
		return nil, err
	}
	if err := p.queueMail(ctx, tx, mailID, uid, to, notice{Kind: mailEnded, PlanName: sub.Plan, PeriodEnd: s.CurrentPeriodEnd}); err != nil {
		return nil, err
	}
	return &s, nil
}
