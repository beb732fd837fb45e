package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"imageconverter/account"
	"imageconverter/checkout"
	"imageconverter/converter"
	"imageconverter/converter/encode"
	"imageconverter/e2ehooks"
	"imageconverter/licensing"
	"imageconverter/platform"
	"imageconverter/runs"
	"imageconverter/schedules"
	"imageconverter/settings"
	"imageconverter/uierr"
)

// App is bound to the UI. Its exported methods adapt: they check arguments,
// call a package (runs for conversions, Account for the account) and map
// results to the types in types.go. Lifecycle hooks are unexported so Wails
// does not bind them.
type App struct {
	prefs   *settings.File
	account account.Account
	runs    *runs.Manager
	sched   *schedules.Service // watched folders (app_schedules.go)
	orders  *checkout.Watcher  // the order being paid in the browser (app_account.go)
	// onConvert hears every StartConversion call (the test builds' journal).
	onConvert func(paths []string)

	mu   sync.Mutex
	rt   platform.Runtime // nil until startup and after shutdown
	ctx  context.Context  // the app's lifetime
	scan scanner          // the computer scan (app_scan.go)
}

// NewApp builds the App; startup gives it the runtime.
func NewApp(prefs *settings.File, acct account.Account) *App {
	a := &App{prefs: prefs, account: acct, ctx: context.Background()}
	a.runs = runs.New(account.ForRuns(acct), runEvents{a})
	a.sched = a.newSchedules()
	a.orders = checkout.New(acct, func(st checkout.State) {
		if st.Status == checkout.Paid {
			a.emit(EventAccount, a.Account()) // the new plan, before the thanks
		}
		a.emit(EventCheckout, mapCheckout(st))
	})
	return a
}

// startup is the Wails OnStartup hook.
func (a *App) startup(ctx context.Context) {
	// The window shows only the app, whatever is dropped on it and when.
	platform.GuardNavigation(nil)
	a.attach(ctx, platform.NewWails(ctx))
	if err := a.sched.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "imageconverter: watched folders:", err) // a damaged file: start with none
	}
	go func() {
		_ = a.account.EnsureFresh(ctx) // may use the network: never on the UI's path
		a.emit(EventAccount, a.Account())
		a.watchConnection(ctx)
	}()
}

// attach installs the runtime; tests call it with a platform.Recorder.
func (a *App) attach(ctx context.Context, rt platform.Runtime) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.ctx, a.rt = ctx, rt
}

// shutdown is the Wails OnShutdown hook: a running conversion stops and
// discards its files in flight (the converter never leaves partial outputs);
// the window is gone, so nothing is emitted any more.
func (a *App) shutdown(context.Context) {
	a.mu.Lock()
	a.rt = nil
	a.mu.Unlock()
	a.sched.Stop()
	a.CancelScan()
	_ = a.account.RecordTime()
	// A huge image in flight may outlast the wait (the OS cleans O_TMPFILE
	// up anyway); Stop then settles the quota with the files converted so
	// far, so quitting never charges for files that were not written.
	a.runs.Stop(shutdownWait)
}

// connectionEvery is how often the app checks that the service can be
// reached, so the offline banner comes and goes by itself.
const connectionEvery = 30 * time.Second

