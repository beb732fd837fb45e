package account

import (
	"context"
	"testing"

	"imageconverter/functions/wire"
	"imageconverter/licensing"
	"imageconverter/uierr"
)

// The stand-in counts the day's conversions against the plan and says that
// accounts cannot be used; through ForRuns a run sees the same numbers.
func TestLocalCountsTheDay(t *testing.T) {
	a := NewLocal("")
	r := ForRuns(a)
	ctx := context.Background()
	if e := r.Entitlement(ctx); e.PlanID != wire.PlanFree || *e.Remaining != 5 {
		t.Fatalf("entitlement %+v", e)
	}
	if n, _ := r.Reserve(ctx, "run-1", 3); n != 3 {
		t.Fatalf("granted %d of 3", n)
	}
	if err := r.Commit(ctx, "run-1", 2); err != nil {
		t.Fatal(err)
	}
	if n, _ := r.Reserve(ctx, "run-2", 9); n != 3 {
		t.Errorf("after 2 used, granted %d of 9, want 3", n)
	}
	if st := a.Status(); st.UsageToday != 2 || *st.Remaining != 3 || st.Reason != licensing.ReasonSignedOut {
		t.Errorf("status %+v", st)
	}
	if _, err := a.SignIn(ctx, "a@example.com", "secret1"); uierr.CodeOf(err) != codeAccountsUnavailable {
		t.Errorf("sign-in on the stand-in: %v", err)
	}
	if Available(a) {
		t.Error("the stand-in says accounts are available")
	}
	if code, _ := Notice(a.Status()); code != "" {
		t.Errorf("signed out is no notice, got %q", code)
	}
}

func TestNoticeSaysWhy(t *testing.T) {
	st := licensing.Status{SignedIn: true, Reason: licensing.ReasonExpired, ReasonMessage: "offline too long", StorageWarning: "file"}
	if code, msg := Notice(st); code != licensing.ReasonExpired || msg != "offline too long" {
		t.Errorf("notice %q %q, want the reason first", code, msg)
	}
	st.Reason, st.SignInAgain = "", true // the plan still applies, the sign-in does not
	if code, _ := Notice(st); code != licensing.ReasonSessionExpired {
		t.Errorf("notice %q, want %s while the sign-in must be renewed", code, licensing.ReasonSessionExpired)
	}
	st.SignInAgain = false
	if code, _ := Notice(st); code != NoticeStorageFile {
		t.Errorf("notice %q, want the storage note", code)
	}
}
