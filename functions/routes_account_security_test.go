package api

import (
	"context"
	"strings"
	"testing"
	"time"

	"imageconverter/functions/entitlement"
	"imageconverter/functions/internal/store"
	"imageconverter/functions/wire"
)

// A client clock that ran ahead dated real offline runs after tomorrow. The
// server counts them today instead of refusing the batch (which lost the
// genuine entries with them), on both routes that take sync entries.
func TestFutureSyncEntriesCountToday(t *testing.T) {
	e := newTestEnv(t)
	u := signUp(t, "future-sync")
	register(e, u.Token, "dev-1")
	var got wire.SyncResponse
	e.call("POST", "/v1/usage/sync", u.Token, wire.SyncRequest{Entries: []wire.SyncEntry{
		{ID: "today-1", Day: "2026-11-27", Count: 1},
		{ID: "ahead-1", Day: "2026-12-03", Count: 2},
	}}, wire.HeaderDeviceID, "dev-1").wantOK(t, &got)
	if got.Recorded != 2 || got.UsageToday != 3 || got.Day != "2026-11-27" {
		t.Fatalf("sync with a future entry = %+v, want both recorded, 3 today", got)
	}
	var ent wire.EntitlementResponse
	entitle(e, u.Token, "dev-1", wire.EntitlementRequest{Sync: []wire.SyncEntry{
		{ID: "ahead-2", Day: "2026-11-30", Count: 1},
		{ID: "ahead-1", Day: "2026-12-03", Count: 2}, // replay: counted once
	}}).wantOK(t, &ent)
	if ent.Sync == nil || ent.Sync.Recorded != 1 || ent.UsageToday != 4 {
		t.Fatalf("entitlement with future entries = %+v sync %+v, want 4 today", ent, ent.Sync)
	}
}

// The offline entitlement of a paid plan that will not renew ends with the
// paid period, so a refund, cancellation or removal cannot be outlived by up
// to a week offline; a renewing one keeps the full grace.
func TestEntitlementExpiresAtPeriodEndWithoutRenewal(t *testing.T) {
	e := newTestEnv(t)
	v, _ := entitlement.NewVerifier(e.cfg.TrustedKeys...)
	v.Now = e.clock.Now
	end := testNoon.Add(3*24*time.Hour + 30*time.Minute)
	for _, tc := range []struct {
		name      string
		autoRenew bool
		want      time.Time
	}{
		{"renewing", true, testNoon.Add(entitlement.OfflineGrace)},
		{"not renewing", false, end},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := signUp(t, "period-"+map[bool]string{true: "renew", false: "norenew"}[tc.autoRenew])
			e.subscribe(u.UID, "basic", end, tc.autoRenew)
			var got wire.EntitlementResponse
			e.call("GET", "/v1/entitlement", u.Token, nil, device("pe-1")...).wantOK(t, &got)
			ent, err := v.VerifyForDevice(got.Entitlement, "pe-1")
			if err != nil || ent.Plan != "basic" {
				t.Fatalf("verify: %+v %v", ent, err)
			}
			if !ent.ExpiresAt.Equal(tc.want) || !got.OfflineUntil.Equal(tc.want) {
				t.Errorf("exp = %v, offlineUntil = %v, want %v", ent.ExpiresAt, got.OfflineUntil, tc.want)
			}
		})
	}
}

