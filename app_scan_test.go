package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"imageconverter/functions/wire"
	"imageconverter/licensing/policy"
	"imageconverter/platform"
)

// lastEvent waits until an event named name satisfies ok and returns it.
func lastEvent[T any](t *testing.T, rec *platform.Recorder, name string, ok func(T) bool) T {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		evs := rec.Events(name)
		for i := len(evs) - 1; i >= 0; i-- {
			if p, is := evs[i].Payload.(T); is && ok(p) {
				return p
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no %s event as expected within a minute", name)
	var zero T
	return zero
}

func TestScanIsProOnly(t *testing.T) {
	for _, plan := range []string{wire.PlanFree, wire.PlanBasic} {
		app, _ := newTestApp(t, plan)
		want := policy.Scan(policy.DefaultPlans.Lookup(plan).Limits(), policy.DefaultPlans).Message
		if err := app.StartScan([]string{t.TempDir()}); err == nil || err.Error() != want {
			t.Errorf("%s: StartScan = %v, want %q", plan, err, want)
		}
		if _, err := app.ConvertScanned([]string{"/x"}); err == nil || err.Error() != want {
			t.Errorf("%s: ConvertScanned = %v, want %q", plan, err, want)
		}
	}
}

func TestScanThenConvertChosenFolders(t *testing.T) {
	app, rec := newTestApp(t, wire.PlanPro)
	root := t.TempDir()
	big, small := filepath.Join(root, "Big"), filepath.Join(root, "Big", "Small")
	writePhotos(t, big, 3, 96)
	writePhotos(t, small, 1, 64)

	if _, err := app.ConvertScanned([]string{big}); err == nil {
		t.Error("ConvertScanned before any scan was accepted")
	}
	if err := app.StartScan([]string{root}); err != nil {
		t.Fatal(err)
	}
	res := lastEvent(t, rec, EventScanDone, func(ScanResult) bool { return true })
	if res.Error != "" || res.Canceled || res.Files != 4 || len(res.Folders) != 2 || res.Folders[0].Path != big || res.Folders[0].Files != 3 {
		t.Fatalf("scan result = %+v", res)
	}
	if res.Saving <= 0 || res.Folders[0].Saving <= res.Folders[1].Saving {
		t.Errorf("savings = %+v", res.Folders)
	}
	if p := lastEvent(t, rec, EventScanProgress, func(p ScanProgress) bool { return p.RootsDone == 1 }); p.Files != 4 {
		t.Errorf("final progress = %+v", p)
	}

	// Only the chosen folder converts: not its sub-folder.
	info, err := app.ConvertScanned([]string{big})
	if err != nil || info.RunID == "" || info.Total != 3 {
		t.Fatalf("ConvertScanned = %+v, %v", info, err)
	}
	sum := waitDone(t, app, rec, info.RunID)
	if sum.Converted != 3 {
		t.Errorf("converted %d, want 3", sum.Converted)
	}
	if _, err := app.ConvertScanned([]string{filepath.Join(root, "elsewhere")}); err == nil {
		t.Error("a folder not in the scan was accepted")
	}
	if app.CancelScan() {
		t.Error("CancelScan reported a scan while none ran")
	}
	if places := app.ScanPlaces(); places == nil {
		t.Error("ScanPlaces is nil; the UI expects a list")
	}
}

// TestBridgeKnowsScanAndScheduleEvents keeps the event names of api.ts in
// step with types.go (TestBridgeNamesMatchApp checks the methods).
func TestBridgeKnowsScanAndScheduleEvents(t *testing.T) {
	src, err := os.ReadFile("frontend/src/lib/api.ts")
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range []string{EventScanProgress, EventScanDone, EventSchedules, EventRunStarted} {
		if !strings.Contains(string(src), `"`+ev+`"`) {
			t.Errorf("api.ts does not know event %q", ev)
		}
	}
}
