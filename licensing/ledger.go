package licensing

import (
	"time"

	"imageconverter/functions/wire"
)

// seoul is the quota time zone (SPEC §2). Korea has no daylight saving, so the
// fixed offset is exact when the tz database is missing (a bare Windows).
var seoul = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Seoul"); err == nil {
		return loc
	}
	return time.FixedZone("KST", 9*60*60)
}()

// DayOf returns the quota day (YYYY-MM-DD in Asia/Seoul) of t.
func DayOf(t time.Time) string { return t.In(seoul).Format(time.DateOnly) }

// ledger is the local record of conversions. Online, the server counts and the
// ledger remembers what it last said plus reservations not yet settled;
// offline, the ledger counts against the entitlement's daily limit and keeps
// the entries until POST /v1/usage/sync has recorded them.
type ledger struct {
	Day         string  `json:"day"`         // the day ServerUsage is for
	ServerUsage int     `json:"serverUsage"` // all devices' usage on Day, as the server last said
	Entries     []entry `json:"entries"`
}

// entry is one run.
type entry struct {
	ID        string `json:"id"`  // run id (also the sync entry id)
	Day       string `json:"day"` // quota day of the run
	Granted   int    `json:"granted"`
	Used      int    `json:"used"`
	Committed bool   `json:"committed"` // Commit was called; Used is final
	Offline   bool   `json:"offline"`   // granted by the ledger, not the server
	Synced    bool   `json:"synced"`    // the server has recorded (or settled) it
}

func (l *ledger) find(id string) *entry {
	for i := range l.Entries {
		if l.Entries[i].ID == id {
			return &l.Entries[i]
		}
	}
	return nil
}

// usedOn is the best local knowledge of conversions on day: what the server
// said, plus offline runs it has not seen, minus reservations that will be
// given back (used < granted) once settled.
func (l *ledger) usedOn(day string) int {
	n := 0
	if l.Day == day {
		n = l.ServerUsage
	}
	for _, e := range l.Entries {
		if e.Day != day || e.Synced {
			continue
		}
		switch {
		case e.Offline && e.Committed:
			n += e.Used
		case e.Offline:
			n += e.Granted
		case e.Committed && e.Used < e.Granted:
			n -= e.Granted - e.Used
		}
	}
	return max(n, 0)
}

// serverSaw records a usage figure from the server.
func (l *ledger) serverSaw(day string, usage int) {
	if day == "" {
		return
	}
	l.Day, l.ServerUsage = day, usage
}

// pending returns the sync entries the server has not recorded: committed
// offline runs (their count) and committed reservations that used less than
// granted (their final count, which settles the reservation).
func (l *ledger) pending() []wire.SyncEntry {
	var out []wire.SyncEntry
	for _, e := range l.Entries {
		if e.Synced || !e.Committed {
			continue
		}
		if e.Offline || e.Used < e.Granted {
			out = append(out, wire.SyncEntry{ID: e.ID, Day: e.Day, Count: e.Used})
		}
	}
	return out
}

// hasOffline reports whether committed offline runs wait for a sync; they must
// reach the server before it grants more, or the limit could be exceeded.
func (l *ledger) hasOffline() bool {
	for _, e := range l.Entries {
		if e.Offline && e.Committed && !e.Synced {
			return true
		}
	}
	return false
}

func (l *ledger) markSynced(sent []wire.SyncEntry) {
	for _, s := range sent {
		if e := l.find(s.ID); e != nil {
			e.Synced = true
		}
	}
}

// prune drops entries that are settled and older than yesterday, and
// uncommitted ones older than a week (a run that crashed before Commit; its
// reservation simply stays counted).
func (l *ledger) prune(today string, now time.Time) {
	week := DayOf(now.AddDate(0, 0, -7))
	yesterday := DayOf(now.AddDate(0, 0, -1))
	kept := l.Entries[:0]
	for _, e := range l.Entries {
		done := e.Synced || (e.Committed && !e.Offline && e.Used >= e.Granted)
		if (done && e.Day < yesterday) || e.Day < week {
			continue
		}
		kept = append(kept, e)
	}
	l.Entries = kept
}
