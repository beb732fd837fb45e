package store

import (
	"context"
	"fmt"
	"sort"
	"time"

	"cloud.google.com/go/firestore"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

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
	// Late are sync entries of earlier days that arrived on this day (see
	// LateEntry), by entry id.
	Late      map[string]LateEntry `firestore:"late,omitempty"`
	UpdatedAt time.Time            `firestore:"updatedAt"`
}

// LateEntry is a sync entry for a day before the day it arrived on: the
// settlement of an earlier day's block, or conversions made offline on an
// earlier day. It changes nothing any quota depends on (that day is over),
// so it is kept in the document the call writes anyway — the arrival day's —
// instead of costing a read and a write of the earlier day's document. Its
// day's full record is UsageRecord.
type LateEntry struct {
	Day    string    `firestore:"day"`
	Count  int       `firestore:"count"`
	Device string    `firestore:"device"`
	At     time.Time `firestore:"at"`
}

func (s *Store) dayRef(uid, day string) *firestore.DocumentRef {
	return s.FS.Collection(ColUsage).Doc(uid).Collection(ColDays).Doc(day)
}

func readDay(snap *firestore.DocumentSnapshot, err error) (DayDoc, error) {
	var d DayDoc
	if isNotFound(err) {
		return DayDoc{Reservations: map[string]Reservation{}, Late: map[string]LateEntry{}}, nil
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
	if d.Late == nil {
		d.Late = map[string]LateEntry{}
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
		d, err := readDay(tx.Get(ref))
		if err != nil {
			return err
		}
		var changed bool
		res, changed, err = reserveOn(&d, runID, count, limit, device, s.Now())
		if err != nil || !changed {
			return err
		}
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

// reserveOn applies a reservation to d (see Reserve); changed says whether d
// must be written.
func reserveOn(d *DayDoc, runID string, count int, limit *int, device string, now time.Time) (res ReserveResult, changed bool, err error) {
	if r, ok := d.Reservations[runID]; ok {
		return ReserveResult{Granted: r.Granted, Count: d.Count, Replayed: true}, false, nil
	}
	granted := count
	if limit != nil {
		granted = min(count, max(0, *limit-d.Count))
	}
	if granted == 0 {
		return ReserveResult{Count: d.Count}, false, ErrQuotaExceeded
	}
	d.Count += granted
	d.Reservations[runID] = Reservation{Kind: KindRun, Granted: granted, Device: device, At: now}
	d.UpdatedAt = now
	return ReserveResult{Granted: granted, Count: d.Count}, true, nil
}

// Sync applies entries of one day (see wire.SyncEntry): an entry whose id is an
// unsettled run reservation lowers that reservation to the count really used;
// an unknown id adds offline conversions; known ids are replays and change
// nothing. It returns how many entries were applied and the day's new count.
func (s *Store) Sync(ctx context.Context, uid, day string, entries []wire.SyncEntry, device string) (applied, count int, err error) {
	ref := s.dayRef(uid, day)
	err = s.FS.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
		d, err := readDay(tx.Get(ref))
		if err != nil {
			return err
		}
		applied = syncOn(&d, entries, device, s.Now())
		count = d.Count
		if applied == 0 {
			return nil
		}
		return tx.Set(ref, d)
	}, firestore.MaxAttempts(TxMaxAttempts))
	if err != nil {
		return 0, 0, fmt.Errorf("firestore sync usage %s/%s: %w", uid, day, err)
	}
	return applied, count, nil
}

// syncOn applies sync entries to d (see Sync) and returns how many it applied.
func syncOn(d *DayDoc, entries []wire.SyncEntry, device string, now time.Time) int {
	applied := 0
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
	if applied > 0 {
		d.UpdatedAt = now
	}
	return applied
}

// lateOn records entries of earlier days in d (the arrival day's document);
// an id already there is a replay. It returns how many it recorded.
func lateOn(d *DayDoc, entries []wire.SyncEntry, device string, now time.Time) int {
	n := 0
	for _, e := range entries {
		if _, ok := d.Late[e.ID]; ok {
			continue
		}
		d.Late[e.ID] = LateEntry{Day: e.Day, Count: e.Count, Device: device, At: now}
		n++
	}
	if n > 0 {
		d.UpdatedAt = now
	}
	return n
}

// SyncToday applies entries dated today (as Sync) and records entries of
// earlier days as late entries, in one transaction on today's document. It
// returns how many entries it applied (not replays) and today's count.
func (s *Store) SyncToday(ctx context.Context, uid, today string, todays, late []wire.SyncEntry, device string) (applied, count int, err error) {
	ref := s.dayRef(uid, today)
	err = s.FS.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
		d, err := readDay(tx.Get(ref))
		if err != nil {
			return err
		}
		now := s.Now()
		applied = syncOn(&d, todays, device, now) + lateOn(&d, late, device, now)
		count = d.Count
		if applied == 0 {
			return nil
		}
		return tx.Set(ref, d)
	}, firestore.MaxAttempts(TxMaxAttempts))
	if err != nil {
		return 0, 0, fmt.Errorf("firestore sync usage %s/%s: %w", uid, today, err)
	}
	return applied, count, nil
}

// lateWindow is how many days after a day its late entries may arrive (sync
// entries older than a month are ignored).
const lateWindow = 32

// UsageRecord is the number of conversions counted for day, with the late
// entries that arrived on the days after it applied as they would have been
// on the day: a settlement lowers its block, an offline entry adds, a replay
// of what the day already holds changes nothing. Admin and tests use it; it
// reads up to 33 documents.
func (s *Store) UsageRecord(ctx context.Context, uid, day string) (int, error) {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return 0, fmt.Errorf("usage record: day %q: %w", day, err)
	}
	refs := make([]*firestore.DocumentRef, 0, lateWindow+1)
	for i := 0; i <= lateWindow; i++ {
		refs = append(refs, s.dayRef(uid, t.AddDate(0, 0, i).Format(time.DateOnly)))
	}
	snaps, err := s.FS.GetAll(ctx, refs)
	if err != nil {
		return 0, fmt.Errorf("firestore usage record %s/%s: %w", uid, day, err)
	}
	d, err := readDay(snaps[0], nil)
	if !snaps[0].Exists() {
		d, err = readDay(nil, status.Error(codes.NotFound, "no day"))
	}
	if err != nil {
		return 0, err
	}
	var late []wire.SyncEntry
	seen := map[string]bool{}
	for _, snap := range snaps[1:] {
		if !snap.Exists() {
			continue
		}
		later, err := readDay(snap, nil)
		if err != nil {
			return 0, err
		}
		ids := make([]string, 0, len(later.Late))
		for id := range later.Late {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			if e := later.Late[id]; e.Day == day && !seen[id] {
				seen[id] = true
				late = append(late, wire.SyncEntry{ID: id, Day: day, Count: e.Count})
			}
		}
	}
	syncOn(&d, late, "", time.Time{})
	return d.Count, nil
}