// watchConnection checks the connection until ctx ends and tells the UI
// when it went offline or came back.
func (a *App) watchConnection(ctx context.Context) {
	t := time.NewTicker(connectionEvery)
	defer t.Stop()
	for {
		a.checkConnection(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// checkConnection checks once; a change of the offline state reaches the UI.
func (a *App) checkConnection(ctx context.Context) {
	before := a.account.Status().Offline
	a.account.CheckConnection(ctx)
	_ = a.account.RecordTime() // a failure is said when the sign-in is saved
	if a.account.Status().Offline != before {
		a.emit(EventAccount, a.Account())
	}
}

// shutdownWait bounds how long quitting waits for a cancelled run.
const shutdownWait = 5 * time.Second

func (a *App) runtime() platform.Runtime {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.rt
}

func (a *App) lifetime() context.Context {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.ctx
}

func (a *App) emit(event string, payload any) {
	if rt := a.runtime(); rt != nil {
		rt.Emit(event, payload)
	}
}

// StartConversion plans the dropped or chosen paths and converts what the
// plan allows in the background; files beyond it wait in the queue with any
// that already wait. Progress, per-file results and the summary arrive as
// events; plan refusals come back in RunInfo.
func (a *App) StartConversion(req ConvertRequest) (RunInfo, error) {
	if a.onConvert != nil {
		a.onConvert(req.Paths)
	}
	paths, err := cleanPaths(req.Paths)
	if err != nil {
		return RunInfo{}, err
	}
	s := a.prefs.Load()
	if req.Format != "" {
		s.Format = req.Format
	}
	if req.Preset != "" {
		s.Preset = req.Preset
	}
	if err := s.Validate(); err != nil {
		return RunInfo{}, err
	}
	st, err := a.runs.Start(a.lifetime(), runs.Request{Paths: paths, Options: s.Options(), OutputDir: s.OpenFolder(paths),
		QueueIfBusy: true}) // a person's drop during a run waits for it, never lost
	if err != nil {
		return RunInfo{}, err
	}
	return mapStarted(st), nil
}

// ContinueQueue converts the next files the plan held back.
func (a *App) ContinueQueue() (RunInfo, error) {
	st, err := a.runs.Continue(a.lifetime())
	if err != nil {
		return RunInfo{}, err
	}
	return mapStarted(st), nil
}

// Cancel stops the running conversion; it reports whether one was running.
func (a *App) Cancel() bool { return a.runs.Cancel() }

// runEvents maps a run's events to the UI's.
type runEvents struct{ a *App }

var _ runs.Sink = runEvents{}

func (e runEvents) File(runID string, f converter.FileResult) { e.a.emit(EventFile, mapFile(runID, f)) }

func (e runEvents) Progress(runID string, p converter.Progress) {
	eta := -1.0
	if p.ETA > 0 {
		eta = p.ETA.Seconds()
	}
	e.a.emit(EventProgress, Progress{RunID: runID, Done: p.Done, Total: p.Total, BytesIn: p.BytesIn,
		BytesOut: p.BytesOut, ETASeconds: eta, Current: p.Current, Active: p.Active})
}

// Started reports a run the manager began by itself (a drop queued behind
// the last run); the convert screen follows it like its own.
func (e runEvents) Started(s runs.Started) { e.a.emit(EventRunStarted, mapStarted(s)) }

func (e runEvents) Done(r runs.Result) {
	e.a.emit(EventDone, mapResult(r))
	e.a.emit(EventAccount, e.a.Account()) // today's remaining conversions changed
}

// ChooseFiles shows the file dialog with the UI's title and filter name
// (in the user's language); no choice gives an empty list.
func (a *App) ChooseFiles(title, imagesLabel string) ([]string, error) {
	rt := a.runtime()
	if rt == nil {
		return nil, errNotReady
	}
	paths, err := rt.ChooseFiles(orDefault(title, "Choose photos"), []platform.FileFilter{{
		DisplayName: orDefault(imagesLabel, "Images"),
		Pattern:     "*.jpg;*.jpeg;*.png;*.gif;*.bmp;*.tif;*.tiff;*.webp;*.avif;*.heic;*.heif",
	}})
	if err != nil {
		return nil, uierr.With(codeDialogFailed, "The file chooser could not open.", "", err)
	}
	return paths, nil
}

// ChooseFolder shows the folder dialog with the UI's title (a folder to
// convert, to watch, or for the outputs).
func (a *App) ChooseFolder(title string) (string, error) {
	rt := a.runtime()
	if rt == nil {
		return "", errNotReady
	}
	dir, err := rt.ChooseFolder(orDefault(title, "Choose a folder"))
	if err != nil {
		return "", uierr.With(codeDialogFailed, "The folder chooser could not open.", "", err)
	}
	return dir, nil
}

// Codes of the errors App sends to the UI (translated there as err.<code>).
var (
	codeNotReady         = uierr.Declare("not_ready")
	codeNothingDropped   = uierr.Declare("nothing_dropped")
	codeBadPath          = uierr.Declare("bad_path")
	codePathNotFound     = uierr.Declare("path_not_found")
	codeDialogFailed     = uierr.Declare("dialog_failed")
	codeOpenFolderFailed = uierr.Declare("open_folder_failed")
	codeSettingsNotSaved = uierr.Declare("settings_not_saved")
	codeSettleFailed     = uierr.Declare("settle_failed")
)

func orDefault(s, def string) string {
	if s = strings.TrimSpace(s); s != "" {
		return s
	}
	return def
}

var errNotReady = uierr.New(codeNotReady, "The app is still starting; please try again in a moment.")

// OpenFolder shows a folder (the output of a run) in the file manager.
func (a *App) OpenFolder(path string) error {
	rt := a.runtime()
	if rt == nil {
		return errNotReady
	}
	if !filepath.IsAbs(path) {
		return uierr.With(codeBadPath, "The folder to open must be a full path.", path, nil)
	}
	fi, err := os.Stat(path)
	if err != nil || !fi.IsDir() {
		return uierr.With(codePathNotFound, "The folder does not exist any more.", path, err)
	}
	if err := rt.OpenFolder(path); err != nil {
		// No file manager (or it failed): the UI shows the path to copy.
		return uierr.With(codeOpenFolderFailed, "No program could open the folder.", path, err)
	}
	return nil
}

// GetSettings returns the saved settings (defaults on first start).
func (a *App) GetSettings() settings.Settings { return a.prefs.Load() }

// SaveSettings validates and saves s, returning what was saved.
func (a *App) SaveSettings(s settings.Settings) (settings.Settings, error) {
	if err := a.prefs.Save(s); err != nil {
		if uierr.CodeOf(err) != "" {
			return settings.Settings{}, err // a setting out of range, with its own sentence
		}
		return settings.Settings{}, uierr.With(codeSettingsNotSaved, "The settings could not be saved.", "", err)
	}
	return a.prefs.Load(), nil
}

// EngineInfo reports the encoder backends and warns about the slow fallback.
func (a *App) EngineInfo() EngineInfo {
	info := EngineInfo{WebP: encode.Backend(encode.Format("webp")), AVIF: encode.Backend(encode.Format("avif"))}
	var slow []string
	if info.WebP == "wasm" {
		slow = append(slow, "WebP")
	}
	if info.AVIF == "wasm" {
		slow = append(slow, "AVIF")
	}
	if len(slow) > 0 {
		info.Warning = "The fast " + strings.Join(slow, " and ") + " converter was not found, so conversion will be slower."
	}
	return info
}

// SystemLanguage is the OS language when the environment names one the UI
// has ("ko", "en", "ja"), else "" and the UI asks the webview.
func (a *App) SystemLanguage() string { return platform.Language() }

var errNothingDropped = uierr.New(codeNothingDropped, "Drop photos or folders, or choose them, to start.")

// cleanPaths refuses an empty drop, relative paths and paths that do not exist.
func cleanPaths(in []string) ([]string, error) {
	if len(in) == 0 {
		return nil, errNothingDropped
	}
	out := make([]string, 0, len(in))
	seen := map[string]bool{}
	for _, p := range in {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if !filepath.IsAbs(p) {
			return nil, uierr.With(codeBadPath, "This is not a full path to a file or folder.", p, nil)
		}
		p = filepath.Clean(p)
		if _, err := os.Stat(p); err != nil {
			return nil, uierr.With(codePathNotFound, "This file or folder could not be found.", p, err)
		}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, errNothingDropped
	}
	return out, nil
}

func mapFile(runID string, f converter.FileResult) FileResult {
	return FileResult{RunID: runID, Src: f.Src, Dst: f.Dst, Status: string(f.Status), Code: string(f.Code),
		Reason: f.Reason, BytesIn: f.BytesIn, BytesOut: f.BytesOut}
}

func mapSummary(runID string, s converter.Summary) Summary {
	out := Summary{RunID: runID, Converted: s.Converted, Skipped: s.Skipped, Failed: s.Failed,
		BytesIn: s.BytesIn, BytesOut: s.BytesOut, SavedBytes: s.Saved, Problems: []FileResult{}}
	if s.BytesIn > 0 {
		out.SavedPercent = float64(s.Saved) * 100 / float64(s.BytesIn)
	}
	for _, f := range s.Files {
		if f.Status != converter.StatusConverted {
			out.Problems = append(out.Problems, mapFile(runID, f))
		}
	}
	return out
}

func mapStarted(s runs.Started) RunInfo {
	info := RunInfo{RunID: s.RunID, Total: len(s.Files), Queued: s.Queued, Nothing: s.Nothing, Files: s.Files,
		Behind: s.Behind, Origin: s.Origin.Kind, Folder: s.Origin.Folder}
	info.Refusals = s.Refusals
	return info
}

// mapResult maps a run's outcome to the summary the UI shows.
func mapResult(r runs.Result) Summary {
	out := mapSummary(r.RunID, r.Summary)
	out.Canceled, out.Queued, out.AutoContinue, out.OutputDir = r.Canceled, r.Queued, r.AutoContinue, r.OutputDir
	out.Origin, out.Folder = r.Origin.Kind, r.Origin.Folder
	switch {
	case r.RunErr != nil:
		out.ErrorCode, out.Error = string(runs.CodeStoppedEarly), r.StoppedEarly()
	case r.SettleErr != nil:
		// The conversions happened; the count is settled on the next refresh.
		out.ErrorCode, out.Error = string(codeSettleFailed), r.SettleErr.Error()
	}
	return out
}

// bridgeError is main.go's ErrorFormatter: every error of a bound method
// reaches the UI as a UIError, with the code the UI translates.
func bridgeError(err error) any {
	out := UIError{Code: string(uierr.CodeOf(err)), Message: err.Error()}
	var ue *uierr.Error
	var le *licensing.Error
	switch {
	case errors.As(err, &ue):
		out.Message, out.Detail = ue.Message, ue.Detail
	case errors.As(err, &le):
		out.Message = le.Message
	}
	return out
}

// testSeams are what the hooks of test builds use (package e2ehooks; the
// shipped app binds none).
func (a *App) testSeams() e2ehooks.Seams {
	return e2ehooks.Seams{
		Emit:           a.emit,
		OnConvert:      func(observe func(paths []string)) { a.onConvert = observe },
		AccountChanged: func() { a.emit(EventAccount, a.Account()) },
	}
}
