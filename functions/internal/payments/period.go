package payments

import "time"

// Billing periods are calendar months in the billing time zone (Asia/Seoul),
// anchored on the day of the month the subscription started: a month added to
// the 31st lands on the last day of a shorter month and goes back to the 31st
// when the month has one (Jan 31 → Feb 28/29 → Mar 31 → Apr 30 → May 31).
// The clock time of day is kept.

// addMonth returns the end of the month-long period that starts at start,
// for a subscription anchored on anchorDay (1–31).
func addMonth(start time.Time, anchorDay int, loc *time.Location) time.Time {
	t := start.In(loc)
	y, m, _ := t.Date()
	y, m = nextMonth(y, m)
	d := anchorDay
	if last := daysIn(y, m); d > last {
		d = last
	}
	if d < 1 {
		d = 1
	}
	return time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
}

func nextMonth(y int, m time.Month) (int, time.Month) {
	if m == time.December {
		return y + 1, time.January
	}
	return y, m + 1
}

// daysIn is the number of days of month m of year y.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// anchorOf is the anchor day of a subscription whose first period starts at t.
func anchorOf(t time.Time, loc *time.Location) int { return t.In(loc).Day() }

// Renewal schedule: the first charge is attempted renewLead before
// the period ends; after a failure it is retried retryDays after the first
// failure; when the last retry fails the subscription ends (the paid period
// still runs to its end).
const renewLead = 3 * 24 * time.Hour

var retryDays = []int{1, 3, 5}

// nextRetry is when attempt number failures+1 runs, given the time of the
// first failure; ok is false when no retry is left.
func nextRetry(firstFailure time.Time, failures int, loc *time.Location) (t time.Time, ok bool) {
	if failures < 1 || failures > len(retryDays) {
		return time.Time{}, false
	}
	return firstFailure.In(loc).AddDate(0, 0, retryDays[failures-1]), true
}

// prorate is what an upgrade from a plan costing fromKRW to one costing toKRW
// costs for the part of the period [start, end) left at now: the price
// difference times the share of the period left, rounded up to whole won and
// never below minKRW (Toss refuses card payments under 100 KRW).
func prorate(fromKRW, toKRW int, start, end, now time.Time) int {
	const minKRW = 100
	diff := toKRW - fromKRW
	total := end.Sub(start)
	left := end.Sub(now)
	if diff <= 0 || total <= 0 || left <= 0 {
		return 0
	}
	if left > total {
		left = total
	}
	// Whole seconds keep the arithmetic in int64 without overflow.
	num := int64(diff) * int64(left/time.Second)
	den := int64(total / time.Second)
	amount := int((num + den - 1) / den)
	if amount < minKRW {
		amount = minKRW
	}
	return amount
}
