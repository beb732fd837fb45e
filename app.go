package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"imageconverter/account"
	"imageconverter/autostart"
	"imageconverter/checkout"
	"imageconverter/converter"
	"imageconverter/converter/encode"
	"imageconverter/functions/wire"
	"imageconverter/history"
	"imageconverter/licensing/policy"
	"imageconverter/lifecycle"
	"imageconverter/locale"
	"imageconverter/notify"
	"imageconverter/platform"
	"imageconverter/runs"
	"imageconverter/scan"
	"imageconverter/schedules"
	"imageconverter/settings"
	"imageconverter/uierr"
	"imageconverter/update"
)

// App is bound to the UI. Its exported methods adapt: they check arguments,
// call a package (runs for conversions, Account for the account) and map
// results to the types in types.go. Lifecycle hooks are unexported so Wails
// does not bind them.
type App struct {
	prefs   *settings.File
	account account.Account
	runs    *runs.Manager
	sched   *schedules.Service // watched folders
	orders  *checkout.Watcher  // the order being paid in the browser
	updates *update.Updater    // new versions, and whether this one may still convert
	results *history.Store     // the last runs' results, for the results table
	compare compareState       // the photos open in the compare view (app_preview.go)
	// onConvert hears every StartConversion call (the test builds' journal).
	onConvert func(paths []string)
	notifier  notify.Sender   // nil: no notifications (tests set a recorder)
	texts     *locale.Catalog // the UI's sentences, for notifications
	quitting  atomic.Bool     // the user chose to quit: the window may close
	hidden    atomic.Bool     // the window is hidden; the app works in the background

	mu   sync.Mutex
	rt   platform.Runtime // nil until startup and after shutdown
	ctx  context.Context  // the app's lifetime
	scan scan.Session     // the computer scan
}