// While a renewal is failing, the entitlement says why and when the card is
// tried again (renewalIssue); otherwise the field is absent.
func TestEntitlementShowsAFailingRenewal(t *testing.T) {
	e := newTestEnv(t)
	u := signUp(t, "renewal-issue")
	end := testNoon.Add(2 * 24 * time.Hour)
	next := testNoon.Add(24 * time.Hour)
	var got wire.EntitlementResponse
	e.subscribe(u.UID, "pro", end, true)
	r := e.call("GET", "/v1/entitlement", u.Token, nil, device("ri-1")...)
	r.wantOK(t, &got)
	if got.RenewalIssue != nil || strings.Contains(string(r.Body), "renewalIssue") {
		t.Fatalf("active subscription shows a renewal issue: %s", r.Body)
	}
	err := e.srv.store.SetSubscription(context.Background(), u.UID, store.SubscriptionDoc{
		Plan: "pro", Status: wire.StatusPastDue, AutoRenew: true, CurrentPeriodStart: end.AddDate(0, -1, 0), CurrentPeriodEnd: end,
		RenewalIssue: &store.RenewalIssueDoc{Reason: wire.RenewalPaymentError, Since: testNoon, NextAttempt: &next},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.call("GET", "/v1/entitlement", u.Token, nil, device("ri-1")...).wantOK(t, &got)
	if got.Status != wire.StatusPastDue || got.Plan != "pro" || got.RenewalIssue == nil || got.RenewalIssue.Reason != wire.RenewalPaymentError ||
		!got.RenewalIssue.Since.Equal(testNoon) || got.RenewalIssue.NextAttempt == nil || !got.RenewalIssue.NextAttempt.Equal(next) {
		t.Fatalf("past due: %+v", got)
	}
	// Paid again: the copy the route reads loses the issue with the subscription.
	e.subscribe(u.UID, "pro", end.AddDate(0, 1, 0), true)
	got = wire.EntitlementResponse{}
	r = e.call("GET", "/v1/entitlement", u.Token, nil, device("ri-1")...)
	r.wantOK(t, &got)
	if got.Status != wire.StatusActive || got.RenewalIssue != nil || strings.Contains(string(r.Body), "renewalIssue") {
		t.Fatalf("after the renewal: %s", r.Body)
	}
}

// Entries of earlier days (the last day's settlements, offline days) arrive
// with the next day's call. They are kept in the arrival day's document (no
// read or write of the earlier day's), and the earlier day's record applies
// them once: a settlement lowers its block, an offline entry adds, replays —
// the same call retried days later, or an entry the day itself already
// holds — change nothing.
func TestLateEntriesKeepTheEarlierDaysRecord(t *testing.T) {
	e := newTestEnv(t)
	u := signUp(t, "late")
	e.subscribe(u.UID, "basic", testNoon.AddDate(0, 1, 0), true)
	ctx := context.Background()
	day1 := testNoon.Format(time.DateOnly)
	// Day 1: a block of 20, and an offline run recorded the same day.
	entitle(e, u.Token, "dev-1", wire.EntitlementRequest{Reserve: &wire.ReserveRequest{RunID: "block-1", Count: 20}}).wantOK(t, nil)
	entitle(e, u.Token, "dev-1", wire.EntitlementRequest{Sync: []wire.SyncEntry{{ID: "off-a", Day: day1, Count: 2}}}).wantOK(t, nil)
	// Day 2: the block used 5; another offline run of day 1; off-a again (a retry).
	e.clock.Advance(24 * time.Hour)
	day2 := e.clock.Now().Format(time.DateOnly)
	body := wire.EntitlementRequest{Sync: []wire.SyncEntry{
		{ID: "block-1", Day: day1, Count: 5}, {ID: "off-b", Day: day1, Count: 3}, {ID: "off-a", Day: day1, Count: 2},
	}, Reserve: &wire.ReserveRequest{RunID: "block-2", Count: 20}}
	var got wire.EntitlementResponse
	entitle(e, u.Token, "dev-1", body).wantOK(t, &got)
	if got.Sync.Recorded != 3 || got.UsageToday != 20 || got.Day != day2 {
		t.Fatalf("day 2 = %+v, sync %+v", got, got.Sync)
	}
	// Day 4: the whole call again (its answer was lost).
	e.clock.Advance(48 * time.Hour)
	entitle(e, u.Token, "dev-1", body).wantOK(t, &got)
	if n, _ := e.srv.store.UsageOn(ctx, u.UID, day1); n != 22 {
		t.Fatalf("day 1's own document = %d, want 22 (untouched after the day)", n)
	}
	if n, err := e.srv.store.UsageRecord(ctx, u.UID, day1); err != nil || n != 10 {
		t.Fatalf("day 1's record = %d (%v), want 5 + 2 + 3 = 10", n, err)
	}
	if n, _ := e.srv.store.UsageRecord(ctx, u.UID, day2); n != 20 {
		t.Fatalf("day 2's record = %d, want 20", n)
	}
}
