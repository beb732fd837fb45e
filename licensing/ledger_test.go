package licensing

import (
	"testing"
	"time"

	"imageconverter/functions/wire"
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
	if !l.hasOffline(false) {
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
	if l.hasOffline(false) || len(l.pending()) != 0 {
		t.Error("entries still pending after sync")
	}
	now := time.Date(2026, 11, 29, 3, 0, 0, 0, time.UTC) // 2026-11-29 in Seoul
	l.prune(DayOf(now), now)
	if l.find("o3") != nil || l.find("o1") == nil {
		t.Errorf("prune kept %+v", l.Entries)
	}
}

// A block counts in full on the server; locally its undrawn rest stays
// usable (so Remaining is right), and once closed it is settled by one sync
// entry carrying what its runs really used.
func TestLedgerBlock(t *testing.T) {
	var l ledger
	l.serverSaw("2026-11-27", 12) // 2 from another computer + this block of 10
	l.Entries = []entry{{ID: "b1", Day: "2026-11-27", Granted: 10, Used: 3, Block: true}}
	l.Draws = []draw{{ID: "b1", Day: "2026-11-27", Block: "b1", Granted: 3}}
	if got := l.usedOn("2026-11-27"); got != 2+3 {
		t.Errorf("usedOn with an open block = %d, want 5", got)
	}
	if b := l.openBlock("2026-11-27"); b == nil || b.ID != "b1" {
		t.Fatalf("openBlock = %+v", b)
	}
	if b := l.openBlock("2026-11-28"); b != nil {
		t.Errorf("a block served another day: %+v", b)
	}
	if len(l.pending()) != 0 {
		t.Errorf("an open block is pending: %+v", l.pending())
	}
	l.closeBlocks("2026-11-27") // same day: stays open
	if l.openBlock("2026-11-27") == nil {
		t.Error("closeBlocks closed today's block")
	}
	l.closeBlocks("2026-11-28") // the Seoul day is over
	if l.openBlock("2026-11-27") != nil {
		t.Error("yesterday's block still open")
	}
	p := l.pending()
	if len(p) != 1 || p[0].ID != "b1" || p[0].Count != 3 || p[0].Day != "2026-11-27" {
		t.Fatalf("settlement = %+v, want b1 with 3", p)
	}
	if got := l.usedOn("2026-11-27"); got != 5 {
		t.Errorf("usedOn with a closed block = %d, want 5", got)
	}
	l.markSynced(p)
	l.serverSaw("2026-11-27", 5)
	if got := l.usedOn("2026-11-27"); got != 5 {
		t.Errorf("usedOn after settlement = %d, want 5", got)
	}
}

// Offline runs must reach the server before a reservation; locally counted
// (Pro) runs only when asked for. addBlock never counts a replayed block twice.
func TestLedgerHasOfflineAndAddBlock(t *testing.T) {
	var l ledger
	l.Entries = []entry{
		{ID: "p1", Day: "2026-11-26", Granted: 4, Used: 4, Committed: true, Local: true},
		{ID: "b1", Day: "2026-11-25", Granted: 10, Used: 2, Committed: true, Block: true},
	}
	if !l.hasOffline(true) || l.hasOffline(false) {
		t.Error("hasOffline: local runs must count only with withLocal")
	}
	l.Entries = append(l.Entries, entry{ID: "o1", Day: "2026-11-27", Granted: 1, Used: 1, Committed: true, Offline: true})
	if !l.hasOffline(false) {
		t.Error("an offline run is not reported")
	}
	resp := wire.ReserveResponse{Granted: 10, UsageToday: 12, Day: "2026-11-27"}
	if g := l.addBlock("blk", "run-1", 3, resp); g != 3 {
		t.Fatalf("run drew %d, want 3", g)
	}
	if g := l.addBlock("blk", "run-2", 3, resp); g != 3 || len(l.Entries) != 4 {
		t.Fatalf("replayed block: drew %d, entries %d (want 3, 4)", g, len(l.Entries))
	}
	if b := l.openBlock("2026-11-27"); b == nil || b.Granted != 10 || b.Used != 3 || l.ServerUsage != 12 {
		t.Fatalf("block = %+v, server usage %d", b, l.ServerUsage)
	}
	// A block asked for before any run: nothing drawn yet.
	if g := l.addBlock("pre", "", 0, wire.ReserveResponse{Granted: 10, Day: "2026-11-28"}); g != 0 || len(l.Draws) != 2 {
		t.Fatalf("prefetched block: drew %d, draws %d", g, len(l.Draws))
	}
}
