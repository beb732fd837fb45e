package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"imageconverter/converter"
	"imageconverter/converter/encode"
	"imageconverter/licensing/policy"
	"imageconverter/platform"
)

// App is bound to the UI. Its exported methods adapt: they check arguments,
// ask Account what the plan allows, call converter, and map results to the
// types in types.go. Lifecycle hooks are unexported so Wails does not bind them.
type App struct {
	settings *settingsFile
	account  Account

	mu      sync.Mutex
	rt      platform.Runtime // nil until startup
	ctx     context.Context  // the app's lifetime
	cancel  context.CancelFunc
	running bool
	queue   *held         // files the plan held back, for ContinueQueue
	done    chan struct{} // closed when the current run ends (tests wait on it)
}

// held is a drop's remainder: planned tasks not converted yet.
type held struct {
	tasks     []converter.Task
	opts      converter.Options
	dirs      bool
	outputDir string
}

// NewApp builds the App; startup gives it the runtime.
func NewApp(settings *settingsFile, account Account) *App {
	return &App{settings: settings, account: account, ctx: context.Background()}
}

// startup is the Wails OnStartup hook.
func (a *App) startup(ctx context.Context) {
	a.attach(ctx, platform.NewWails(ctx))
	go func() {
		a.account.Warm(ctx) // may use the network: never on the UI's path
		a.emit(EventAccount, a.Account())
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
	if a.Cancel() {
		done := make(chan struct{})
		go func() { a.wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second): // a huge image in flight: the OS cleans O_TMPFILE up anyway
		}
	}
}

func (a *App) runtime() platform.Runtime {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.rt
}

func (a *App) emit(event string, payload any) {
	if rt := a.runtime(); rt != nil {
		rt.Emit(event, payload)
	}
}

var errBusy = errors.New("a conversion is already running; wait for it to finish or cancel it")

// StartConversion plans the dropped or chosen paths and converts what the
// plan allows in the background. Progress, per-file results and the summary
// arrive as events; plan refusals come back in RunInfo.
func (a *App) StartConversion(req ConvertRequest) (RunInfo, error) {
	paths, err := cleanPaths(req.Paths)
	if err != nil {
		return RunInfo{}, err
	}
	s := a.settings.Load()
	if req.Format != "" {
		s.Format = req.Format
	}
	if req.Preset != "" {
		s.Preset = req.Preset
	}
	if err := s.validate(); err != nil {
		return RunInfo{}, err
	}
	dirs := false
	for _, p := range paths {
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			dirs = true
		}
	}

	ctx := a.lifetime()
	st := a.account.Status(ctx)
	plans := a.account.Plans(ctx)
	// Refuse what the plan does not include before walking anything.
	var refusals []Refusal
	if r := policy.Format(st.Limits, plans, s.Format); r != nil {
		refusals = append(refusals, mapRefusal(*r))
	}
	if dirs {
		if r := policy.Folders(st.Limits, plans); r != nil {
			refusals = append(refusals, mapRefusal(*r))
		}
	}
	if len(refusals) > 0 {
		return RunInfo{Refusals: refusals}, nil
	}

	if !a.claim() {
		return RunInfo{}, errBusy
	}
	// Walking a big folder takes a while; Cancel stops it too.
	planCtx, cancelPlan := context.WithCancel(ctx)
	a.mu.Lock()
	a.cancel = cancelPlan
	a.mu.Unlock()
	plan, err := converter.Plan(planCtx, paths, optionsFrom(s, dirs))
	cancelPlan()
	if err != nil {
		a.release()
		if planCtx.Err() != nil && ctx.Err() == nil {
			return RunInfo{}, nil // cancelled by the user: nothing started, nothing to say
		}
		return RunInfo{}, fmt.Errorf("could not read the dropped files: %w", err)
	}
	return a.launch(ctx, &held{tasks: plan.Tasks, opts: plan.Options, dirs: dirs, outputDir: outputDir(s, paths)}, plan, false)
}

// ContinueQueue converts the next files the plan held back.
func (a *App) ContinueQueue() (RunInfo, error) {
	a.mu.Lock()
	q := a.queue
	a.mu.Unlock()
	if q == nil || len(q.tasks) == 0 {
		return RunInfo{}, errors.New("there are no waiting files")
	}
	if !a.claim() {
		return RunInfo{}, errBusy
	}
	return a.launch(a.lifetime(), q, nil, true)
}

