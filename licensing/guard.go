package licensing

import (
	"context"
	"log"
	"time"

	"imageconverter/functions/wire"
)

// usageGuard is the quota ledger's summary, kept in the keychain item with
// the entitlement and LastSeen (entitlementPart.Usage). The ledger itself
// lives in the state file, which anyone can delete or roll back; offline,
// that would give a fresh daily limit and the runs would never be reported.
// The guard is as hard to change as LastSeen: what it records survives the
// state file (New restores it), and a state file missing while signed in
// with an entitlement means "go online before converting beyond Free".
type usageGuard struct {
	Day    string         `json:"day,omitempty"`    // ledger.Day
	Server int            `json:"server,omitempty"` // ledger.ServerUsage
	Unsent map[string]int `json:"unsent,omitempty"` // day → runs counted here the server has not seen
}

// unsentOn is what the server has not seen of day's runs counted on this
// computer (offline grants and locally counted runs): committed runs their
// use, running ones their grant.
func (l *ledger) unsentOn(day string) int {
	n := 0
	for _, e := range l.Entries {
		if e.Day != day || e.Synced || !(e.Offline || e.Local) {
			continue
		}
		if e.Committed {
			n += e.Used
		} else {
			n += e.Granted
		}
	}
	return n
}

// guard summarises the ledger for the keychain item.
func (l *ledger) guard() usageGuard {
	g := usageGuard{Day: l.Day, Server: l.ServerUsage}
	for _, e := range l.Entries {
		if e.Synced || !(e.Offline || e.Local) {
			continue
		}
		n := e.Granted
		if e.Committed {
			n = e.Used
		}
		if n > 0 {
			if g.Unsent == nil {
				g.Unsent = map[string]int{}
			}
			g.Unsent[e.Day] += n
		}
	}
	return g
}

// restoreFrom brings the ledger up to the guard: a later server figure, and
// for each day the unsent runs it lacks as one offline entry (reported with
// the next sync, so the server counts them). It reports whether anything
// was missing.
func (l *ledger) restoreFrom(g usageGuard, newID func() string) bool {
	short := false
	if g.Day > l.Day || g.Day == l.Day && g.Server > l.ServerUsage {
		l.Day, l.ServerUsage, short = g.Day, g.Server, true
	}
	for day, n := range g.Unsent {
		if have := l.unsentOn(day); have < n {
			l.Entries = append(l.Entries, entry{ID: newID(), Day: day, Granted: n - have, Used: n - have, Committed: true, Offline: true})
			short = true
		}
	}
	return short
}

// checkLedger runs once the state is loaded: when the state file is gone or
// older than the guard while signed in with an entitlement, the ledger is
// restored from the guard and the paid plan waits for an online check
// (LedgerLost), as this computer's usage cannot be known for sure.
func (s *Service) checkLedger(localMissing bool) {
	if s.st.Session == nil || s.st.Token == "" {
		return
	}
	restored := s.st.Ledger.restoreFrom(s.st.Usage, func() string { return "restored-" + newBlockID()[len("block-"):] })
	if localMissing || restored {
		s.st.LedgerLost = true
		_ = s.save()
	}
}

// syncIsolating sends entries on POST /v1/usage/sync. When the server
// refuses the batch as invalid, it halves the batch until each refused entry
// is alone, and drops only those: genuine usage is never lost because one
// entry in its batch was refused. The answer is the last accepted batch's.
func (s *Service) syncIsolating(ctx context.Context, entries []wire.SyncEntry) (*wire.SyncResponse, error) {
	resp, _, err := s.api.Sync(ctx, wire.SyncRequest{Entries: entries})
	switch {
	case err == nil:
		s.mu.Lock()
		s.st.Ledger.markSynced(entries)
		s.mu.Unlock()
		return &resp, nil
	case ErrorCode(toError(err)) != string(wire.CodeInvalidArgument):
		return nil, err
	case len(entries) == 1:
		// The server will never take it; keeping it would block every sync.
		log.Printf("licensing: usage entry %s of %s (%d) refused, dropped: %v", entries[0].ID, entries[0].Day, entries[0].Count, err)
		s.mu.Lock()
		s.st.Ledger.markSynced(entries)
		s.mu.Unlock()
		return nil, nil
	}
	half := len(entries) / 2
	first, err := s.syncIsolating(ctx, entries[:half])
	if err != nil {
		return first, err
	}
	second, err := s.syncIsolating(ctx, entries[half:])
	if second == nil {
		second = first
	}
	return second, err
}

// contact is the boot clock at the last server contact: with it the quota
// day cannot run ahead of the real time elapsed since (quotaNow).
type contact struct {
	Boot  string        `json:"boot,omitempty"` // boot id
	Since time.Duration `json:"since"`          // time since boot
	At    time.Time     `json:"at"`             // trusted time
}

// markContact records the boot clock at a server contact at trusted time
// now. Call with s.mu held.
func (s *Service) markContact(now time.Time) {
	if s.bootClock == nil {
		return
	}
	if id, up, ok := s.bootClock(); ok {
		s.st.Contact = contact{Boot: id, Since: up, At: now}
	}
}

// quotaNow is the time that picks the quota day: the trusted time, but no
// later than the last server contact plus the real time elapsed since by
// the boot clock, when the computer has not restarted since. Moving the
// clock forward offline then opens no new quota day (it used to give a
// fresh daily limit each time, up to six extra days in a token's life).
// After a restart the trusted time alone decides. Call with s.mu held.
func (s *Service) quotaNow(now time.Time) time.Time {
	c := s.st.Contact
	if s.bootClock == nil || c.Boot == "" {
		return now
	}
	id, up, ok := s.bootClock()
	if !ok || id != c.Boot || up < c.Since {
		return now
	}
	if lim := c.At.Add(up - c.Since + clockTolerance); now.After(lim) {
		return lim
	}
	return now
}
