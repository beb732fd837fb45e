package licensing

import (
	"crypto/sha256"
	"encoding/hex"
)

// One computer's conversions of a day count once, signed in or not: what was
// converted signed out counts for the account that signs in the same day, and
// what the account converted counts for signed-out use after it signs out.
// Otherwise signing in or out would give the Free plan's daily conversions
// again.

// anonPrefix names, in the account's ledger, the runs made signed out on this
// computer; the server counts each once (sync entries are idempotent by id).
const anonPrefix = "anon-"

// anonID is the account's sync id of a signed-out run of a computer: the same
// run gets the same id at every sign-in, and it fits the server's id rules.
func anonID(device, run string) string {
	sum := sha256.Sum256([]byte(device + "/" + run))
	return anonPrefix + hex.EncodeToString(sum[:16])
}

// accountDayID names, in the signed-out ledger, the account's use of a day.
const accountDayID = "account-"

// carryAnonUse adds today's signed-out runs of this computer to the account's
// ledger as conversions made offline; the sign-in's refresh sends them, so
// the account's count includes them. Call with s.mu held, once signed in.
func (s *Service) carryAnonUse() {
	today := DayOf(s.quotaNow(s.now()))
	for _, e := range s.st.AnonLedger.Entries {
		if e.Day != today || !e.Committed || e.Used <= 0 || e.ID == accountDayID+today {
			continue
		}
		id := anonID(s.device.ID, e.ID)
		if s.st.Ledger.find(id) != nil {
			continue
		}
		s.st.Ledger.Entries = append(s.st.Ledger.Entries, entry{ID: id, Day: today, Granted: e.Used, Used: e.Used,
			Committed: true, Offline: true})
	}
}

// carryAccountUse records, in the signed-out ledger, that the account that
// just signed out had used n conversions on day (across its computers, and
// including this computer's signed-out runs it took over at sign-in), so
// signed-out use that day starts from there.
func (l *ledger) carryAccountUse(day string, n int) {
	for _, e := range l.Entries {
		if e.Day == day && e.Committed && e.ID != accountDayID+day {
			n -= e.Used // already counted here
		}
	}
	if n <= 0 {
		return
	}
	if e := l.find(accountDayID + day); e != nil {
		e.Granted, e.Used = max(e.Granted, n), max(e.Used, n)
		return
	}
	l.Entries = append(l.Entries, entry{ID: accountDayID + day, Day: day, Granted: n, Used: n, Committed: true, Local: true})
}
