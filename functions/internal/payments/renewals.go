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
			case renewNeedsOperator:
				rep.NeedsOperator++
			case renewRetrying:
				rep.Retrying++
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
	renewNeedsOperator
	renewRetrying
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
			switch {
			case o.Status != store.OrderCharging:
				return nil // done
			case o.RetryAt != nil && now.Before(*o.RetryAt):
				return nil // a temporary failure: not yet
			case o.RetryAt == nil && now.Sub(o.UpdatedAt) < chargeLease:
				return nil // in flight in another run
			}
			// Due again after a temporary failure, or the run that claimed
			// it died: send it again with the same Idempotency-Key, so Toss
			// answers with its first result if there was one. Clearing
			// retryAt puts the lease on it for other runs.
			if err := tx.Update(ref, []firestore.Update{{Path: "retryAt", Value: firestore.Delete}, {Path: "updatedAt", Value: now}}); err != nil {
				return err
			}
		} else {
			o = store.OrderDoc{UID: uid, Plan: pl.ID, Mode: modeSubscription, Kind: kindRenewal, Amount: int64(pl.PriceKRW),
				OrderName: fmt.Sprintf("ImageConverter %s 1개월 (자동 갱신)", pl.Name), CustomerKey: bill.CustomerKey,
				Merchant: merchantBilling, Status: store.OrderCharging, Attempts: attempt, RenewsPeriodEnd: &end,
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
	switch toss.ActionOf(err) {
	case 0:
		return p.renewalPaid(ctx, uid, orderID, tp)
	case toss.Decline, toss.Operator, toss.Lookup:
		// (Lookup: charge looks a duplicate order up; still failing, the
		// order id was used by something we cannot match: a person looks.)
		return p.renewalRefused(ctx, uid, orderID, refusalOf(err, false))
	}
	// Temporary, or the outcome is unknown: the same request again later.
	again, rerr := p.renewalRetryLater(ctx, uid, orderID, err)
	if rerr != nil || again {
		return renewRetrying, rerr
	}
	// Still failing after every retry: if it did go through meanwhile, the
	// payment is there; if not, a new attempt (new order id and key) cannot
	// charge twice, and a person must look.
	tp, lerr := p.billing.GetPaymentByOrderID(ctx, orderID)
	switch {
	case lerr == nil && tp.Status == toss.StatusDone:
		return p.renewalPaid(ctx, uid, orderID, tp)
	case toss.HasCode(lerr, toss.CodeNotFoundPayment):
		return p.renewalRefused(ctx, uid, orderID, refusalOf(err, true))
	case lerr == nil:
		lerr = fmt.Errorf("payment of renewal order %s is %s", orderID, tp.Status)
	}
	return renewSkipped, fmt.Errorf("renewal %s of %s failed (%v) and could not be checked: %w", orderID, uid, err, lerr)
}

func (p *Service) renewalPaid(ctx context.Context, uid, orderID string, tp *toss.Payment) (renewOutcome, error) {
	sub, _, err := p.applyPaid(ctx, orderID, tp)
	if err != nil {
		return renewSkipped, err
	}
	p.afterChange(ctx, uid, sub)
	return renewCharged, nil
}

func (p *Service) renewalRefused(ctx context.Context, uid, orderID string, r refusal) (renewOutcome, error) {
	sub, err := p.renewalFailed(ctx, uid, orderID, r)
	if err != nil {
		return renewSkipped, err
	}
	p.afterChange(ctx, uid, sub)
	if r.operator {
		return renewNeedsOperator, nil
	}
	return renewDeclined, nil
}
