package licensing

import (
	"context"

	"imageconverter/functions/wire"
)

// Grant is the answer to Reserve.
type Grant struct {
	RunID     string `json:"runId"`
	Granted   int    `json:"granted"`   // conversions this run may write (≤ asked)
	Remaining *int   `json:"remaining"` // left today after this grant; nil = unlimited
	Day       string `json:"day"`
	Offline   bool   `json:"offline"` // granted by the local ledger (server not reachable)
}

// Reserve asks for n conversions for a run before it starts. Online the
// server grants at most what is left today (idempotent by runID); offline,
// or signed out, the local ledger grants against the effective plan's daily
// limit. Granted 0 with a nil error means today's conversions are used up.
// Call Commit with the number of files actually written when the run ends.
func (s *Service) Reserve(ctx context.Context, runID string, n int) (Grant, error) {
	if runID == "" || n < 0 {
		return Grant{}, &Error{Code: string(wire.CodeInvalidArgument), Message: "A run needs an id and a number of files."}
	}
	s.mu.Lock()
	signedIn := s.st.Session != nil
	led := &s.st.Ledger
	if !signedIn {
		led = &s.st.AnonLedger
	}
	if e := led.find(runID); e != nil { // a repeated Reserve answers the same
		g := Grant{RunID: runID, Granted: e.Granted, Day: e.Day, Offline: e.Offline}
		s.mu.Unlock()
		g.Remaining = s.Status().Remaining
		return g, nil
	}
	s.mu.Unlock()
	if n == 0 {
		return Grant{RunID: runID, Remaining: s.Status().Remaining, Day: s.Status().Day}, nil
	}
	if signedIn {
		// Offline: the ledger decides below. device_limit: this computer has
		// no entitlement, so Status (and Decide) already hold it to the Free
		// plan; its runs are still counted by the server.
		// A slow or silent network must not hold a run for minutes: the
		// online part has a budget, after which the ledger decides.
		octx, cancel := context.WithTimeout(ctx, s.onlineBudget)
		defer cancel()
		budgetSpent := func(err error) bool { return ctx.Err() == nil && octx.Err() != nil && err != nil }
		if err := s.EnsureFresh(octx); err != nil && !isOffline(err) && !budgetSpent(err) && ErrorCode(err) != string(wire.CodeDeviceLimit) {
			return Grant{}, err
		}
		g, err := s.reserveOnline(octx, runID, n)
		if err == nil || !(isOffline(err) || budgetSpent(err)) {
			return g, err
		}
		if budgetSpent(err) {
			s.mu.Lock()
			s.offline = true
			s.mu.Unlock()
		}
	}
	return s.reserveOffline(runID, n)
}

func (s *Service) reserveOnline(ctx context.Context, runID string, n int) (Grant, error) {
	// Offline runs must be counted before the server grants more, or two
	// devices could together exceed the limit. Settlements (reservations
	// that used fewer than granted) only give conversions back: send them
	// when today's known remaining would not cover n.
	st := s.Status()
	giveBack := st.Remaining != nil && *st.Remaining < n
	if err := s.syncPending(ctx, !giveBack); err != nil {
		return Grant{}, err
	}
	resp, meta, err := s.api.Reserve(ctx, wire.ReserveRequest{RunID: runID, Count: n})
	if err != nil {
		if ErrorCode(toError(err)) == string(wire.CodeQuotaExceeded) {
			s.mu.Lock()
			s.offline = false
			s.mu.Unlock()
			zero := 0
			return Grant{RunID: runID, Remaining: &zero, Day: st.Day}, nil
		}
		return Grant{}, s.failed(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offline = false
	if !meta.Date.IsZero() {
		s.seen(meta.Date) // the server's clock: LastSeen is kept in server time
	}
	s.st.Ledger.serverSaw(resp.Day, resp.UsageToday)
	s.st.Ledger.Entries = append(s.st.Ledger.Entries, entry{ID: runID, Day: resp.Day, Granted: resp.Granted})
	if err := s.save(); err != nil {
		return Grant{}, err
	}
	return Grant{RunID: runID, Granted: resp.Granted, Remaining: resp.Remaining, Day: resp.Day}, nil
}

func (s *Service) reserveOffline(runID string, n int) (Grant, error) {
	st := s.Status()
	granted := n
	if st.Remaining != nil {
		granted = min(n, *st.Remaining)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	led := &s.st.Ledger
	if !st.SignedIn {
		led = &s.st.AnonLedger
	}
	led.Entries = append(led.Entries, entry{ID: runID, Day: st.Day, Granted: granted, Offline: true})
	if err := s.save(); err != nil {
		return Grant{}, err
	}
	var rem *int
	if st.Remaining != nil {
		r := *st.Remaining - granted
		rem = &r
	}
	return Grant{RunID: runID, Granted: granted, Remaining: rem, Day: st.Day, Offline: st.SignedIn}, nil
}

// Commit records how many files a run actually wrote (skipped and failed
// files do not count). It does no I/O: the server learns it with the next
// sync (before the next reservation when it matters, or at the next refresh).
func (s *Service) Commit(runID string, used int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, led := range []*ledger{&s.st.Ledger, &s.st.AnonLedger} {
		if e := led.find(runID); e != nil {
			if e.Committed {
				return nil
			}
			e.Used = min(max(used, 0), e.Granted)
			e.Committed = true
			return s.save()
		}
	}
	return &Error{Code: string(wire.CodeNotFound), Message: "This run was not reserved."}
}

// syncPending sends the ledger's unsent entries. With offlineOnly it sends
// nothing unless offline runs are waiting (then it sends everything, as one
// call costs the same).
func (s *Service) syncPending(ctx context.Context, offlineOnly bool) error {
	s.mu.Lock()
	if s.st.Session == nil || (offlineOnly && !s.st.Ledger.hasOffline()) {
		s.mu.Unlock()
		return nil
	}
	sent := s.st.Ledger.pending()
	s.mu.Unlock()
	if len(sent) == 0 {
		return nil
	}
	resp, _, err := s.api.Sync(ctx, wire.SyncRequest{Entries: sent})
	if ErrorCode(toError(err)) == string(wire.CodeInvalidArgument) {
		// The server will never take these entries (e.g. dated by a clock
		// that ran ahead). Keeping them would block every refresh; drop them.
		s.mu.Lock()
		defer s.mu.Unlock()
		s.st.Ledger.markSynced(sent)
		return s.save()
	}
	if err != nil {
		return s.failed(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offline = false
	s.st.Ledger.markSynced(sent)
	s.st.Ledger.serverSaw(resp.Day, resp.UsageToday)
	return s.save()
}
