package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"imageconverter/account"
	"imageconverter/functions/wire"
	"imageconverter/licensing"
	"imageconverter/licensing/policy"
	"imageconverter/settings"
	"imageconverter/uierr"
)

// The settings' preview is the converter's own naming, and a bad pattern gets the sentence saving
// it would get.
func TestPreviewName(t *testing.T) {
	app, _ := newTestApp(t, "")
	today := time.Now().Format(time.DateOnly)
	for _, c := range []struct{ pattern, format, want string }{
		{"{name}", "webp", "IMG_2041.webp"},
		{"{name}-small", "avif", "IMG_2041-small.avif"},
		{"{date} {name}", "webp", today + " IMG_2041.webp"},
		{"{name}_{ext}", "", "IMG_2041_jpg.webp"},
	} {
		got, err := app.PreviewName(c.pattern, c.format)
		if err != nil || got != c.want {
			t.Errorf("%q %s: %q, %v; want %q", c.pattern, c.format, got, err, c.want)
		}
	}
	if _, err := app.PreviewName("web/{name}", "webp"); uierr.CodeOf(err) != "name_pattern_separator" {
		t.Errorf("a pattern with a folder: %v", err)
	}
	s := settings.Defaults()
	s.NamePattern = "web/{name}"
	if _, err := app.SaveSettings(s); uierr.CodeOf(err) != "name_pattern_separator" {
		t.Errorf("saving the same pattern: %v", err)
	}
}

// Free: a saved custom quality is refused when a run starts, with the refusal naming Basic, and
// nothing is written; the same settings convert on Basic.
func TestStartConversionRefusesFineControlOnFree(t *testing.T) {
	for _, plan := range []string{wire.PlanFree, wire.PlanBasic} {
		app, _ := newTestApp(t, plan)
		s := settings.Defaults()
		s.Preset, s.Quality = settings.PresetCustom, 40
		if _, err := app.SaveSettings(s); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		src := writePhotos(t, dir, 1, 64)[0]
		info, err := app.StartConversion(ConvertRequest{Paths: []string{src}})
		if err != nil {
			t.Fatal(err)
		}
		out := strings.TrimSuffix(src, filepath.Ext(src)) + ".webp"
		if plan == wire.PlanFree {
			if info.RunID != "" || len(info.Refusals) != 1 || info.Refusals[0].Code != policy.CodeFine || info.Refusals[0].UpgradeTo != wire.PlanBasic {
				t.Errorf("free: %+v", info)
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("free: the photo was converted")
			}
			continue
		}
		if info.RunID == "" || len(info.Refusals) != 0 {
			t.Fatalf("basic: %+v", info)
		}
		app.runs.Wait()
		if _, err := os.Stat(out); err != nil {
			t.Errorf("basic: %v", err)
		}
	}
}

// staleAccount is a Basic user whose entitlement was signed before Basic had fine control: the
// plans table has it, the entitlement's limits do not, until Refresh.
type staleAccount struct {
	*account.Local
	refreshed atomic.Int32
	offline   bool
}

func (a *staleAccount) Status() licensing.Status {
	st := a.Local.Status()
	if a.refreshed.Load() == 0 || a.offline {
		st.Limits.Features = slices.DeleteFunc(slices.Clone(st.Limits.Features), func(f string) bool { return f == wire.FeatureFine })
	}
	return st
}

func (a *staleAccount) Refresh(context.Context) error {
	a.refreshed.Add(1)
	if a.offline {
		return errors.New("no network")
	}
	return nil
}

// An entitlement older than the feature is refreshed when a run asks for it, and the run goes.
func TestOldEntitlementIsRefreshedForFineControl(t *testing.T) {
	sf, _ := settings.Open(t.TempDir())
	acct := &staleAccount{Local: account.NewLocal(wire.PlanBasic)}
	app := NewApp(sf, acct)
	if app.Account().Plan.Features != nil && slices.Contains(app.Account().Plan.Features, wire.FeatureFine) {
		t.Fatal("the stale entitlement already has the feature")
	}
	s := settings.Defaults()
	// Without fine control nothing is refreshed.
	src := writePhotos(t, t.TempDir(), 1, 64)[0]
	if info, err := app.StartConversion(ConvertRequest{Paths: []string{src}}); err != nil || info.RunID == "" {
		t.Fatalf("preset run: %+v %v", info, err)
	}
	app.runs.Wait()
	if acct.refreshed.Load() != 0 {
		t.Error("a preset run refreshed the entitlement")
	}
	s.TargetKB = 200
	if _, err := app.SaveSettings(s); err != nil {
		t.Fatal(err)
	}
	src = writePhotos(t, t.TempDir(), 1, 64)[0]
	info, err := app.StartConversion(ConvertRequest{Paths: []string{src}})
	if err != nil || info.RunID == "" || len(info.Refusals) != 0 {
		t.Fatalf("target run: %+v %v", info, err)
	}
	app.runs.Wait()
	if acct.refreshed.Load() != 1 {
		t.Errorf("refreshed %d times, want once", acct.refreshed.Load())
	}

	// Offline: the run is refused with a sentence that does not send a Basic user to Basic.
	sf2, _ := settings.Open(t.TempDir())
	off := &staleAccount{Local: account.NewLocal(wire.PlanBasic), offline: true}
	app = NewApp(sf2, off)
	if _, err := app.SaveSettings(s); err != nil {
		t.Fatal(err)
	}
	src = writePhotos(t, t.TempDir(), 1, 64)[0]
	info, err = app.StartConversion(ConvertRequest{Paths: []string{src}})
	if uierr.CodeOf(err) != "plan_outdated" || info.RunID != "" {
		t.Errorf("offline with an old entitlement: %+v, %v", info, err)
	}
}
