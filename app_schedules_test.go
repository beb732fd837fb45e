package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"imageconverter/functions/wire"
	"imageconverter/licensing/policy"
)

func TestSchedulesNeedBasic(t *testing.T) {
	app, _ := newTestApp(t, wire.PlanFree)
	want := policy.Schedules(policy.DefaultPlans.Free(), policy.DefaultPlans).Message
	if _, err := app.AddSchedule(ScheduleRequest{Folder: t.TempDir(), Mode: "arrival"}); err == nil || err.Error() != want {
		t.Errorf("AddSchedule on Free = %v, want %q", err, want)
	}
	if got := app.Schedules(); len(got) != 0 {
		t.Errorf("schedules = %+v", got)
	}
}

func TestWatchedFolderConvertsArrivals(t *testing.T) {
	app, rec := newTestApp(t, wire.PlanBasic)
	ctx, cancel := context.WithCancel(context.Background())
	if err := app.sched.Run(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); app.sched.Stop(); app.runs.Wait() })

	dir := t.TempDir()
	list, err := app.AddSchedule(ScheduleRequest{Folder: dir, Format: "webp", Preset: "smallest", Mode: "arrival"})
	if err != nil || len(list) != 1 || list[0].Status != "watching" || !list[0].Enabled {
		t.Fatalf("AddSchedule = %+v, %v", list, err)
	}
	if _, err := app.AddSchedule(ScheduleRequest{Folder: dir, Mode: "daily", At: "9pm"}); err == nil {
		t.Error("a bad daily time was accepted")
	}
	// Saved beside settings.json, so it survives a restart.
	if _, err := os.Stat(filepath.Join(app.prefs.Dir(), "schedules.json")); err != nil {
		t.Error("schedules were not saved:", err)
	}

	writePhotos(t, dir, 1, 80)
	got := lastEvent(t, rec, EventSchedules, func(l []ScheduleInfo) bool { return len(l) == 1 && l[0].LastCode != "" })
	if got[0].LastCode != "converted" || got[0].Converted != 1 || got[0].LastRun == "" {
		t.Errorf("after an arrival: %+v", got[0])
	}
	if _, err := os.Stat(filepath.Join(dir, "photoa.webp")); err != nil {
		t.Error("no output beside the arrival:", err)
	}
	if len(rec.Events(EventDone)) != 1 {
		t.Errorf("want one run, got %d done events", len(rec.Events(EventDone)))
	}
	// The convert screen is told about the run, so it can follow it.
	if started := rec.Events(EventRunStarted); len(started) != 1 || started[0].Payload.(RunInfo).Total != 1 {
		t.Errorf("started events = %+v", started)
	}

	list, err = app.SetScheduleEnabled(list[0].ID, false)
	if err != nil || list[0].Status != "off" {
		t.Errorf("SetScheduleEnabled = %+v, %v", list, err)
	}
	if list, err = app.RemoveSchedule(list[0].ID); err != nil || len(list) != 0 {
		t.Errorf("RemoveSchedule = %+v, %v", list, err)
	}
	if _, err := app.RemoveSchedule("nope"); err == nil {
		t.Error("removing an unknown schedule was accepted")
	}
}
