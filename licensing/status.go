package licensing

import (
	"imageconverter/functions/wire"
	"imageconverter/licensing/secrets"
	"time"
)

// Status is everything the UI shows about the account and the plan.
type Status struct {
	SignedIn bool   `json:"signedIn"`
	Email    string `json:"email,omitempty"`
	UserID   string `json:"userId,omitempty"`

	Plan     string      `json:"plan"`     // effective plan id: what the app enforces now
	PlanName string      `json:"planName"` // e.g. "Basic"
	Limits   wire.Limits `json:"limits"`
	// Reason is set when the effective plan is Free for a reason other than
	// the account's own plan (signed out, expired, tampered, ...).
	Reason        string `json:"reason,omitempty"`
	ReasonMessage string `json:"reasonMessage,omitempty"`

	SubscriptionStatus string     `json:"subscriptionStatus,omitempty"` // active, past_due, canceled, expired, none
	PeriodEnd          *time.Time `json:"periodEnd,omitempty"`
	AutoRenew          bool       `json:"autoRenew"`
	CancelAtPeriodEnd  bool       `json:"cancelAtPeriodEnd"`
	// RenewalIssue is set while the automatic renewal is failing: the plan
	// runs to PeriodEnd; the user can register a card again to pay now.
	RenewalIssue *wire.RenewalIssue `json:"renewalIssue,omitempty"`

	Day        string `json:"day"` // quota day, Asia/Seoul
	UsageToday int    `json:"usageToday"`
	Remaining  *int   `json:"remaining"` // nil = unlimited

	Offline          bool      `json:"offline"` // the last server call did not get through
	OfflineUntil     time.Time `json:"offlineUntil,omitzero"`
	GraceDaysLeft    int       `json:"graceDaysLeft"` // whole days of offline use left
	NeedsOnlineCheck bool      `json:"needsOnlineCheck"`
	LastRefresh      time.Time `json:"lastRefresh,omitzero"`
	// SignInAgain: the service no longer accepts the sign-in (password
	// changed, account disabled…) while the entitlement in hand still
	// applies; the plan keeps working until it lapses, but the user must
	// sign in again for it to be renewed.
	SignInAgain bool `json:"signInAgain,omitempty"`

	Storage        secrets.Kind `json:"storage"`                  // keychain or file
	StorageWarning string       `json:"storageWarning,omitempty"` // set when secrets are in a file
}

// Status answers from memory, without network or disk. A clock set back is
// remembered (in memory until RecordTime or any save writes it) so that only
// an online check clears it.
func (s *Service) Status() Status {
	s.mu.Lock()
	now := s.now()
	s.seen(now)
	setBack := s.clockSetBack(now)
	if setBack && s.st.Session != nil {
		s.st.NeedOnline = true // stays until an online check succeeds
	}
	var st Status
	st.Storage = s.store.Kind()
	if st.Storage == secrets.KindFile {
		st.StorageWarning = "No system keychain is available, so your sign-in is kept in a file on this computer that only your user account can read."
	}
	st.Offline = s.offline
	st.Day = DayOf(s.quotaNow(now))
	st.NeedsOnlineCheck = s.needsRefresh(now)
	sess, token, inf, fetched := s.st.Session, s.st.Token, s.st.Info, s.st.FetchedAt
	in := planFacts{signedIn: sess != nil, clockSetBack: setBack, lastCode: s.lastCode, ledgerLost: s.st.LedgerLost,
		now: now, seen: s.st.LastSeen, plans: s.plans}
	s.mu.Unlock()

	if sess != nil {
		in.userID = sess.UserID
		if token != "" {
			in.token = true
			in.ent, in.verifyErr = s.verify(token)
		}
		st.SignedIn, st.Email, st.UserID = true, sess.Email, sess.UserID
		st.SubscriptionStatus, st.PeriodEnd, st.AutoRenew, st.CancelAtPeriodEnd = inf.Status, inf.PeriodEnd, inf.AutoRenew, inf.CancelAtPeriodEnd
		st.RenewalIssue = inf.RenewalIssue
		st.LastRefresh = fetched
	}
	e := effectivePlan(in)
	st.Plan, st.Limits, st.Reason, st.ReasonMessage = e.plan, e.limits, e.reason, reasonMessages[e.reason]
	st.OfflineUntil, st.GraceDaysLeft = e.offlineUntil, e.graceDays
	st.NeedsOnlineCheck = st.NeedsOnlineCheck || e.signInAgain
	st.SignInAgain = e.signInAgain
	st.PlanName = in.plans.Lookup(e.plan).Name

	s.mu.Lock()
	led := &s.st.Ledger
	if sess == nil {
		led = &s.st.AnonLedger
	}
	st.UsageToday = led.usedOn(st.Day)
	s.mu.Unlock()
	if st.Limits.DailyLimit != nil {
		r := max(*st.Limits.DailyLimit-st.UsageToday, 0)
		st.Remaining = &r
	}
	return st
}

// RecordTime writes the latest trusted time seen (and a clock set back) to
// the keychain, so that a clock moved back after the app quits is noticed at
// the next start. Status only notes them in memory; the app calls this
// every minute or so (with its connection check) and when it quits.
func (s *Service) RecordTime() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.seen(now)
	if s.clockSetBack(now) && s.st.Session != nil {
		s.st.NeedOnline = true
	}
	return s.save()
}
