package licensing

import (
	"testing"
	"time"
)

func TestDayIsSeoulCalendarDay(t *testing.T) {
	// 15:30 UTC is 00:30 the next day in Seoul.
	if got := DayOf(time.Date(2026, 11, 27, 15, 30, 0, 0, time.UTC)); got != "2026-11-28" {
		t.Errorf("DayOf = %s", got)
	}
	if got := DayOf(time.Date(2026, 11, 27, 14, 59, 0, 0, time.UTC)); got != "2026-11-27" {
		t.Errorf("DayOf = %s", got)
	}
}

func TestLedgerCounts(t *testing.T) {
	var l ledger
	l.serverSaw("2026-11-27", 10) // includes reservation r1 of 5
	l.Entries = []entry{
		{ID: "r1", Day: "2026-11-27", Granted: 5},                // online, running
		{ID: "o1", Day: "2026-11-27", Granted: 3, Offline: true}, // offline, running
		{ID: "o2", Day: "2026-11-27", Granted: 4, Used: 2, Committed: true, Offline: true},
		{ID: "o3", Day: "2026-11-26", Granted: 4, Used: 4, Committed: true, Offline: true},
	}
	if got := l.usedOn("2026-11-27"); got != 10+3+2 {
		t.Errorf("usedOn = %d, want 15", got)
	}
	// r1 ends with 1 written: 4 go back once settled.
	e := l.find("r1")
	e.Used, e.Committed = 1, true
	if got := l.usedOn("2026-11-27"); got != 11 {
		t.Errorf("usedOn after settle = %d, want 11", got)
	}
	if !l.hasOffline() {
		t.Error("hasOffline = false")
	}
	p := l.pending()
	if len(p) != 3 { // r1 settlement, o2, o3 (o1 not committed)
		t.Fatalf("pending = %+v", p)
	}
	l.markSynced(p)
	l.serverSaw("2026-11-27", 13) // server: 10 - 4 + 2 + ... as it says
	if got := l.usedOn("2026-11-27"); got != 13+3 {
		t.Errorf("usedOn after sync = %d, want 16 (server + running offline run)", got)
	}
	if l.hasOffline() || len(l.pending()) != 0 {
		t.Error("entries still pending after sync")
	}
	now := time.Date(2026, 11, 29, 3, 0, 0, 0, time.UTC) // 2026-11-29 in Seoul
	l.prune(DayOf(now), now)
	if l.find("o3") != nil || l.find("o1") == nil {
		t.Errorf("prune kept %+v", l.Entries)
	}
}