// NewApp builds the App; startup gives it the runtime.
func NewApp(prefs *settings.File, acct account.Account) *App {
	a := &App{prefs: prefs, account: acct, ctx: context.Background()}
	a.runs = runs.New(account.ForRuns(acct), runEvents{a})
	a.results = history.Open(filepath.Join(prefs.Dir(), "history"))
	a.updates = a.newUpdater()
	a.runs.Gate = a.updates.Required // a version below the minimum must update first
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
	go a.updates.Run(ctx) // at start, then daily
	go func() {
		_ = a.account.EnsureFresh(ctx) // may use the network: never on the UI's path
		a.emit(EventAccount, a.Account())
		account.WatchConnection(ctx, a.account, connectionEvery, func() { a.emit(EventAccount, a.Account()) })
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

// shutdownWait bounds how long quitting waits for a cancelled run.
const shutdownWait = 5 * time.Second

// connectionEvery is how often the app checks that the service can be
// reached, so the offline banner comes and goes by itself.
const connectionEvery = 30 * time.Second

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
	paths, err := runs.CleanPaths(req.Paths)
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
	if s.Fine() {
		if err := a.refreshForFeature(wire.FeatureFine); err != nil {
			return RunInfo{}, err
		}
	}
	st, err := a.runs.Start(a.lifetime(), runs.Request{Paths: paths, Options: s.Options(), OutputDir: s.OpenFolder(paths),
		QueueIfBusy: true}) // a person's drop during a run waits for it, never lost
	if err != nil {
		return RunInfo{}, err
	}
	return mapStarted(st), nil
}

// refreshForFeature asks the service for the entitlement now when the plans table gives the user's
// plan a feature the entitlement in hand lacks: one signed before the feature was added to the plan
// (the app keeps one for up to a day online, a week offline). When that fails (offline), the run
// is refused with a sentence that says so, rather than with "the Basic plan allows it" to someone
// on Basic.
func (a *App) refreshForFeature(f string) error {
	st := a.account.Status()
	if st.Limits.Has(f) || !a.account.Plans().Lookup(st.Plan).Limits().Has(f) {
		return nil
	}
	err := a.account.Refresh(a.lifetime())
	a.emit(EventAccount, a.Account())
	if err == nil {
		return nil // the service's answer stands: the run's plan check says the rest
	}
	return uierr.With(codePlanOutdated, "Your plan includes this, but the app could not get your plan's latest details. Connect to the internet and try again.", "", err)
}

// PreviewName is the output name a photo would get under a name pattern, for the settings' live
// preview: the converter's own naming of a sample photo modified today, so the preview cannot
// differ from the files. A bad pattern gives the error saving it would give.
func (a *App) PreviewName(pattern, format string) (string, error) {
	if err := settings.NamePatternError(pattern); err != nil {
		return "", err
	}
	if format != "avif" {
		format = "webp"
	}
	return converter.OutputName(pattern, "IMG_2041.jpg", time.Now(), format), nil
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
	e.a.emit(EventProgress, mapProgress(runID, p))
}

// Started reports a run the manager began by itself (a drop queued behind
// the last run); the convert screen follows it like its own.
func (e runEvents) Started(s runs.Started) { e.a.emit(EventRunStarted, mapStarted(s)) }

func (e runEvents) Done(r runs.Result) {
	e.a.keepResults(r)
	e.a.tellDone(r)
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
	codeBadPath          = runs.CodeBadPath
	codePathNotFound     = runs.CodePathNotFound
	codeDialogFailed     = uierr.Declare("dialog_failed")
	codeOpenFolderFailed = uierr.Declare("open_folder_failed")
	codeSettingsNotSaved = uierr.Declare("settings_not_saved")
	codeSettleFailed     = uierr.Declare("settle_failed")
	codeInvalidArgument  = uierr.Declare("invalid_argument")
	codeNotForSale       = uierr.Declare("not_for_sale")
	codeLoginItem        = uierr.Declare("login_item_failed")
	codePlanOutdated     = uierr.Declare("plan_outdated")
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
	before := a.prefs.Load()
	if err := a.prefs.Save(s); err != nil {
		if uierr.CodeOf(err) != "" {
			return settings.Settings{}, err // a setting out of range, with its own sentence
		}
		return settings.Settings{}, uierr.With(codeSettingsNotSaved, "The settings could not be saved.", "", err)
	}
	if s.StartAtLogin != before.StartAtLogin || s.StartAtLogin != autostart.Enabled() {
		if err := autostart.Apply(s.StartAtLogin, BackgroundFlag); err != nil {
			return a.prefs.Load(), uierr.With(codeLoginItem, "Starting at login could not be set up.", "", err)
		}
	}
	return a.prefs.Load(), nil
}

// EngineInfo reports the encoder backends and warns about the slow fallback.
func (a *App) EngineInfo() EngineInfo {
	return engineInfo(encode.Backend(encode.WebP), encode.Backend(encode.AVIF))
}

// SystemLanguage is the OS language when the environment names one the UI
// has ("ko", "en", "ja"), else "" and the UI asks the webview.
func (a *App) SystemLanguage() string { return platform.Language() }

// The computer scan side of App (Pro): where to look, the scan in the
// background with progress events, and converting the folders picked from
// its result through the run manager. Package scan does the work.

var (
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
	return a.scan.Start(a.lifetime(), roots, a.prefs.Load().Format, func(p scan.Progress) {
		a.emit(EventScanProgress, ScanProgress{Root: p.Root, RootsDone: p.RootsDone, RootsTotal: p.RootsTotal,
			Files: p.Files, Bytes: p.Bytes})
	}, func(res scan.Result, canceled bool, err error) {
		out := mapScan(res)
		out.Canceled = canceled
		if err != nil && !canceled {
			ue := bridgeError(err).(UIError)
			out.Error, out.ErrorCode, out.ErrorDetail = ue.Message, ue.Code, ue.Detail
		}
		a.emit(EventScanDone, out)
	})
}

// CancelScan stops the scan in progress; it reports whether one ran.
func (a *App) CancelScan() bool { return a.scan.Cancel() }

// ConvertScanned converts the images of the chosen folders of the last
// scan, with the saved settings, like a drop of those files.
func (a *App) ConvertScanned(folders []string) (RunInfo, error) {
	if err := a.scanAllowed(); err != nil {
		return RunInfo{}, err
	}
	last := a.scan.Last()
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

// The watched-folders side of App (Basic and Pro): list, add, switch on and
// off, remove. Package schedules watches and decides; every conversion it
// starts goes through the run manager like a drop.

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

// The app in the background: closing the window while watched folders are
// on or a run goes asks whether to keep working with the window hidden
// (main.go's beforeClose); these are the answers.

// KeepInBackground hides the window and keeps working; remember makes it
// the answer from now on.
func (a *App) KeepInBackground(remember bool) error {
	if err := a.rememberClose(remember, lifecycle.Background); err != nil {
		return err
	}
	a.toBackground()
	return nil
}

// QuitApp quits; remember makes it the answer from now on.
func (a *App) QuitApp(remember bool) error {
	if err := a.rememberClose(remember, lifecycle.Quit); err != nil {
		return err
	}
	a.quitting.Store(true)
	if rt := a.runtime(); rt != nil {
		rt.Quit()
	}
	return nil
}

func (a *App) rememberClose(remember bool, action string) error {
	if !remember {
		return nil
	}
	s := a.prefs.Load()
	s.CloseAction = action
	_, err := a.SaveSettings(s)
	return err
}

func (a *App) toBackground() {
	if rt := a.runtime(); rt != nil {
		a.hidden.Store(true)
		rt.HideWindow()
	}
}
