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
//
// Most runs cost no server call: on a plan with a daily limit the day's runs
// draw here from a block (blockSize) reserved on the server by the day's
// refresh, or by the first run that finds none (in the refresh's call when
// one is due); on a plan without one (Pro) nothing needs reserving, so runs
// are counted here and reported with the next refresh.
func (s *Service) Reserve(ctx context.Context, runID string, n int) (Grant, error) {
	if runID == "" || n < 0 {
		return Grant{}, &Error{Code: string(wire.CodeInvalidArgument), Message: "A run needs an id and a number of files."}
	}
	// One reservation at a time on this computer: two runs must not both
	// find the block short and reserve two more.
	s.reserveMu.Lock()
	defer s.reserveMu.Unlock()
	s.mu.Lock()
	signedIn := s.st.Session != nil
	led := &s.st.Ledger
	if !signedIn {
		led = &s.st.AnonLedger
	}
	if d := led.findDraw(runID); d != nil { // a repeated Reserve answers the same
		g := Grant{RunID: runID, Granted: d.Granted, Day: d.Day}
		s.mu.Unlock()
		g.Remaining = s.Status().Remaining
		return g, nil
	}
	if e := led.find(runID); e != nil && !e.Block {
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
		// plan, and the ledger grants on its terms.
		// A slow or silent network must not hold a run for minutes: the
		// online part has a budget, after which the ledger decides.
		octx, cancel := context.WithTimeout(ctx, s.onlineBudget)
		defer cancel()
		budgetSpent := func(err error) bool { return ctx.Err() == nil && octx.Err() != nil && err != nil }
		ask, err := s.ensureFreshFor(octx, runID, n)
		if err != nil && !isOffline(err) && !budgetSpent(err) && ErrorCode(err) != string(wire.CodeDeviceLimit) {
			return Grant{}, err
		}
		if ask != nil && ask.answered {
			// The refresh brought this run's block (or said nothing is left).
			if ask.grant.Granted > 0 {
				ask.grant.Remaining = s.Status().Remaining
			}
			return ask.grant, nil
		}
		st := s.Status()
		if st.Reason == ReasonDeviceLimit {
			// The server refuses this computer (beyond the plan's devices):
			// it converts on the Free plan's terms, counted here.
			return s.reserveOffline(runID, n)
		}
		if st.Reason == "" && st.Limits.DailyLimit == nil {
			return s.countLocally(runID, n, st)
		}
		if g, ok := s.drawBlock(runID, n, st.Day); ok {
			return g, nil
		}
		g, err := s.reserveOnline(octx, runID, n, st)
		if ErrorCode(err) == string(wire.CodeDeviceLimit) {
			return s.reserveOffline(runID, n) // removed meanwhile: as above
		}
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

// ensureFreshFor is EnsureFresh before run runID of n conversions: when a
// refresh is due and the plan has a daily limit, the refresh also asks for
// the block this run needs (unless today's open block holds n already), so
// the first run of a day costs one call, not two. The ask it returns is
// answered when the server granted (or refused) the block.
func (s *Service) ensureFreshFor(ctx context.Context, runID string, n int) (*blockAsk, error) {
	if !s.NeedsRefresh() {
		return nil, nil
	}
	st := s.Status()
	var ask *blockAsk
	s.mu.Lock()
	if st.SignedIn && st.Limits.DailyLimit != nil {
		if b := s.st.Ledger.openBlock(st.Day); b == nil || b.Granted-b.Used < n {
			// A short block is closed: its rest goes back in the same call,
			// before the new block is granted.
			s.st.Ledger.closeBlocks("")
			ask = &blockAsk{id: runID, run: runID, n: n, count: blockSize(st.Limits, n)}
		}
	}
	s.mu.Unlock()
	return ask, s.refresh(ctx, false, ask)
}

// maxBlock is the server's largest reservation (functions: maxReserveCount).
const maxBlock = 1000

// blockSize is the block asked for a run of n (0 for the day's refresh,
// before any run): at least n, and the plan's files per run, so a day of
// small runs needs one call. Plans for a single computer take the whole daily limit, as no other
// computer could want it. The server grants at most what is left today; the
// unused rest is given back when the block closes (at the latest the next
// Seoul day), so on a plan for two computers the other one may find up to a
// block minus what was used held until then.
func blockSize(l wire.Limits, n int) int {
	size := max(n, l.BatchSize)
	if l.MaxDevices <= 1 && l.DailyLimit != nil {
		size = max(size, *l.DailyLimit)
	}
	return min(size, maxBlock)
}

// givesBack reports whether unsent settlements would lower day's count.
func (s *Service) givesBack(day string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.st.Ledger.pending() {
		if e.Day != day {
			continue
		}
		if l := s.st.Ledger.find(e.ID); l != nil && !l.Offline && !l.Local {
			return true
		}
	}
	return false
}

// countLocally grants a run on a plan without a daily limit: nothing can be
// exceeded, so the server learns of it with the next refresh.
func (s *Service) countLocally(runID string, n int, st Status) (Grant, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.Ledger.Entries = append(s.st.Ledger.Entries, entry{ID: runID, Day: st.Day, Granted: n, Local: true})
	if err := s.save(); err != nil {
		return Grant{}, err
	}
	return Grant{RunID: runID, Granted: n, Day: st.Day, Offline: s.offline}, nil
}

// drawBlock serves the run from today's open block when it holds n.
func (s *Service) drawBlock(runID string, n int, day string) (Grant, bool) {
	s.mu.Lock()
	b := s.st.Ledger.openBlock(day)
	if b == nil || b.Granted-b.Used < n {
		s.mu.Unlock()
		return Grant{}, false
	}
	b.Used += n
	s.st.Ledger.Draws = append(s.st.Ledger.Draws, draw{ID: runID, Day: b.Day, Block: b.ID, Granted: n})
	err := s.save()
	s.mu.Unlock()
	if err != nil {
		// Not saved: undo, and let the server decide as if there were no block.
		s.mu.Lock()
		b := s.st.Ledger.openBlock(day)
		if b != nil {
			b.Used -= n
		}
		s.st.Ledger.Draws = s.st.Ledger.Draws[:len(s.st.Ledger.Draws)-1]
		s.mu.Unlock()
		return Grant{}, false
	}
	return Grant{RunID: runID, Granted: n, Remaining: s.Status().Remaining, Day: day}, true
}

func (s *Service) reserveOnline(ctx context.Context, runID string, n int, st Status) (Grant, error) {
	// The block of today, if any, is short: close it (its rest goes back
	// with the next sync) and reserve a new one. Offline runs must be
	// counted before the server grants more, or two devices could together
	// exceed the limit. Settlements only give conversions back: send them
	// now when what the server has left would not cover n.
	s.mu.Lock()
	s.st.Ledger.closeBlocks("")
	serverLeft := -1
	if st.Limits.DailyLimit != nil && s.st.Ledger.Day == st.Day {
		serverLeft = *st.Limits.DailyLimit - s.st.Ledger.ServerUsage
	}
	s.mu.Unlock()
	giveBack := st.Limits.DailyLimit != nil && serverLeft < n
	when := syncBeforeReserve
	if giveBack {
		when = syncAll
	}
	if err := s.syncPending(ctx, when); err != nil {
		return Grant{}, err
	}
	req := wire.ReserveRequest{RunID: runID, Count: blockSize(st.Limits, n)}
	resp, meta, err := s.api.Reserve(ctx, req)
	if err != nil && !giveBack && ErrorCode(toError(err)) == string(wire.CodeQuotaExceeded) && s.givesBack(st.Day) {
		// Another computer took what this one's figure said was left, while
		// this one still holds a closed block's rest: give it back, ask again.
		if err := s.syncPending(ctx, syncAll); err != nil {
			return Grant{}, err
		}
		resp, meta, err = s.api.Reserve(ctx, req)
	}
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
	s.offline = false
	if !meta.Date.IsZero() {
		s.seen(meta.Date) // the server's clock: LastSeen is kept in server time
	}
	granted := s.st.Ledger.addBlock(runID, runID, n, resp)
	err = s.save()
	s.mu.Unlock()
	if err != nil {
		return Grant{}, err
	}
	return Grant{RunID: runID, Granted: granted, Remaining: s.Status().Remaining, Day: resp.Day}, nil
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
	if d := s.st.Ledger.findDraw(runID); d != nil {
		if d.Committed {
			return nil
		}
		used = min(max(used, 0), d.Granted)
		d.Committed = true
		if b := s.st.Ledger.find(d.Block); b != nil && b.Block && !b.Synced {
			b.Used -= d.Granted - used // the block gets back what the run did not write
		}
		return s.save()
	}
	for _, led := range []*ledger{&s.st.Ledger, &s.st.AnonLedger} {
		if e := led.find(runID); e != nil && !e.Block {
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

// When syncPending sends the ledger's waiting entries.
type syncWhen int

const (
	syncAll           syncWhen = iota // whatever is waiting (giving back today)
	syncBeforeReserve                 // only if runs the server has not counted wait (then all: one call costs the same)
)

// syncPending sends the ledger's unsent entries on POST /v1/usage/sync (at
// most syncMaxEntries per call; the rest wait for the next one), first
// closing blocks of past days. Only a reservation outside a refresh needs it:
// a refresh carries every waiting entry itself (Service.refresh).
func (s *Service) syncPending(ctx context.Context, when syncWhen) error {
	s.mu.Lock()
	if s.st.Session == nil {
		s.mu.Unlock()
		return nil
	}
	now := s.now()
	led := &s.st.Ledger
	led.closeBlocks(DayOf(now))
	send := when == syncAll || when == syncBeforeReserve && led.hasOffline(true)
	var sent []wire.SyncEntry
	if send {
		sent = led.pending()
	}
	s.mu.Unlock()
	if len(sent) == 0 {
		return nil
	}
	if len(sent) > syncMaxEntries {
		sent = sent[:syncMaxEntries]
	}
	// A refused batch is split until only the refused entries are dropped.
	resp, err := s.syncIsolating(ctx, sent)
	s.mu.Lock()
	if resp != nil {
		s.offline = false
		s.st.Ledger.serverSaw(resp.Day, resp.UsageToday)
	}
	serr := s.save()
	s.mu.Unlock()
	if err != nil {
		return s.failed(err)
	}
	return serr
}
