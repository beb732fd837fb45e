package licensing

import (
	"encoding/json"
	"fmt"
	"imageconverter/functions/wire"
	"imageconverter/licensing/firebaseauth"
	"imageconverter/licensing/secrets"
	"time"
)

// state is what survives restarts. It is saved in three parts, because OS
// keychains take only small values (Windows Credential Manager: 2,560
// bytes): the sign-in and the entitlement (each well under 2 KB) in the
// keychain, and the growing rest — quota ledger, plans, learned dev keys —
// in a 0600 file next to the config.
type state struct {
	sessionPart
	entitlementPart
	localPart
}

// sessionPart is keychain item "session".
type sessionPart struct {
	Session *firebaseauth.Session `json:"session,omitempty"` // user id, email, refresh token
}

// entitlementPart is keychain item "entitlement": the token with the times
// that guard it, so a clock set back cannot be hidden by deleting a file.
type entitlementPart struct {
	Token     string    `json:"entitlement,omitempty"`
	Info      info      `json:"info"`
	FetchedAt time.Time `json:"fetchedAt"` // trusted time of the last successful refresh
	// FetchedBy is the app version that made it: a new version may know plan
	// features the old entitlement does not list, so it asks again once.
	FetchedBy  string        `json:"fetchedBy,omitempty"`
	LastSeen   time.Time     `json:"lastSeen"` // latest trusted time ever seen
	Skew       time.Duration `json:"skew"`     // server time − local clock at the last refresh
	NeedOnline bool          `json:"needOnline"`
	// DevKeys are the local stack's keys, learned only by a localstack
	// build from a loopback API (trust_localstack.go). Kept here rather
	// than in the state file; a release build never reads them.
	DevKeys wire.JWKS `json:"devKeys,omitzero"`
	// Usage guards the quota ledger of the state file (guard.go).
	Usage usageGuard `json:"usage,omitzero"`
	// LedgerLost: the state file was missing or older than Usage; the paid
	// plan waits for an online check (ReasonUsageUnknown).
	LedgerLost bool `json:"ledgerLost,omitempty"`
	// Contact is the boot clock at the last refresh (guard.go quotaNow).
	Contact contact `json:"contact,omitzero"`
}

// localPart is the state file.
type localPart struct {
	Ledger      ledger      `json:"ledger"`
	AnonLedger  ledger      `json:"anonLedger"` // signed-out (free plan) runs
	PlanChanged bool        `json:"planChanged"`
	PrevUser    string      `json:"prevUser,omitempty"` // signed out with Ledger entries unsent
	Plans       []wire.Plan `json:"plans,omitempty"`    // last GET /v1/plans
	PlansAt     time.Time   `json:"plansAt"`
	PlansBy     string      `json:"plansBy,omitempty"` // the app version that fetched them (see FetchedBy)
}

// keptAcrossAccounts is what the computer keeps when the account changes:
// the clock guard, the signed-out ledger and the caches.
func (st state) keptAcrossAccounts() state {
	var n state
	n.LastSeen, n.Skew, n.DevKeys = st.LastSeen, st.Skew, st.DevKeys
	n.AnonLedger, n.Plans, n.PlansAt, n.PlansBy = st.AnonLedger, st.Plans, st.PlansAt, st.PlansBy
	return n
}

type info struct {
	Status            string     `json:"status"`
	PeriodEnd         *time.Time `json:"periodEnd,omitempty"`
	AutoRenew         bool       `json:"autoRenew"`
	CancelAtPeriodEnd bool       `json:"cancelAtPeriodEnd"`
	// RenewalIssue: the automatic renewal is failing (past_due): why, and
	// when the card is tried again.
	RenewalIssue *wire.RenewalIssue `json:"renewalIssue,omitempty"`
}

// save writes the parts of the state that changed; call with s.mu held.
func (s *Service) save() error {
	s.st.Usage = s.st.Ledger.guard()
	for _, part := range []struct {
		store secrets.Store
		key   string
		value any
		empty bool
	}{
		{s.store, sessionKey, s.st.sessionPart, s.st.Session == nil},
		// The ledger before its guard: stopped in between, the guard is
		// behind the file (harmless), never ahead (runs restored twice).
		{s.local, localKey, s.st.localPart, false},
		{s.store, entitlementKey, s.st.entitlementPart, false},
	} {
		b, err := json.Marshal(part.value)
		if err != nil {
			return fmt.Errorf("encode licensing state: %w", err)
		}
		v := string(b)
		if part.empty {
			v = ""
		}
		if old, ok := s.written[part.key]; ok && old == v || !ok && v == "" {
			continue
		}
		if v == "" {
			err = part.store.Delete(part.key)
		} else {
			err = part.store.Set(part.key, v)
		}
		if err != nil {
			return &Error{Code: CodeStorage, Message: Message(CodeStorage), Err: err}
		}
		s.written[part.key] = v
	}
	s.savedSeen = s.st.LastSeen
	return nil
}
