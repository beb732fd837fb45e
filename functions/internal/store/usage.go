package store

import (
	"context"
	"fmt"
	"time"

	"cloud.google.com/go/firestore"

	"imageconverter/functions/wire"
)

// DayKey is the quota day of t in loc, as used in usage/{uid}/days/{YYYY-MM-DD}.
func DayKey(t time.Time, loc *time.Location) string { return t.In(loc).Format(time.DateOnly) }

// Reservation kinds.
const (
	KindRun     = "run"     // granted by POST /v1/usage/reserve
	KindOffline = "offline" // recorded by POST /v1/usage/sync
)

// Reservation is one entry of the reservations map of a day, keyed by run id.
type Reservation struct {
	Kind    string    `firestore:"kind"`
	Granted int       `firestore:"granted"` // conversions counted for it
	Settled bool      `firestore:"settled"` // a sync reported what the run really used
	Device  string    `firestore:"device"`
	At      time.Time `firestore:"at"`
}

// DayDoc is usage/{uid}/days/{YYYY-MM-DD}.
type DayDoc struct {
	Count        int                    `firestore:"count"`
	Reservations map[string]Reservation `firestore:"reservations"`
	UpdatedAt    time.Time              `firestore:"updatedAt"`
}

func (s *Store) dayRef(uid, day string) *firestore.DocumentRef {
	return s.FS.Collection(ColUsage).Doc(uid).Collection(ColDays).Doc(day)
}

func readDay(snap *firestore.DocumentSnapshot, err error) (DayDoc, error) {
	var d DayDoc
	if isNotFound(err) {
		return DayDoc{Reservations: map[string]Reservation{}}, nil
	}
	if err != nil {
		return d, err
	}
	if err := snap.DataTo(&d); err != nil {
		return d, err
	}
	if d.Reservations == nil {
		d.Reservations = map[string]Reservation{}
	}
	return d, nil
}

// UsageOn returns the conversions counted for uid on day.
func (s *Store) UsageOn(ctx context.Context, uid, day string) (int, error) {
	d, err := readDay(s.dayRef(uid, day).Get(ctx))
	if err != nil {
		return 0, fmt.Errorf("firestore get usage %s/%s: %w", uid, day, err)
	}
	return d.Count, nil
}

// ReserveResult is the outcome of Reserve.
type ReserveResult struct {
	Granted  int
	Count    int  // the day's count after the reservation
	Replayed bool // the run id had been reserved before; nothing changed
}

// Reserve grants up to count conversions for run runID on day, never letting
// the day's count exceed limit (nil = unlimited). It runs in a transaction, so
// concurrent reservations from several devices are serialised, and it is
// idempotent: a run id already reserved that day returns its first grant.
// When nothing is left it returns ErrQuotaExceeded and records nothing.
func (s *Store) Reserve(ctx context.Context, uid, day, runID string, count int, limit *int, device string) (ReserveResult, error) {
	var res ReserveResult
	ref := s.dayRef(uid, day)
	err := s.FS.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
		res = ReserveResult{}
		d, err := readDay(tx.Get(ref))
		if err != nil {
			return err
		}
		if r, ok := d.Reservations[runID]; ok {
			res = ReserveResult{Granted: r.Granted, Count: d.Count, Replayed: true}
			return nil
		}
		granted := count
		if limit != nil {
			granted = min(count, max(0, *limit-d.Count))
		}
		if granted == 0 {
			res.Count = d.Count
			return ErrQuotaExceeded
		}
		now := s.Now()
		d.Count += granted
		d.Reservations[runID] = Reservation{Kind: KindRun, Granted: granted, Device: device, At: now}
		d.UpdatedAt = now
		res = ReserveResult{Granted: granted, Count: d.Count}
		return tx.Set(ref, d)
	}, firestore.MaxAttempts(TxMaxAttempts))
	if err == ErrQuotaExceeded {
		return res, err
	}
	if err != nil {
		return ReserveResult{}, fmt.Errorf("firestore reserve %s/%s run %s: %w", uid, day, runID, err)
	}
	return res, nil
}

// Sync applies entries of one day (see wire.SyncEntry): an entry whose id is an
// unsettled run reservation lowers that reservation to the count really used;
// an unknown id adds offline conversions; known ids are replays and change
// nothing. It returns how many entries were applied and the day's new count.
func (s *Store) Sync(ctx context.Context, uid, day string, entries []wire.SyncEntry, device string) (applied, count int, err error) {
	ref := s.dayRef(uid, day)
	err = s.FS.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
		applied = 0
		d, err := readDay(tx.Get(ref))
		if err != nil {
			return err
		}
		now := s.Now()
		for _, e := range entries {
			r, ok := d.Reservations[e.ID]
			switch {
			case ok && r.Kind == KindRun && !r.Settled:
				used := min(e.Count, r.Granted)
				d.Count -= r.Granted - used
				r.Granted, r.Settled, r.At = used, true, now
				d.Reservations[e.ID] = r
			case ok:
				continue // replay
			default:
				d.Count += e.Count
				d.Reservations[e.ID] = Reservation{Kind: KindOffline, Granted: e.Count, Settled: true, Device: device, At: now}
			}
			applied++
		}
		count = d.Count
		if applied == 0 {
			return nil
		}
		d.UpdatedAt = now
		return tx.Set(ref, d)
	}, firestore.MaxAttempts(TxMaxAttempts))
	if err != nil {
		return 0, 0, fmt.Errorf("firestore sync usage %s/%s: %w", uid, day, err)
	}
	return applied, count, nil
}
