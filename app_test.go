package main

import (
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/image/webp"

	"imageconverter/account"
	"imageconverter/functions/wire"
	"imageconverter/licensing"
	"imageconverter/licensing/policy"
	"imageconverter/platform"
	"imageconverter/runs"
	"imageconverter/settings"
	"imageconverter/uierr"
)

// newTestApp gives an App with settings in a temp dir, the stand-in account
// on plan, and a recording runtime.
func newTestApp(t *testing.T, plan string) (*App, *platform.Recorder) {
	t.Helper()
	sf, err := settings.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	app := NewApp(sf, account.NewLocal(plan))
	rec := platform.NewRecorder()
	app.attach(context.Background(), rec)
	return app, rec
}

// writePhotos writes n noisy-gradient PNGs of size×size into dir; PNG of
// such content is several times larger than lossy WebP, so every file converts.
func writePhotos(t *testing.T, dir string, n, size int) []string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for i := range n {
		img := image.NewNRGBA(image.Rect(0, 0, size, size))
		seed := uint32(i*7919 + 1)
		for y := range size {
			for x := range size {
				seed = seed*1664525 + 1013904223
				noise := uint8(seed >> 28)
				img.Set(x, y, color.NRGBA{uint8(x*255/size) + noise, uint8(y*255/size) + noise, uint8((x+y)*127/size) + noise, 255})
			}
		}
		p := filepath.Join(dir, "photo"+string(rune('a'+i%26))+strings.Repeat("x", i/26)+".png")
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
		f.Close()
		paths = append(paths, p)
	}
	return paths
}

// waitDone waits for the run and returns its one Summary event.
func waitDone(t *testing.T, app *App, rec *platform.Recorder, runID string) Summary {
	t.Helper()
	finished := make(chan struct{})
	go func() { app.runs.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(2 * time.Minute):
		t.Fatal("the run did not finish within 2 minutes")
	}
	var found []Summary
	for _, e := range rec.Events(EventDone) {
		if s := e.Payload.(Summary); s.RunID == runID {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want exactly one %s event for %s, got %d", EventDone, runID, len(found))
	}
	return found[0]
}

func TestStartConversionConvertsFolderAndReportsEvents(t *testing.T) {
	app, rec := newTestApp(t, wire.PlanPro)
	dir := filepath.Join(t.TempDir(), "photos")
	srcs := writePhotos(t, dir, 3, 96)
	before := map[string][]byte{}
	for _, p := range srcs {
		before[p], _ = os.ReadFile(p)
	}

	info, err := app.StartConversion(ConvertRequest{Paths: []string{dir}, Format: "webp", Preset: "balanced"})
	if err != nil {
		t.Fatalf("StartConversion: %v", err)
	}
	if info.RunID == "" || info.Total != 3 || info.Queued != 0 || len(info.Refusals) != 0 {
		t.Fatalf("RunInfo = %+v, want a run of 3 files, nothing queued or refused", info)
	}
	sum := waitDone(t, app, rec, info.RunID)
	if sum.Converted != 3 || sum.Failed != 0 || sum.Canceled {
		t.Fatalf("summary = %+v, want 3 converted", sum)
	}
	if sum.SavedBytes <= 0 || sum.SavedPercent <= 0 || sum.SavedPercent >= 100 {
		t.Errorf("saved %d bytes (%.1f%%), want a real saving", sum.SavedBytes, sum.SavedPercent)
	}
	if sum.OutputDir != dir {
		t.Errorf("output dir = %q, want the dropped folder %q", sum.OutputDir, dir)
	}
	for _, p := range srcs {
		out := strings.TrimSuffix(p, ".png") + ".webp"
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatalf("output missing: %v", err)
		}
		if string(b[:4]) != "RIFF" || string(b[8:12]) != "WEBP" {
			t.Errorf("%s is not a WebP file", out)
		}
		if now, _ := os.ReadFile(p); string(now) != string(before[p]) {
			t.Errorf("original %s changed", p)
		}
	}
	files := rec.Events(EventFile)
	if len(files) != 3 {
		t.Errorf("got %d %s events, want 3", len(files), EventFile)
	}
	progress := rec.Events(EventProgress)
	if len(progress) == 0 {
		t.Fatal("no progress events")
	}
	last := progress[len(progress)-1].Payload.(Progress)
	if last.Done != 3 || last.Total != 3 || last.RunID != info.RunID {
		t.Errorf("last progress = %+v, want 3 of 3", last)
	}
	if acc := rec.Events(EventAccount); len(acc) == 0 {
		t.Error("no account event after the run (remaining conversions would be stale)")
	}
}