// launch applies files-per-run and the daily quota to q, keeps the rest
// queued and starts the run. The caller holds the run claim.
func (a *App) launch(ctx context.Context, q *held, plan *converter.Batch, continuing bool) (RunInfo, error) {
	st := a.account.Status(ctx)
	d := policy.Decide(st.PlanID, st.Limits, a.account.Plans(ctx), policy.Request{
		Format: q.opts.Format, IncludesDirs: q.dirs, Files: len(q.tasks), Remaining: st.Remaining, ContinueQueue: continuing,
	})
	info := RunInfo{}
	for _, r := range d.Refusals {
		info.Refusals = append(info.Refusals, mapRefusal(r))
	}
	runID := newRunID()
	n := d.Allowed
	if n > 0 {
		granted, err := a.account.Reserve(ctx, runID, n)
		if err != nil {
			a.release()
			return RunInfo{}, fmt.Errorf("could not check today's conversions: %w", userError(err))
		}
		n = granted
	}
	run := q.tasks[:n]
	rest := &held{tasks: append([]converter.Task(nil), q.tasks[n:]...), opts: q.opts, dirs: q.dirs, outputDir: q.outputDir}
	a.mu.Lock()
	a.queue = rest
	if len(rest.tasks) == 0 {
		a.queue = nil
	}
	a.mu.Unlock()

	if n == 0 && (plan == nil || len(plan.Decided) == 0) {
		a.release()
		if plan != nil && len(plan.Tasks) == 0 {
			info.Nothing = plan.NothingToDo()
		}
		info.Queued = len(rest.tasks)
		return info, nil
	}
	info.RunID, info.Total, info.Queued = runID, len(run), len(rest.tasks)
	for _, t := range run {
		info.Files = append(info.Files, t.Src)
	}

	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	a.mu.Lock()
	a.cancel, a.done = cancel, done
	a.mu.Unlock()
	go func() {
		defer close(done)
		defer a.release()
		defer cancel()
		sum := a.convert(runCtx, runID, run, q.opts, plan)
		sum.Queued = len(rest.tasks)
		sum.AutoContinue = d.AutoContinue && sum.Queued > 0
		sum.OutputDir = q.outputDir
		if sum.OutputDir == "" {
			sum.OutputDir = firstOutputDir(run)
		}
		if n > 0 { // only a run that reserved conversions has something to settle
			if err := a.account.Commit(context.WithoutCancel(ctx), runID, sum.Converted); err != nil {
				// The conversions happened; the count is settled on the next refresh.
				sum.Error = userError(err).Error()
			}
		}
		a.emit(EventDone, sum)
		a.emit(EventAccount, a.Account())
	}()
	return info, nil
}

// convert runs tasks and maps the engine's progress and summary to events.
func (a *App) convert(ctx context.Context, runID string, tasks []converter.Task, opts converter.Options, plan *converter.Batch) Summary {
	onProgress := func(p converter.Progress) {
		for _, f := range p.Files {
			a.emit(EventFile, mapFile(runID, f))
		}
		eta := -1.0
		if p.ETA > 0 {
			eta = p.ETA.Seconds()
		}
		a.emit(EventProgress, Progress{RunID: runID, Done: p.Done, Total: p.Total, BytesIn: p.BytesIn, BytesOut: p.BytesOut, ETASeconds: eta, Current: p.Current, Active: p.Active})
	}
	var sum converter.Summary
	var runErr error
	if len(tasks) > 0 {
		sum, runErr = converter.Run(ctx, tasks, opts, onProgress)
	}
	if plan != nil {
		// The files skipped or failed while planning belong in the summary too.
		sum = converter.Merge(sum, plan.Summary())
		if len(tasks) == 0 {
			for _, f := range plan.Decided {
				a.emit(EventFile, mapFile(runID, f))
			}
		}
	}
	out := mapSummary(runID, sum)
	out.Canceled = ctx.Err() != nil
	if runErr != nil && !errors.Is(runErr, context.Canceled) {
		out.Error = "The conversion stopped early: " + runErr.Error()
	}
	return out
}

// Cancel stops the running conversion; it reports whether one was running.
func (a *App) Cancel() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.running || a.cancel == nil {
		return false
	}
	a.cancel()
	return true
}

// claim marks a run as started; false when one is already running.
func (a *App) claim() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.running {
		return false
	}
	a.running, a.cancel = true, nil
	return true
}

func (a *App) release() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.running, a.cancel = false, nil
}

func (a *App) lifetime() context.Context {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.ctx
}

// wait blocks until the current run (if any) has ended; for tests and shutdown.
func (a *App) wait() {
	a.mu.Lock()
	done := a.done
	a.mu.Unlock()
	if done != nil {
		<-done
	}
}

