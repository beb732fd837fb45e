package payments

import (
	"testing"
	"time"
)

func TestAddMonthKeepsTheAnchorDay(t *testing.T) {
	seoul, _ := time.LoadLocation("Asia/Seoul")
	for _, tc := range []struct {
		name  string
		start time.Time
		want  []string // successive period ends
	}{
		{"month end, leap year", time.Date(2028, 1, 31, 10, 30, 0, 0, seoul),
			[]string{"2028-02-29", "2028-03-31", "2028-04-30", "2028-05-31"}},
		{"month end, common year", time.Date(2027, 1, 31, 10, 30, 0, 0, seoul),
			[]string{"2027-02-28", "2027-03-31", "2027-04-30"}},
		{"30th", time.Date(2027, 1, 30, 0, 0, 0, 0, seoul),
			[]string{"2027-02-28", "2027-03-30", "2027-04-30"}},
		{"year end", time.Date(2026, 12, 15, 23, 59, 0, 0, seoul),
			[]string{"2027-01-15", "2027-02-15"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			anchor := anchorOf(tc.start, seoul)
			cur := tc.start
			for i, want := range tc.want {
				next := addMonth(cur, anchor, seoul)
				if got := next.Format(time.DateOnly); got != want {
					t.Fatalf("period %d ends %s, want %s", i+1, got, want)
				}
				if next.Hour() != tc.start.Hour() || next.Minute() != tc.start.Minute() {
					t.Fatalf("clock time changed: %v", next)
				}
				cur = next
			}
		})
	}
	// The day is the Seoul day, whatever zone the time comes in.
	utc := time.Date(2027, 1, 30, 16, 0, 0, 0, time.UTC) // = Jan 31 01:00 KST
	if got := addMonth(utc, anchorOf(utc, seoul), seoul).Format(time.DateOnly); got != "2027-02-28" {
		t.Fatalf("UTC input: %s", got)
	}
}

func TestNextRetryDays(t *testing.T) {
	seoul, _ := time.LoadLocation("Asia/Seoul")
	first := time.Date(2027, 2, 25, 9, 0, 0, 0, seoul)
	for failures, want := range map[int]string{1: "2027-02-26", 2: "2027-02-28", 3: "2027-03-02"} {
		got, ok := nextRetry(first, failures, seoul)
		if !ok || got.Format(time.DateOnly) != want {
			t.Errorf("after %d failures: %v %v, want %s", failures, got, ok, want)
		}
	}
	if _, ok := nextRetry(first, 4, seoul); ok {
		t.Error("a fifth attempt was scheduled")
	}
}

func TestProrate(t *testing.T) {
	start := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC) // 30 days
	for _, tc := range []struct {
		name string
		now  time.Time
		want int
	}{
		{"at start", start, 5000},
		{"half way", start.Add(15 * 24 * time.Hour), 2500},
		{"one day left", end.Add(-24 * time.Hour), 167}, // 5000/30 = 166.67, rounded up
		{"minutes left", end.Add(-time.Minute), 100},    // Toss minimum
		{"after end", end.Add(time.Hour), 0},
	} {
		if got := prorate(4900, 9900, start, end, tc.now); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
	if got := prorate(9900, 4900, start, end, start); got != 0 {
		t.Errorf("downgrade costs %d", got)
	}
}