func TestCancelStopsRunAndLeavesNoPartialFiles(t *testing.T) {
	app, rec := newTestApp(t, wire.PlanPro)
	dir := filepath.Join(t.TempDir(), "many")
	writePhotos(t, dir, 24, 512)
	info, err := app.StartConversion(ConvertRequest{Paths: []string{dir}, Format: "webp", Preset: "best"})
	if err != nil {
		t.Fatal(err)
	}
	// Cancel as soon as the first file is done, so some work is really in flight.
	deadline := time.After(time.Minute)
	for len(rec.Events(EventFile)) == 0 {
		select {
		case <-rec.Changed():
		case <-deadline:
			t.Fatal("no file finished within a minute")
		}
	}
	if !app.Cancel() {
		t.Fatal("Cancel said nothing was running")
	}
	sum := waitDone(t, app, rec, info.RunID)
	if !sum.Canceled {
		t.Errorf("summary not marked cancelled: %+v", sum)
	}
	if sum.Converted == 0 || sum.Converted >= 24 {
		t.Errorf("converted %d of 24; want some but not all after Cancel", sum.Converted)
	}
	entries, _ := os.ReadDir(dir)
	webp := 0
	for _, e := range entries {
		switch {
		case strings.HasPrefix(e.Name(), ".ic-tmp"):
			t.Errorf("temporary file left behind: %s", e.Name())
		case strings.HasSuffix(e.Name(), ".webp"):
			webp++
		}
	}
	if webp != sum.Converted {
		t.Errorf("%d .webp files on disk, summary says %d converted", webp, sum.Converted)
	}
	if app.Cancel() {
		t.Error("Cancel after the run ended said a run was stopped")
	}
	// The app takes a new run after a cancelled one; it plans only the files
	// not converted yet (the earlier outputs are up to date).
	info2, err := app.StartConversion(ConvertRequest{Paths: []string{dir}, Format: "webp", Preset: "smallest"})
	if err != nil {
		t.Fatalf("second run refused: %v", err)
	}
	if info2.Total != 24-sum.Converted {
		t.Errorf("second run plans %d files, want the %d not converted yet", info2.Total, 24-sum.Converted)
	}
	app.Cancel()
	waitDone(t, app, rec, info2.RunID)
}

func TestStartConversionRefusesBadArguments(t *testing.T) {
	app, _ := newTestApp(t, wire.PlanPro)
	photo := writePhotos(t, t.TempDir(), 1, 16)[0]
	cases := []struct {
		name string
		req  ConvertRequest
		want uierr.Code
	}{
		{"no paths", ConvertRequest{}, runs.CodeNothingDropped},
		{"blank path", ConvertRequest{Paths: []string{"  "}}, runs.CodeNothingDropped},
		{"relative path", ConvertRequest{Paths: []string{"photo.png"}}, runs.CodeBadPath},
		{"missing file", ConvertRequest{Paths: []string{filepath.Join(t.TempDir(), "gone.jpg")}}, runs.CodePathNotFound},
		{"unknown format", ConvertRequest{Paths: []string{photo}, Format: "gif"}, "setting_invalid"},
		{"unknown preset", ConvertRequest{Paths: []string{photo}, Preset: "ultra"}, "setting_invalid"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			info, err := app.StartConversion(c.req)
			if uierr.CodeOf(err) != c.want {
				t.Fatalf("err = %v, want code %s", err, c.want)
			}
			if info.RunID != "" {
				t.Error("a run started despite the error")
			}
		})
	}
}

