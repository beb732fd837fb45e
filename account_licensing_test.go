package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"imageconverter/functions/wire"
	"imageconverter/licensing"
	"imageconverter/licensing/secrets"
	"imageconverter/platform"
	"imageconverter/settings"
)

// requireStack returns the local backend's settings (scripts/stack.sh env),
// skipping when it is not running, except under IC_REQUIRE_SERVICES=1.
func requireStack(t *testing.T) {
	t.Helper()
	for _, v := range []string{"IC_API_BASE", "FIREBASE_AUTH_EMULATOR_HOST", "FIRESTORE_EMULATOR_HOST"} {
		if os.Getenv(v) == "" {
			if os.Getenv("IC_REQUIRE_SERVICES") == "1" {
				t.Fatalf("%s is not set: start the local stack (scripts/stack.sh start; eval \"$(scripts/stack.sh env)\")", v)
			}
			t.Skipf("%s is not set: run scripts/stack.sh start and eval \"$(scripts/stack.sh env)\" to include this test", v)
		}
	}
}

// newLicensedTestApp wires App to the real licensing service on the local
// stack, with secrets in a temp file and a fresh device id.
func newLicensedTestApp(t *testing.T) (*App, *platform.Recorder) {
	t.Helper()
	requireStack(t)
	cfg, err := licensing.LoadConfig(filepath.Join(t.TempDir(), "none.json"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir() // the test's own computer: secrets and usage state apart from other tests
	lic, err := licensing.New(licensing.Options{
		Config:    cfg,
		Store:     &secrets.File{Path: filepath.Join(dir, "secrets.json")},
		StatePath: filepath.Join(dir, "state.json"),
		DeviceID:  "app-test-" + randomID(),
	})
	if err != nil {
		t.Fatal(err)
	}
	sf, _ := settings.Open(t.TempDir())
	app := NewApp(sf, lic)
	rec := platform.NewRecorder()
	app.attach(context.Background(), rec)
	return app, rec
}

func TestLicensedAccountSignUpConvertAndSignOut(t *testing.T) {
	app, rec := newLicensedTestApp(t)
	st := app.Account()
	if st.SignedIn || st.Plan.ID != wire.PlanFree || !st.Available {
		t.Fatalf("before sign-in: %+v, want signed-out free plan", st)
	}
	email := "app-" + randomID() + "@example.com"
	st, err := app.SignUp(email, "secret-pw-1")
	if err != nil {
		t.Fatalf("SignUp: %v", err)
	}
	if !st.SignedIn || st.Email != email || st.Plan.ID != wire.PlanFree || st.RemainingToday != 5 {
		t.Fatalf("after sign-up: %+v, want signed in on free with 5 left", st)
	}

	if st := app.CheckAccount(); !st.SignedIn || st.Email != email {
		t.Errorf("CheckAccount after sign-up: %+v", st)
	}

	// Free: one file per run, the other waits; the server counts the conversion.
	photos := writePhotos(t, t.TempDir(), 2, 48)
	info, err := app.StartConversion(ConvertRequest{Paths: photos, Format: "webp"})
	if err != nil {
		t.Fatal(err)
	}
	if info.Total != 1 || info.Queued != 1 {
		t.Fatalf("RunInfo = %+v, want 1 now and 1 queued", info)
	}
	if s := waitDone(t, app, rec, info.RunID); s.Converted != 1 || s.Error != "" {
		t.Fatalf("summary = %+v", s)
	}
	if _, err := app.RefreshAccount(); err != nil {
		t.Fatal(err)
	}
	if st := app.Account(); st.UsedToday != 1 || st.RemainingToday != 4 {
		t.Errorf("after one conversion: used %d, remaining %d; want 1 and 4", st.UsedToday, st.RemainingToday)
	}

	// A refusal by the server reaches the UI as a code it translates and a
	// plain sentence, not an HTTP status.
	if _, err := app.SignIn(email, "wrong-password"); err == nil {
		t.Error("signing in with a wrong password succeeded")
	} else if ue := bridgeError(err).(UIError); ue.Code != "wrong_credentials" || ue.Message == "" ||
		strings.Contains(ue.Message, "licensing:") || strings.Contains(ue.Message, "400") {
		t.Errorf("error for the user is %+v, want code wrong_credentials and a plain sentence", ue)
	}

	// Upgrade creates an order on the server and opens its checkout page in
	// the UI's language; the app then watches that order.
	co, err := app.Upgrade(wire.PlanBasic, "en")
	if err != nil {
		t.Fatalf("Upgrade: %v", err)
	}
	if urls := rec.URLs(); len(urls) != 1 || !strings.Contains(urls[0], "orderId="+co.OrderID) || !strings.Contains(urls[0], "lang=en") {
		t.Errorf("opened %v, want the checkout page of order %s in English", urls, co.OrderID)
	}
	if co.Status != "waiting" || !co.Opened || app.Checkout().OrderID != co.OrderID {
		t.Errorf("checkout %+v, want the order watched and the page opened", co)
	}
	if closed := app.CloseCheckout(); closed.Status != "closed" {
		t.Errorf("after closing the checkout: %+v", closed)
	}

	st, err = app.SignOut()
	if err != nil {
		t.Fatal(err)
	}
	if st.SignedIn || st.Plan.ID != wire.PlanFree {
		t.Errorf("after sign-out: %+v", st)
	}
}

// randomID keeps test devices and accounts apart between runs against one stack.
func randomID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
