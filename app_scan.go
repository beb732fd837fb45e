package main

import (
	"context"
	"os"

	"imageconverter/licensing/policy"
	"imageconverter/runs"
	"imageconverter/scan"
	"imageconverter/uierr"
)

// The computer scan side of App (Pro): where to look, the scan in the
// background with progress events, and converting the folders picked from
// its result through the run manager. Package scan does the work.

// scanner holds the scan in progress and the last result, whose folders
// ConvertScanned may convert.
type scanner struct {
	cancel context.CancelFunc // nil when no scan runs
	last   *scan.Result
}

var (
	codeScanBusy     = uierr.Declare("scan_busy")
	codeScanFirst    = uierr.Declare("scan_first")
	codePlanRequired = uierr.Declare("plan_required")
)

// scanAllowed refuses with the policy's sentence when the plan has no scan.
func (a *App) scanAllowed() error {
	st := a.account.Status()
	if r := policy.Scan(st.Limits, a.account.Plans()); r != nil {
		return uierr.New(codePlanRequired, r.Message)
	}
	return nil
}

// ScanPlaces lists the folders and drives the scan screen offers.
func (a *App) ScanPlaces() []ScanPlace {
	home, _ := os.UserHomeDir()
	out := []ScanPlace{}
	for _, p := range scan.Places(home) {
		out = append(out, ScanPlace{Path: p.Path, Kind: p.Kind, Default: p.Default})
	}
	return out
}

// StartScan scans roots in the background for the output format of the
// settings; progress and the result arrive as events.
func (a *App) StartScan(roots []string) error {
	if err := a.scanAllowed(); err != nil {
		return err
	}
	format := a.prefs.Load().Format
	ctx, cancel := context.WithCancel(a.lifetime())
	a.mu.Lock()
	if a.scan.cancel != nil {
		a.mu.Unlock()
		cancel()
		return uierr.New(codeScanBusy, "A scan is already running; wait for it or cancel it.")
	}
	a.scan.cancel = cancel
	a.mu.Unlock()
	go func() {
		defer cancel()
		res, err := scan.Scan(ctx, roots, format, func(p scan.Progress) {
			a.emit(EventScanProgress, ScanProgress{Root: p.Root, RootsDone: p.RootsDone, RootsTotal: p.RootsTotal,
				Files: p.Files, Bytes: p.Bytes})
		})
		out := mapScan(res)
		a.mu.Lock()
		a.scan.cancel = nil
		switch {
		case ctx.Err() != nil:
			out.Canceled = true
		case err != nil:
			out.Error = err.Error()
		default:
			a.scan.last = &res
		}
		a.mu.Unlock()
		a.emit(EventScanDone, out)
	}()
	return nil
}

// CancelScan stops the scan in progress; it reports whether one ran.
func (a *App) CancelScan() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.scan.cancel == nil {
		return false
	}
	a.scan.cancel()
	return true
}

// ConvertScanned converts the images of the chosen folders of the last
// scan, with the saved settings, like a drop of those files.
func (a *App) ConvertScanned(folders []string) (RunInfo, error) {
	if err := a.scanAllowed(); err != nil {
		return RunInfo{}, err
	}
	a.mu.Lock()
	last := a.scan.last
	a.mu.Unlock()
	if last == nil {
		return RunInfo{}, uierr.New(codeScanFirst, "Scan first, then choose the folders to convert.")
	}
	paths, err := last.ConvertPaths(folders)
	if err != nil {
		return RunInfo{}, err
	}
	s := a.prefs.Load()
	s.Format = last.Format // the estimate was for this format
	st, err := a.runs.Start(a.lifetime(), runs.Request{Paths: paths, Options: s.Options(), OutputDir: s.OpenFolder(nil),
		Origin: runs.Origin{Kind: originScan}})
	if err != nil {
		return RunInfo{}, err
	}
	return mapStarted(st), nil
}

func mapScan(r scan.Result) ScanResult {
	out := ScanResult{Roots: r.Roots, Files: r.Files, Bytes: r.Bytes, Saving: r.Saving, Skipped: r.Skipped,
		Format: r.Format, Folders: []ScanFolder{}}
	if out.Roots == nil {
		out.Roots = []string{}
	}
	for _, f := range r.Folders {
		out.Folders = append(out.Folders, ScanFolder{Path: f.Path, Files: f.Files, Bytes: f.Bytes, Saving: f.Saving})
	}
	return out
}
