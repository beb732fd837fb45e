package licensing

import (
	"errors"
	"math"
	"time"

	"imageconverter/functions/entitlement"
	"imageconverter/functions/wire"
	"imageconverter/licensing/policy"
)

// planFacts is what decides the plan this computer may use now.
type planFacts struct {
	signedIn     bool
	userID       string // the signed-in user
	clockSetBack bool   // the trusted time is before one already seen
	token        bool   // an entitlement is stored
	ent          entitlement.Entitlement
	verifyErr    error  // of the stored entitlement, for this device, at the trusted time
	lastCode     string // the last refusal of the server (device_limit, session_expired)
	ledgerLost   bool   // this computer's usage record is missing
	now, seen    time.Time
	plans        policy.Plans
}

// effective is the plan in force and why it is not the one paid for.
type effective struct {
	plan         string
	limits       wire.Limits
	reason       string // "" when the entitlement's plan applies
	offlineUntil time.Time
	graceDays    int  // whole days of offline use left
	signInAgain  bool // the plan still applies offline, but the sign-in must be renewed
}

// effectivePlan is the rule, without I/O: the entitlement's plan applies only
// when it is this user's, for this computer, signed by a trusted key, not
// expired, within its paid period, of a plan this app knows, with this
// computer's usage record intact and the clock not set back. Otherwise Free,
// with the reason.
func effectivePlan(f planFacts) effective {
	free := effective{plan: wire.PlanFree, limits: f.plans.Free()}
	refuse := func(reason string) effective { free.reason = reason; return free }
	trusted := f.now
	if f.seen.After(trusted) {
		trusted = f.seen // the server's time right after a refresh
	}
	switch {
	case !f.signedIn:
		return refuse(ReasonSignedOut)
	case f.clockSetBack:
		return refuse(ReasonClockSetBack)
	case !f.token:
		if f.lastCode == ReasonDeviceLimit || f.lastCode == ReasonSessionExpired {
			return refuse(f.lastCode)
		}
		return refuse(ReasonNoEntitlement)
	case errors.Is(f.verifyErr, entitlement.ErrExpired):
		return refuse(ReasonExpired)
	case errors.Is(f.verifyErr, entitlement.ErrWrongDevice):
		return refuse(ReasonForeignDevice)
	case errors.Is(f.verifyErr, entitlement.ErrUnknownKey):
		return refuse(ReasonUntrustedKey)
	case f.verifyErr != nil:
		return refuse(ReasonInvalid)
	case f.ent.UserID != f.userID:
		return refuse(ReasonOtherAccount)
	case f.ent.Plan != wire.PlanFree && f.ent.PeriodEnd != nil && !trusted.Before(*f.ent.PeriodEnd):
		// The period the token was issued for is over: a renewal (or not)
		// is only known online.
		return refuse(ReasonPeriodEnded)
	case f.ent.Plan != wire.PlanFree && f.ledgerLost:
		return refuse(ReasonUsageUnknown)
	case !known(f.plans, f.ent.Plan):
		return refuse(ReasonUnknownPlan)
	}
	return effective{plan: f.ent.Plan, limits: f.ent.Limits, offlineUntil: f.ent.ExpiresAt,
		graceDays:   int(math.Ceil(f.ent.ExpiresAt.Sub(trusted).Hours() / 24)),
		signInAgain: f.lastCode == ReasonSessionExpired}
}

func known(plans policy.Plans, plan string) bool {
	for _, p := range plans {
		if p.ID == plan {
			return true
		}
	}
	return false
}
