package main

import (
	"context"
	"path/filepath"
	"strings"
	"time"

	"imageconverter/converter"
	"imageconverter/licensing/policy"
	"imageconverter/runs"
	"imageconverter/schedules"
)

// The watched-folders side of App (Basic and Pro): list, add, switch on and
// off, remove. Package schedules watches and decides; every conversion it
// starts goes through the run manager like a drop.

// newSchedules builds the service; its file lives beside settings.json.
func (a *App) newSchedules() *schedules.Service {
	return schedules.New(schedules.Config{
		Path:  filepath.Join(a.prefs.Dir(), "schedules.json"),
		Start: a.startScheduled,
		Allowed: func(ctx context.Context) *policy.Refusal {
			return policy.Schedules(a.account.Status().Limits, a.account.Plans())
		},
		Changed: func(list []schedules.State) { a.emit(EventSchedules, mapSchedules(list)) },
		Options: a.scheduleOptions,
	})
}

// startScheduled converts for a schedule with the saved settings, its own
// format and preset, and the outputs beside the photos it watches (an
// output folder elsewhere would flatten the watched tree).
func (a *App) startScheduled(ctx context.Context, sc schedules.Schedule, paths []string) (runs.Started, error) {
	st, err := a.runs.Start(ctx, runs.Request{Paths: paths, Options: a.scheduleOptions(sc), OutputDir: sc.Folder,
		Origin: runs.Origin{Kind: originSchedule, Folder: sc.Folder}})
	if err == nil && st.RunID != "" {
		// The convert screen follows it like its own (progress, summary, Pro's
		// automatic continuation of what the run left queued).
		a.emit(EventRunStarted, mapStarted(st))
	}
	return st, err
}

// scheduleOptions are the saved settings with the schedule's format and preset.
func (a *App) scheduleOptions(sc schedules.Schedule) converter.Options {
	s := a.prefs.Load()
	s.Format, s.Preset, s.OutputMode, s.OutputDir = sc.Format, sc.Preset, "beside", ""
	return s.Options()
}

// Schedules lists the watched folders.
func (a *App) Schedules() []ScheduleInfo { return mapSchedules(a.sched.List()) }

// AddSchedule watches a folder; a plan without schedules is refused with
// the policy's sentence.
func (a *App) AddSchedule(req ScheduleRequest) ([]ScheduleInfo, error) {
	_, err := a.sched.Add(schedules.Schedule{Folder: req.Folder, Format: req.Format, Preset: req.Preset,
		Mode: schedules.Mode(req.Mode), At: strings.TrimSpace(req.At)})
	if err != nil {
		return nil, err
	}
	return a.Schedules(), nil
}

// SetScheduleEnabled switches a watched folder on or off.
func (a *App) SetScheduleEnabled(id string, on bool) ([]ScheduleInfo, error) {
	if err := a.sched.SetEnabled(id, on); err != nil {
		return nil, err
	}
	return a.Schedules(), nil
}

// RemoveSchedule stops watching a folder; converted files stay.
func (a *App) RemoveSchedule(id string) ([]ScheduleInfo, error) {
	if err := a.sched.Remove(id); err != nil {
		return nil, err
	}
	return a.Schedules(), nil
}

func mapSchedules(list []schedules.State) []ScheduleInfo {
	out := make([]ScheduleInfo, 0, len(list))
	for _, s := range list {
		info := ScheduleInfo{ID: s.ID, Folder: s.Folder, Format: s.Format, Preset: s.Preset, Mode: string(s.Mode),
			At: s.At, Enabled: s.Enabled, Status: s.Status, LastCode: s.LastCode, LastResult: s.LastResult,
			Converted: s.Converted, Saved: s.Saved}
		if !s.LastRun.IsZero() {
			info.LastRun = s.LastRun.UTC().Format(time.RFC3339)
		}
		if !s.PausedUntil.IsZero() {
			info.PausedUntil = s.PausedUntil.UTC().Format(time.RFC3339)
		}
		out = append(out, info)
	}
	return out
}