func TestPlanRulesAreCheckedBeforeConverting(t *testing.T) {
	t.Run("free plan refuses folders", func(t *testing.T) {
		app, rec := newTestApp(t, wire.PlanFree)
		dir := filepath.Join(t.TempDir(), "album")
		writePhotos(t, dir, 2, 16)
		info, err := app.StartConversion(ConvertRequest{Paths: []string{dir}, Format: "webp"})
		if err != nil {
			t.Fatal(err)
		}
		if info.RunID != "" || len(info.Refusals) != 1 || info.Refusals[0].Code != "folders_not_in_plan" || info.Refusals[0].UpgradeTo != wire.PlanBasic {
			t.Fatalf("RunInfo = %+v, want a folders refusal naming basic", info)
		}
		if len(rec.Events("")) != 0 {
			t.Error("events were emitted for a refused drop")
		}
	})
	t.Run("free plan refuses avif", func(t *testing.T) {
		app, _ := newTestApp(t, wire.PlanFree)
		photo := writePhotos(t, t.TempDir(), 1, 16)[0]
		info, err := app.StartConversion(ConvertRequest{Paths: []string{photo}, Format: "avif"})
		if err != nil {
			t.Fatal(err)
		}
		if info.RunID != "" || len(info.Refusals) != 1 || info.Refusals[0].Code != "format_not_in_plan" || !strings.Contains(info.Refusals[0].Message, "Basic") {
			t.Fatalf("RunInfo = %+v, want a format refusal naming Basic", info)
		}
	})
	t.Run("files per run queue the rest, continue and daily limit", func(t *testing.T) {
		app, rec := newTestApp(t, wire.PlanFree)
		photos := writePhotos(t, t.TempDir(), 7, 48)
		info, err := app.StartConversion(ConvertRequest{Paths: photos, Format: "webp"})
		if err != nil {
			t.Fatal(err)
		}
		if info.Total != 1 || info.Queued != 6 || len(info.Refusals) != 1 || info.Refusals[0].Code != "files_per_run" {
			t.Fatalf("RunInfo = %+v, want 1 now and 6 queued", info)
		}
		sum := waitDone(t, app, rec, info.RunID)
		if sum.Converted != 1 || sum.Queued != 6 || sum.AutoContinue {
			t.Fatalf("summary = %+v, want 1 converted, 6 queued, no auto-continue on free", sum)
		}
		for i := 2; i <= 5; i++ { // the free plan allows 5 a day
			info, err = app.ContinueQueue()
			if err != nil {
				t.Fatal(err)
			}
			if s := waitDone(t, app, rec, info.RunID); s.Converted != 1 {
				t.Fatalf("continue %d: %+v", i, s)
			}
		}
		if got := app.Account().RemainingToday; got != 0 {
			t.Fatalf("remaining today = %d, want 0 after 5 conversions", got)
		}
		info, err = app.ContinueQueue()
		if err != nil {
			t.Fatal(err)
		}
		if info.RunID != "" || info.Queued != 2 || len(info.Refusals) == 0 || info.Refusals[len(info.Refusals)-1].Code != "daily_limit_reached" {
			t.Fatalf("after the daily limit: %+v, want nothing started, 2 still queued, a daily-limit refusal", info)
		}
	})
	t.Run("pro queues above 100 files and continues by itself", func(t *testing.T) {
		app, rec := newTestApp(t, wire.PlanPro)
		dir := filepath.Join(t.TempDir(), "lots")
		writePhotos(t, dir, 101, 16)
		info, err := app.StartConversion(ConvertRequest{Paths: []string{dir}})
		if err != nil {
			t.Fatal(err)
		}
		if info.Total != 100 || info.Queued != 1 {
			t.Fatalf("RunInfo = %+v, want 100 now and 1 queued", info)
		}
		if s := waitDone(t, app, rec, info.RunID); !s.AutoContinue || s.Queued != 1 {
			t.Fatalf("summary = %+v, want auto-continue with 1 queued", s)
		}
		// The app starts the next run itself and says so (no Continue).
		var next RunInfo
		for range 1000 {
			if ev := rec.Events(EventRunStarted); len(ev) > 0 {
				next = ev[0].Payload.(RunInfo)
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if next.RunID == "" || next.Total != 1 || next.Queued != 0 {
			t.Fatalf("%s = %+v, want the last file's run", EventRunStarted, next)
		}
		if s := waitDone(t, app, rec, next.RunID); s.AutoContinue || s.Queued != 0 || s.Converted+s.Skipped != 1 {
			t.Fatalf("last summary = %+v", s)
		}
		if _, err := app.ContinueQueue(); err == nil {
			t.Error("ContinueQueue with an empty queue did not say so")
		}
	})
}

// A drop while files still wait converts the new drop and keeps the
// waiting files queued (it used to replace them).
func TestNewDropKeepsTheQueue(t *testing.T) {
	app, rec := newTestApp(t, wire.PlanFree)
	first := writePhotos(t, filepath.Join(t.TempDir(), "first"), 3, 48)
	info, err := app.StartConversion(ConvertRequest{Paths: first, Format: "webp"})
	if err != nil || info.Total != 1 || info.Queued != 2 {
		t.Fatalf("first drop: %+v, %v; want 1 now and 2 queued", info, err)
	}
	waitDone(t, app, rec, info.RunID)
	second := writePhotos(t, filepath.Join(t.TempDir(), "second"), 1, 48)
	info, err = app.StartConversion(ConvertRequest{Paths: second, Format: "webp"})
	if err != nil || info.Total != 1 || info.Files[0] != second[0] || info.Queued != 2 {
		t.Fatalf("second drop: %+v, %v; want it converted now and the 2 earlier files still queued", info, err)
	}
	if s := waitDone(t, app, rec, info.RunID); s.Queued != 2 {
		t.Fatalf("summary after the second drop: %+v, want 2 queued", s)
	}
	info, err = app.ContinueQueue()
	if err != nil || len(info.Files) != 1 || info.Files[0] != first[1] || info.Queued != 1 {
		t.Fatalf("continue: %+v, %v; want the first drop's second photo", info, err)
	}
	waitDone(t, app, rec, info.RunID)
}

// A second drop during a run is not lost: it waits behind the run and is
// converted when it ends, announced by convert:started for the UI to follow.
func TestDropDuringARunWaitsBehindIt(t *testing.T) {
	app, rec := newTestApp(t, wire.PlanPro)
	dir := filepath.Join(t.TempDir(), "set")
	writePhotos(t, dir, 12, 400)
	more := filepath.Join(t.TempDir(), "more")
	writePhotos(t, more, 2, 96)
	info, err := app.StartConversion(ConvertRequest{Paths: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	behind, err := app.StartConversion(ConvertRequest{Paths: []string{more}})
	if err != nil || !behind.Behind || behind.RunID != "" || behind.Queued != 2 {
		t.Fatalf("second drop: %+v, %v; want 2 files waiting behind the run", behind, err)
	}
	if sum := waitDone(t, app, rec, info.RunID); sum.Converted != 12 || !sum.AutoContinue {
		t.Fatalf("first run %+v, want 12 converted, the app continuing by itself", sum)
	}
	var next RunInfo
	for range 1000 {
		if ev := rec.Events(EventRunStarted); len(ev) > 0 {
			next = ev[0].Payload.(RunInfo)
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if next.RunID == "" || next.Total != 2 {
		t.Fatalf("%s = %+v, want the waiting drop's run of 2", EventRunStarted, next)
	}
	if sum := waitDone(t, app, rec, next.RunID); sum.Converted != 2 {
		t.Errorf("the waiting drop's run %+v, want 2 converted", sum)
	}
}

func TestSettingsPersistAndValidate(t *testing.T) {
	dir := t.TempDir()
	sf, _ := settings.Open(dir)
	app := NewApp(sf, account.NewLocal(""))
	if got := app.GetSettings(); got != settings.Defaults() {
		t.Fatalf("fresh settings = %+v, want defaults", got)
	}
	s := settings.Defaults()
	s.Format, s.Preset, s.Language, s.KeepMetadata = "avif", "best", "ja", true
	s.OutputMode, s.OutputDir = "folder", t.TempDir()
	if _, err := app.SaveSettings(s); err != nil {
		t.Fatal(err)
	}
	sf2, _ := settings.Open(dir)
	if got := sf2.Load(); got != s {
		t.Fatalf("reloaded %+v, want %+v", got, s)
	}
	bad := s
	bad.OutputDir = "relative/out"
	if _, err := app.SaveSettings(bad); err == nil {
		t.Error("a relative output folder was saved")
	}
	bad = s
	bad.Language = "fr"
	if _, err := app.SaveSettings(bad); err == nil {
		t.Error("an unknown language was saved")
	}
	if got := app.GetSettings(); got != s {
		t.Errorf("a refused save changed the settings to %+v", got)
	}
	// A damaged file falls back to defaults instead of locking the user out.
	os.WriteFile(filepath.Join(dir, "settings.json"), []byte("{not json"), 0o600)
	if got := app.GetSettings(); got != settings.Defaults() {
		t.Errorf("damaged settings gave %+v, want defaults", got)
	}
}

func TestDialogsAndOpenFolderGoThroughTheRuntime(t *testing.T) {
	app, rec := newTestApp(t, "")
	dir := t.TempDir()
	rec.Files = []string{"/a.jpg"}
	rec.Folder = dir
	if got, err := app.ChooseFiles("사진 선택", "사진"); err != nil || len(got) != 1 || got[0] != "/a.jpg" {
		t.Errorf("ChooseFiles = %v, %v", got, err)
	}
	if got, err := app.ChooseFolder("폴더 선택"); err != nil || got != dir {
		t.Errorf("ChooseFolder = %q, %v", got, err)
	}
	if err := app.OpenFolder(dir); err != nil {
		t.Fatal(err)
	}
	if got := rec.Opened(); len(got) != 1 || got[0] != dir {
		t.Errorf("opened %v, want [%s]", got, dir)
	}
	if err := app.OpenFolder(filepath.Join(dir, "missing")); uierr.CodeOf(err) != codePathNotFound {
		t.Errorf("opening a missing folder: %v, want %s", err, codePathNotFound)
	}
	// No file manager: the UI gets the path to copy.
	rec.OpenErr = errors.New("xdg-open: no method available")
	if ue, ok := bridgeError(app.OpenFolder(dir)).(UIError); !ok || ue.Code != string(codeOpenFolderFailed) || ue.Detail != dir {
		t.Errorf("a failed file manager gave %+v, want code %s with the path", ue, codeOpenFolderFailed)
	}
	rec.OpenErr = nil
	if err := app.OpenFolder("relative"); err == nil {
		t.Error("opening a relative path did not fail")
	}
	// Without a runtime (before startup) bound methods answer with a sentence, not a crash.
	bare := NewApp(app.prefs, account.NewLocal(""))
	if _, err := bare.ChooseFiles("", ""); uierr.CodeOf(err) != codeNotReady {
		t.Error("ChooseFiles before startup did not fail")
	}
}

func TestAccountStandInIsTheFreePlan(t *testing.T) {
	app, _ := newTestApp(t, "")
	st := app.Account()
	if st.SignedIn || st.Plan.ID != wire.PlanFree || st.RemainingToday != 5 || st.Plan.BatchSize != 1 {
		t.Fatalf("account = %+v, want signed-out free plan with 5 left", st)
	}
	if _, err := app.SignIn("someone@example.com", "secret1"); err == nil {
		t.Error("sign-in on the stand-in did not say accounts are unavailable")
	}
	if _, err := app.SignIn("not-an-email", "secret1"); uierr.CodeOf(err) != "invalid_email" {
		t.Errorf("bad email: %v", err)
	}
	if _, err := app.Upgrade("free", "ko"); uierr.CodeOf(err) != codeNotForSale {
		t.Error("upgrading to the free plan was accepted")
	}
	if got := app.Plans(); len(got) != 3 || got[2].DailyLimit != -1 || got[1].PriceKRW != 4900 {
		t.Errorf("plans = %+v", got)
	}
}

// TestBridgeNamesMatchApp keeps frontend/src/lib/api.ts (hand-written instead
// of generated wailsjs) in step with App's bound methods.
func TestBridgeNamesMatchApp(t *testing.T) {
	src, err := os.ReadFile("frontend/src/lib/api.ts")
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, m := range regexp.MustCompile(`call<[^>]*>\("(\w+)"`).FindAllStringSubmatch(string(src), -1) {
		used[m[1]] = true
	}
	typ := reflect.TypeOf(&App{})
	bound := map[string]bool{}
	for i := range typ.NumMethod() {
		bound[typ.Method(i).Name] = true
	}
	for name := range used {
		if !bound[name] {
			t.Errorf("api.ts calls %s, which App does not have", name)
		}
	}
	for name := range bound {
		if !used[name] {
			t.Errorf("App.%s is bound but api.ts never calls it", name)
		}
	}
	for _, ev := range []string{EventProgress, EventFile, EventDone, EventAccount, EventCheckout, EventRunStarted} {
		if !strings.Contains(string(src), `"`+ev+`"`) {
			t.Errorf("api.ts does not know event %q", ev)
		}
	}
}

func TestSettingsShapeTheRun(t *testing.T) {
	app, rec := newTestApp(t, wire.PlanPro)
	out := t.TempDir()
	s := settings.Defaults()
	s.OutputMode, s.OutputDir = "folder", out
	s.Resize, s.MaxWidth, s.MaxHeight = true, 40, 30
	s.KeepDates = false
	if _, err := app.SaveSettings(s); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "trip")
	src := writePhotos(t, filepath.Join(dir, "day1"), 1, 96)[0]
	old := time.Date(2020, 5, 1, 12, 0, 0, 0, time.UTC)
	if err := os.Chtimes(src, old, old); err != nil {
		t.Fatal(err)
	}
	info, err := app.StartConversion(ConvertRequest{Paths: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	sum := waitDone(t, app, rec, info.RunID)
	if sum.Converted != 1 || sum.OutputDir != out {
		t.Fatalf("summary = %+v, want 1 converted into %s", sum, out)
	}
	// The dropped folder is mirrored below the output folder.
	dst := filepath.Join(out, "trip", "day1", strings.TrimSuffix(filepath.Base(src), ".png")+".webp")
	fi, err := os.Stat(dst)
	if err != nil {
		t.Fatalf("mirrored output missing: %v", err)
	}
	f, err := os.Open(dst)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := webp.DecodeConfig(f)
	f.Close()
	if err != nil || cfg.Width != 30 || cfg.Height != 30 {
		t.Errorf("output is %dx%d (%v), want the 96x96 photo fitted into 40x30: 30x30", cfg.Width, cfg.Height, err)
	}
	if fi.ModTime().Equal(old) {
		t.Error("the output kept the original's date although Keep dates is off")
	}
	if _, err := os.Stat(strings.TrimSuffix(src, ".png") + ".webp"); err == nil {
		t.Error("an output was written next to the original although a folder was chosen")
	}
	if got := s.Options(); got.MaxWidth != 40 || got.MaxHeight != 30 || got.KeepModTime || got.OutputDir != out {
		t.Errorf("options = %+v", got)
	}
	s.Resize = false
	if got := s.Options(); got.MaxWidth != 0 || got.MaxHeight != 0 {
		t.Errorf("without resize: %+v", got)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// offlineAccount is the stand-in with the state of a signed-in user who has
// been offline for a while.
type offlineAccount struct{ *account.Local }

func (a offlineAccount) Status() licensing.Status {
	st := a.Local.Status()
	st.SignedIn, st.Email, st.Offline, st.GraceDaysLeft, st.Reason = true, "kim@example.com", true, 3, ""
	end := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	st.PeriodEnd = &end
	st.StorageWarning = "No system keychain is available."
	return st
}

func TestAccountStateForTheUI(t *testing.T) {
	sf, _ := settings.Open(t.TempDir())
	app := NewApp(sf, offlineAccount{account.NewLocal(wire.PlanBasic)})
	st := app.Account()
	if !st.Offline || st.GraceDaysLeft != 3 || st.NoticeKey != account.NoticeStorageFile || st.PeriodEnd != "2026-12-01T00:00:00Z" {
		t.Errorf("offline state = %+v, want the banner's days and the notice", st)
	}
	if st.Plan.ID != wire.PlanBasic || st.Plan.DailyLimit != 50 || st.RemainingToday != 50 || st.Plan.BatchSize != 10 {
		t.Errorf("plan = %+v, remaining %d", st.Plan, st.RemainingToday)
	}
}

func TestEngineRunsNative(t *testing.T) {
	app, _ := newTestApp(t, "")
	info := app.EngineInfo()
	if info.WebP != "native" || info.AVIF != "native" || info.Warning != "" {
		t.Errorf("engine = %+v; the app would warn users about slow conversion (install libwebp-dev and libavif-dev)", info)
	}
}

func TestShutdownCancelsAndGoesQuiet(t *testing.T) {
	app, rec := newTestApp(t, wire.PlanPro)
	dir := filepath.Join(t.TempDir(), "closing")
	writePhotos(t, dir, 16, 512)
	info, err := app.StartConversion(ConvertRequest{Paths: []string{dir}, Preset: "best"})
	if err != nil || info.RunID == "" {
		t.Fatalf("start: %+v, %v", info, err)
	}
	app.shutdown(context.Background())
	if app.Cancel() {
		t.Error("a run is still going after shutdown")
	}
	if got := rec.Events(EventDone); len(got) != 0 {
		t.Errorf("events were emitted to a closed window: %d done events", len(got))
	}
}

// Changing settings and dropping the same folder again with "overwrite"
// makes the outputs again: outputs that keep the source's date always look
// up to date, so without Reconvert they were all skipped as already converted.
func TestOverwriteConvertsAgainWithNewSettings(t *testing.T) {
	app, rec := newTestApp(t, wire.PlanPro)
	s := settings.Defaults()
	s.KeepDates = true
	s.Existing = "overwrite"
	if _, err := app.SaveSettings(s); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "again")
	src := writePhotos(t, dir, 1, 96)[0]
	dst := strings.TrimSuffix(src, ".png") + ".webp"
	info, err := app.StartConversion(ConvertRequest{Paths: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	if sum := waitDone(t, app, rec, info.RunID); sum.Converted != 1 {
		t.Fatalf("first run %+v, want 1 converted", sum)
	}
	s.Resize, s.MaxWidth, s.MaxHeight = true, 48, 48
	if _, err := app.SaveSettings(s); err != nil {
		t.Fatal(err)
	}
	info, err = app.StartConversion(ConvertRequest{Paths: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	if sum := waitDone(t, app, rec, info.RunID); sum.Converted != 1 || sum.Skipped != 0 {
		t.Fatalf("second run with new settings %+v, want 1 converted again, none skipped", sum)
	}
	f, err := os.Open(dst)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := webp.DecodeConfig(f)
	f.Close()
	if err != nil || cfg.Width != 48 {
		t.Errorf("output is %dx%d (%v), want the new size 48x48", cfg.Width, cfg.Height, err)
	}
	s.Existing = "skip"
	if s.Options().Reconvert {
		t.Error("skip must not reconvert up-to-date outputs")
	}
}

// The renewal issue reaches the UI only while the subscription is past due
// and the user is signed in (a stale one never shows after the fix).
func TestAccountStateCarriesTheRenewalIssue(t *testing.T) {
	next := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
	issue := &wire.RenewalIssue{Reason: wire.RenewalCardDeclined, NextAttempt: &next}
	st := licensing.Status{SignedIn: true, Plan: wire.PlanBasic, SubscriptionStatus: wire.StatusPastDue, RenewalIssue: issue}
	got := accountState(st, policy.DefaultPlans, true).RenewalIssue
	if got.Reason != "card_declined" || got.NextAttempt != "2026-12-07T01:00:00Z" {
		t.Fatalf("past due: %+v", got)
	}
	st.RenewalIssue.NextAttempt = nil // the last attempt failed
	if got := accountState(st, policy.DefaultPlans, true).RenewalIssue; got.Reason != "card_declined" || got.NextAttempt != "" {
		t.Fatalf("no attempt left: %+v", got)
	}
	st.SubscriptionStatus = wire.StatusActive
	if got := accountState(st, policy.DefaultPlans, true).RenewalIssue; got.Reason != "" {
		t.Fatalf("active subscription shows an issue: %+v", got)
	}
	st.SubscriptionStatus, st.SignedIn = wire.StatusPastDue, false
	if got := accountState(st, policy.DefaultPlans, true).RenewalIssue; got.Reason != "" {
		t.Fatalf("signed out shows an issue: %+v", got)
	}
}
