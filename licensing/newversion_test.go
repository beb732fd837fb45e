package licensing

import (
	"time"

	"testing"

	"imageconverter/functions/wire"
)

// A new version of the app may know plan features that the entitlement and
// plans table in hand (fetched by the old version, kept up to a day) do not
// list: its first start asks the service for both once, so a Basic user who
// updates is not shown "the Basic plan allows it" for a feature of Basic.
func TestNewAppVersionFetchesThePlanAgainOnce(t *testing.T) {
	st := requireStack(t)
	ctx := ctxT(t)
	old := st.reopenAs(t, "dev-version", t.TempDir()+"/secrets.json", &fakeClock{t: time.Now()}, "1.0.0")
	if _, err := old.SignUp(ctx, email(t), "password-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := old.FetchPlans(ctx); err != nil {
		t.Fatal(err)
	}
	if err := old.EnsureFresh(ctx); err != nil || old.NeedsRefresh() {
		t.Fatalf("the same version refreshes a fresh entitlement again: %v", err)
	}

	updated := st.reopenAs(t, "dev-version", old.path, old.clock, "1.1.0")
	if !updated.NeedsRefresh() {
		t.Fatal("the updated app trusts the entitlement the old version fetched")
	}
	before := updated.calls.total()
	if err := updated.EnsureFresh(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := updated.FetchPlans(ctx); err != nil {
		t.Fatal(err)
	}
	if got := updated.calls.total() - before; got < 2 || updated.calls.get("GET /v1/plans") != 1 {
		t.Fatalf("the updated app made %d calls (%d plans fetches); want the entitlement and the plans once each", got, updated.calls.get("GET /v1/plans"))
	}
	if updated.Status().Plan != wire.PlanFree || updated.NeedsRefresh() {
		t.Fatalf("after the refresh: %+v, needs refresh %v", updated.Status(), updated.NeedsRefresh())
	}
	// Once is enough: the next start of the same version keeps what it has.
	again := st.reopenAs(t, "dev-version", old.path, old.clock, "1.1.0")
	before = again.calls.total()
	if err := again.EnsureFresh(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := again.FetchPlans(ctx); err != nil {
		t.Fatal(err)
	}
	if n := again.calls.total() - before; n != 0 {
		t.Fatalf("the same version fetched again on its next start (%d calls)", n)
	}
}
