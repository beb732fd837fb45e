package licensing

import (
	"testing"
)

// The server refuses a whole batch when one entry is invalid. The client
// used to mark the whole batch as sent and drop it, losing genuine usage;
// now it splits the batch and drops only the refused entry. Real stack.
func TestRefusedEntryDoesNotDropTheBatch(t *testing.T) {
	st := requireStack(t)
	a := st.newClient(t, "dev-refused-a")
	ctx := ctxT(t)
	if _, err := a.SignUp(ctx, email(t), "password-1"); err != nil {
		t.Fatalf("sign up: %v", err)
	}
	day := a.Status().Day
	a.mu.Lock()
	for _, e := range []entry{
		{ID: "off-good-1", Day: day, Granted: 2, Used: 2, Committed: true, Offline: true},
		{ID: "off bad id", Day: day, Granted: 1, Used: 1, Committed: true, Offline: true}, // malformed: refused
		{ID: "off-good-2", Day: day, Granted: 1, Used: 1, Committed: true, Offline: true},
	} {
		a.st.Ledger.Entries = append(a.st.Ledger.Entries, e)
	}
	a.mu.Unlock()
	if err := a.Refresh(ctx); err != nil {
		t.Fatalf("refresh: %v", err)
	}
	s := a.Status()
	if s.UsageToday != 3 {
		t.Errorf("usage after the refresh: %d, want the 3 genuine conversions counted by the server", s.UsageToday)
	}
	a.mu.Lock()
	left := a.st.Ledger.pending()
	a.mu.Unlock()
	if len(left) != 0 {
		t.Errorf("entries still waiting: %+v", left)
	}
	// The server saw them: the same computer with fresh state finds them counted.
	b := st.newClient(t, "dev-refused-a")
	if _, err := b.SignIn(ctx, s.Email, "password-1"); err != nil {
		t.Fatalf("sign in b: %v", err)
	}
	if u := b.Status().UsageToday; u != 3 {
		t.Errorf("server's usage seen by another computer: %d, want 3", u)
	}
}
