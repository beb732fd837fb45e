package licensing

import (
	"time"

	"imageconverter/functions/wire"
)

// DayOf returns the quota day (YYYY-MM-DD in Korea) of t.
func DayOf(t time.Time) string { return wire.QuotaDay(t) }

// ledger is the local record of conversions. Online, the server counts and the
// ledger remembers what it last said plus reservations not yet settled;
// offline, the ledger counts against the entitlement's daily limit and keeps
// the entries until POST /v1/usage/sync has recorded them.
type ledger struct {
	Day         string  `json:"day"`         // the day ServerUsage is for
	ServerUsage int     `json:"serverUsage"` // all devices' usage on Day, as the server last said
	Entries     []entry `json:"entries"`
	Draws       []draw  `json:"draws,omitempty"` // runs served from a block (see entry.Block)
}

// entry is one run, or one block of conversions reserved on the server.
//
// A block (Block set) is a server reservation made under the id of the run
// that needed it; that run and the day's later runs draw from it locally
// (ledger.Draws), so a limited plan costs one reserve call per day of use,
// not one per run. Used is what its draws consumed (a draw not committed yet
// counts in full). Committed means closed: no more draws; its Seoul day is
// over, a run needed more than was left, or the account signed out. A
// closed block with Used < Granted is settled by one sync entry with its id,
// which gives the rest back on the server (it can only lower the count).
type entry struct {
	ID        string `json:"id"`  // run id (also the sync entry id)
	Day       string `json:"day"` // quota day of the run
	Granted   int    `json:"granted"`
	Used      int    `json:"used"`
	Committed bool   `json:"committed"`       // Commit was called; Used is final (block: closed)
	Offline   bool   `json:"offline"`         // granted by the ledger, not the server
	Local     bool   `json:"local,omitempty"` // plan without a daily limit: counted here, reported by a later sync
	Block     bool   `json:"block,omitempty"` // a server reservation that runs draw from
	Synced    bool   `json:"synced"`          // the server has recorded (or settled) it
}

// draw is one run served from a block. It never reaches the server itself:
// its use is in the block's Used.
type draw struct {
	ID        string `json:"id"`    // run id
	Day       string `json:"day"`   // the block's day
	Block     string `json:"block"` // the block's id
	Granted   int    `json:"granted"`
	Committed bool   `json:"committed"`
}

func (l *ledger) findDraw(id string) *draw {
	for i := range l.Draws {
		if l.Draws[i].ID == id {
			return &l.Draws[i]
		}
	}
	return nil
}

// openBlock returns day's block that runs may still draw from, or nil.
func (l *ledger) openBlock(day string) *entry {
	for i := range l.Entries {
		if e := &l.Entries[i]; e.Block && !e.Committed && !e.Synced && e.Day == day {
			return e
		}
	}
	return nil
}

// closeBlocks closes the blocks of days before today (all of them when today
// is ""): a block never serves a run of another Seoul day, as the server
// counts it on its own day only.
func (l *ledger) closeBlocks(today string) {
	for i := range l.Entries {
		if e := &l.Entries[i]; e.Block && !e.Committed && (today == "" || e.Day < today) {
			e.Committed = true
		}
	}
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
		case (e.Offline || e.Local) && e.Committed:
			n += e.Used
		case e.Offline || e.Local:
			n += e.Granted
		case e.Block && l.Day == day:
			// The server counts the whole block; what its draws have not
			// consumed is still this computer's to use (or to give back).
			n -= e.Granted - e.Used
		case !e.Block && e.Committed && e.Used < e.Granted:
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
// offline and locally counted runs (their count) and closed blocks or
// committed reservations that used less than granted (their final count,
// which settles the reservation).
func (l *ledger) pending() []wire.SyncEntry {
	var out []wire.SyncEntry
	for _, e := range l.Entries {
		if e.Synced || !e.Committed {
			continue
		}
		if e.Offline || e.Local || e.Used < e.Granted {
			out = append(out, wire.SyncEntry{ID: e.ID, Day: e.Day, Count: e.Used})
		}
	}
	return out
}

// hasOffline reports whether committed runs the server has not counted wait
// for a sync; they must reach the server before it grants more, or the limit
// could be exceeded. withLocal includes runs of a plan without a daily limit
// (they matter only once the plan has one again).
func (l *ledger) hasOffline(withLocal bool) bool {
	for _, e := range l.Entries {
		if (e.Offline || withLocal && e.Local) && e.Committed && !e.Synced {
			return true
		}
	}
	return false
}

// Limits of what the server takes: entries up to 31 days old, 100 per call.
const (
	syncMaxEntries = 100
	pendingMaxAge  = 28 * 24 * time.Hour // unsent entries older than this are dropped
)

// addBlock records a reservation the server granted (resp, under id) as a
// block of its day; run, if not "", draws up to n of it at once. It returns
// what run was granted. A replayed id answers its first grant, possibly a
// block already here: it is never counted twice.
func (l *ledger) addBlock(id, run string, n int, resp wire.ReserveResponse) int {
	granted := min(n, resp.Granted)
	if l.find(id) == nil {
		l.Entries = append(l.Entries, entry{ID: id, Day: resp.Day, Granted: resp.Granted, Used: granted, Block: true})
	}
	if run != "" {
		l.Draws = append(l.Draws, draw{ID: run, Day: resp.Day, Block: id, Granted: granted})
	}
	l.serverSaw(resp.Day, resp.UsageToday)
	return granted
}

func (l *ledger) markSynced(sent []wire.SyncEntry) {
	for _, s := range sent {
		if e := l.find(s.ID); e != nil {
			e.Synced = true
		}
	}
}

// prune drops entries that are settled and older than yesterday, and any
// older than pendingMaxAge (a run that crashed before Commit: its reservation
// simply stays counted; a batch never sent: the server would soon refuse it),
// and draws of days before yesterday (their use is in their block).
func (l *ledger) prune(today string, now time.Time) {
	oldest := DayOf(now.Add(-pendingMaxAge))
	yesterday := DayOf(now.AddDate(0, 0, -1))
	kept := l.Entries[:0]
	for _, e := range l.Entries {
		done := e.Synced || (e.Committed && !e.Offline && !e.Local && e.Used >= e.Granted)
		if (done && e.Day < yesterday) || e.Day < oldest {
			continue
		}
		kept = append(kept, e)
	}
	l.Entries = kept
	draws := l.Draws[:0]
	for _, d := range l.Draws {
		if d.Day >= yesterday {
			draws = append(draws, d)
		}
	}
	l.Draws = draws
}