// ChooseFiles shows the file dialog; no choice gives an empty list.
func (a *App) ChooseFiles() ([]string, error) {
	rt := a.runtime()
	if rt == nil {
		return nil, errNotReady
	}
	paths, err := rt.ChooseFiles("Choose photos", []platform.FileFilter{{
		DisplayName: "Images",
		Pattern:     "*.jpg;*.jpeg;*.png;*.gif;*.bmp;*.tif;*.tiff;*.webp;*.avif;*.heic;*.heif",
	}})
	if err != nil {
		return nil, fmt.Errorf("the file chooser could not open: %w", err)
	}
	return paths, nil
}

// ChooseFolder shows the folder dialog for a folder to convert.
func (a *App) ChooseFolder() (string, error) { return a.chooseFolder("Choose a folder of photos") }

// ChooseOutputFolder shows the folder dialog for the output location.
func (a *App) ChooseOutputFolder() (string, error) {
	return a.chooseFolder("Choose where converted photos go")
}

func (a *App) chooseFolder(title string) (string, error) {
	rt := a.runtime()
	if rt == nil {
		return "", errNotReady
	}
	dir, err := rt.ChooseFolder(title)
	if err != nil {
		return "", fmt.Errorf("the folder chooser could not open: %w", err)
	}
	return dir, nil
}

var errNotReady = errors.New("the app is still starting; please try again in a moment")

// OpenFolder shows a folder (the output of a run) in the file manager.
func (a *App) OpenFolder(path string) error {
	rt := a.runtime()
	if rt == nil {
		return errNotReady
	}
	if !filepath.IsAbs(path) {
		return errors.New("the folder to open must be a full path")
	}
	fi, err := os.Stat(path)
	if err != nil || !fi.IsDir() {
		return fmt.Errorf("the folder %s does not exist any more", path)
	}
	if err := rt.OpenFolder(path); err != nil {
		return fmt.Errorf("could not open the folder: %w", err)
	}
	return nil
}

// GetSettings returns the saved settings (defaults on first start).
func (a *App) GetSettings() Settings { return a.settings.Load() }

// SaveSettings validates and saves s, returning what was saved.
func (a *App) SaveSettings(s Settings) (Settings, error) {
	if err := a.settings.Save(s); err != nil {
		return Settings{}, fmt.Errorf("settings not saved: %w", err)
	}
	return a.settings.Load(), nil
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

// cleanPaths refuses an empty drop, relative paths and paths that do not exist.
func cleanPaths(in []string) ([]string, error) {
	if len(in) == 0 {
		return nil, errors.New("drop photos or folders, or choose them, to start")
	}
	out := make([]string, 0, len(in))
	seen := map[string]bool{}
	for _, p := range in {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if !filepath.IsAbs(p) {
			return nil, fmt.Errorf("%q is not a full path to a file or folder", p)
		}
		p = filepath.Clean(p)
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("%s could not be found", p)
		}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("drop photos or folders, or choose them, to start")
	}
	return out, nil
}

// optionsFrom maps settings to converter options.
func optionsFrom(s Settings, dirs bool) converter.Options {
	o := converter.DefaultOptions()
	o.Format = s.Format
	o.Preset = s.Preset
	o.KeepMetadata = s.KeepMetadata
	o.KeepModTime = s.KeepDates
	o.Existing = converter.Existing(s.Existing)
	if s.Resize {
		o.MaxWidth, o.MaxHeight = s.MaxWidth, s.MaxHeight
	}
	if s.OutputMode == "folder" {
		o.OutputDir = s.OutputDir
	}
	o.Folders = dirs
	return o
}

// outputDir is where "open output folder" goes: the chosen output folder,
// or the one dropped folder; "" lets the run pick from its outputs.
func outputDir(s Settings, paths []string) string {
	if s.OutputMode == "folder" {
		return s.OutputDir
	}
	if len(paths) == 1 {
		if fi, err := os.Stat(paths[0]); err == nil && fi.IsDir() {
			return paths[0]
		}
	}
	return ""
}

func firstOutputDir(tasks []converter.Task) string {
	for _, t := range tasks {
		if t.Dst != "" {
			return filepath.Dir(t.Dst)
		}
	}
	return ""
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

func mapRefusal(r policy.Refusal) Refusal {
	return Refusal{Code: r.Code, Message: r.Message, UpgradeTo: r.UpgradeTo, Files: r.Files}
}

func newRunID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "run-" + hex.EncodeToString(b[:])
}
