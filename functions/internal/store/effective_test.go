package store

import (
	"testing"
	"time"

	"imageconverter/functions/wire"
)

func TestEffectiveAt(t *testing.T) {
	now := time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC)
	later, earlier := now.Add(time.Hour), now.Add(-time.Hour)
	cases := []struct {
		name       string
		doc        *SubscriptionDoc
		plan, stat string
	}{
		{"none", nil, wire.PlanFree, wire.StatusNone},
		{"active", &SubscriptionDoc{Plan: "pro", Status: wire.StatusActive, CurrentPeriodEnd: later}, "pro", wire.StatusActive},
		{"canceled keeps access to period end", &SubscriptionDoc{Plan: "basic", Status: wire.StatusCanceled, CurrentPeriodEnd: later}, "basic", wire.StatusCanceled},
		{"past_due keeps access to period end", &SubscriptionDoc{Plan: "basic", Status: wire.StatusPastDue, CurrentPeriodEnd: later}, "basic", wire.StatusPastDue},
		{"period over", &SubscriptionDoc{Plan: "pro", Status: wire.StatusActive, AutoRenew: true, CurrentPeriodEnd: earlier}, wire.PlanFree, wire.StatusExpired},
		{"period ends exactly now", &SubscriptionDoc{Plan: "pro", Status: wire.StatusActive, CurrentPeriodEnd: now}, wire.PlanFree, wire.StatusExpired},
		{"expired", &SubscriptionDoc{Plan: "pro", Status: wire.StatusExpired, CurrentPeriodEnd: later}, wire.PlanFree, wire.StatusExpired},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := EffectiveAt(tc.doc, now)
			if e.Plan != tc.plan || e.Status != tc.stat {
				t.Fatalf("got %s/%s, want %s/%s", e.Plan, e.Status, tc.plan, tc.stat)
			}
			if e.Plan == wire.PlanFree && e.AutoRenew {
				t.Fatal("free with auto-renew")
			}
		})
	}
}

func TestDayKeySeoul(t *testing.T) {
	seoul, _ := time.LoadLocation("Asia/Seoul")
	if got := DayKey(time.Date(2026, 11, 27, 14, 59, 59, 0, time.UTC), seoul); got != "2026-11-27" {
		t.Errorf("23:59:59 KST = %s", got)
	}
	if got := DayKey(time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC), seoul); got != "2026-11-28" {
		t.Errorf("00:00 KST = %s", got)
	}
}
