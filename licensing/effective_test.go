package licensing

import (
	"errors"
	"testing"
	"time"

	"imageconverter/functions/entitlement"
	"imageconverter/functions/wire"
	"imageconverter/licensing/policy"
)

func TestEffectivePlanRule(t *testing.T) {
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	end := now.Add(10 * 24 * time.Hour)
	past := now.Add(-time.Hour)
	basic := policy.DefaultPlans.Lookup(wire.PlanBasic).Limits()
	valid := func() planFacts {
		return planFacts{signedIn: true, userID: "u1", token: true, now: now, seen: now, plans: policy.DefaultPlans,
			ent: entitlement.Entitlement{UserID: "u1", Plan: wire.PlanBasic, Limits: basic, PeriodEnd: &end,
				ExpiresAt: now.Add(7*24*time.Hour - time.Minute)}}
	}
	for _, c := range []struct {
		name   string
		edit   func(*planFacts)
		plan   string
		reason string
		grace  int
	}{
		{"verified, fresh", func(*planFacts) {}, wire.PlanBasic, "", 7},
		{"verified, a day before the end of the grace", func(f *planFacts) { f.now = f.now.Add(6 * 24 * time.Hour); f.seen = f.now }, wire.PlanBasic, "", 1},
		{"signed out", func(f *planFacts) { f.signedIn = false }, wire.PlanFree, ReasonSignedOut, 0},
		{"clock set back", func(f *planFacts) { f.clockSetBack = true }, wire.PlanFree, ReasonClockSetBack, 0},
		{"never reached the server", func(f *planFacts) { f.token = false }, wire.PlanFree, ReasonNoEntitlement, 0},
		{"refused for the device limit", func(f *planFacts) { f.token, f.lastCode = false, ReasonDeviceLimit }, wire.PlanFree, ReasonDeviceLimit, 0},
		{"signed out by the server", func(f *planFacts) { f.token, f.lastCode = false, ReasonSessionExpired }, wire.PlanFree, ReasonSessionExpired, 0},
		{"offline too long", func(f *planFacts) { f.verifyErr = entitlement.ErrExpired }, wire.PlanFree, ReasonExpired, 0},
		{"another computer's", func(f *planFacts) { f.verifyErr = entitlement.ErrWrongDevice }, wire.PlanFree, ReasonForeignDevice, 0},
		{"unknown key", func(f *planFacts) { f.verifyErr = entitlement.ErrUnknownKey }, wire.PlanFree, ReasonUntrustedKey, 0},
		{"tampered", func(f *planFacts) { f.verifyErr = errors.New("bad signature") }, wire.PlanFree, ReasonInvalid, 0},
		{"another account's", func(f *planFacts) { f.ent.UserID = "u2" }, wire.PlanFree, ReasonOtherAccount, 0},
		{"paid period over", func(f *planFacts) { f.ent.PeriodEnd = &past }, wire.PlanFree, ReasonPeriodEnded, 0},
		{"period over by the server's time seen", func(f *planFacts) { f.now = past.Add(-time.Hour); f.seen = end }, wire.PlanFree, ReasonPeriodEnded, 0},
		{"usage record lost", func(f *planFacts) { f.ledgerLost = true }, wire.PlanFree, ReasonUsageUnknown, 0},
		{"free plan with usage record lost", func(f *planFacts) { f.ledgerLost, f.ent.Plan = true, wire.PlanFree }, wire.PlanFree, "", 7},
		{"plan this version does not know", func(f *planFacts) { f.ent.Plan = "team" }, wire.PlanFree, ReasonUnknownPlan, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := valid()
			c.edit(&f)
			e := effectivePlan(f)
			if e.plan != c.plan || e.reason != c.reason || e.graceDays != c.grace {
				t.Errorf("got plan %q reason %q grace %d; want %q %q %d", e.plan, e.reason, e.graceDays, c.plan, c.reason, c.grace)
			}
			if e.reason != "" && (e.limits.DailyLimit == nil || *e.limits.DailyLimit != 5) {
				t.Errorf("refused but limits %+v are not the Free plan's", e.limits)
			}
		})
	}
	// Signed out by the server while the entitlement is still valid: the plan
	// stays for now, and the UI asks to sign in again.
	f := valid()
	f.lastCode = ReasonSessionExpired
	if e := effectivePlan(f); e.plan != wire.PlanBasic || !e.signInAgain {
		t.Errorf("session expired offline: %+v", e)
	}
}
