// Command imageconverter is the desktop app: a window where people drop
// photos or folders and get WebP or AVIF copies. main only wires the parts.
package main

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"imageconverter/account"
	"imageconverter/converter"
	"imageconverter/e2ehooks"
	"imageconverter/licensing/policy"
	"imageconverter/lifecycle"
	"imageconverter/locale"
	"imageconverter/notify"
	"imageconverter/platform"
	"imageconverter/runs"
	"imageconverter/schedules"
	"imageconverter/settings"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
)

//go:embed all:frontend/dist
var assets embed.FS

//go:embed build/appicon.png
var icon []byte

// The UI's sentences, for what the app says outside its window (notifications).
//
//go:embed frontend/src/lib/locales/*.json
var locales embed.FS

func main() {
	prefs, err := settings.Open("")
	if err != nil {
		fmt.Fprintln(os.Stderr, "imageconverter:", err)
		os.Exit(1)
	}
	app := NewApp(prefs, account.New())
	app.notifier = notify.Desktop{Icon: icon}
	if sub, err := fs.Sub(locales, "frontend/src/lib/locales"); err == nil {
		app.texts, _ = locale.Load(sub) // embedded: cannot fail once the tests pass
	}
	// Started at login: the window stays hidden while only watched folders
	// need the app; otherwise it opens as usual.
	hidden := slices.Contains(os.Args[1:], BackgroundFlag) && schedules.AnyEnabled(filepath.Join(prefs.Dir(), "schedules.json"))
	app.hidden.Store(hidden)

	err = wails.Run(&options.App{
		Title:            windowTitle(),
		Width:            1080,
		Height:           720,
		MinWidth:         860,
		MinHeight:        600,
		BackgroundColour: &options.RGBA{R: 246, G: 247, B: 249, A: 255},
		AssetServer:      &assetserver.Options{Assets: assets, Handler: app.compare.previews()}, // and /preview/: the compare view's pictures
		StartHidden:      hidden,
		OnStartup:        app.startup,
		OnShutdown:       app.shutdown,
		OnBeforeClose:    app.beforeClose,
		// One instance per user (per settings folder): launching it again
		// brings the running one, perhaps working in the background, to the front.
		SingleInstanceLock: &options.SingleInstanceLock{
			UniqueId:               instanceID(prefs.Dir()),
			OnSecondInstanceLaunch: app.secondInstance,
		},
		Bind:           append([]any{app}, e2ehooks.Bind(app.testSeams())...),
		ErrorFormatter: bridgeError,
		// Native drops give absolute paths of files and folders (runtime.OnFileDrop
		// in the UI). The webview's own drop stays on: on Linux, turning it off
		// also stops the native drop events.
		DragAndDrop: &options.DragAndDrop{EnableFileDrop: true, DisableWebViewDrop: false},
		Linux:       &linux.Options{ProgramName: "imageconverter", Icon: icon},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "imageconverter:", err)
		os.Exit(1)
	}
}

// windowTitle is the app's name in the system's language; the UI sets it
// again when the user picks another language.
func windowTitle() string {
	switch platform.Language() {
	case "en":
		return "ImageConverter"
	case "ja":
		return "画像コンバーター"
	}
	return "이미지 변환기"
}

// instanceID names the single-instance lock after the settings folder: one
// app per user, while tests with folders of their own run side by side.
func instanceID(dir string) string {
	sum := sha256.Sum256([]byte(dir))
	return "imageconverter-" + hex.EncodeToString(sum[:8])
}

// The watched folders run through the run manager like a drop, with the
// saved settings and the schedule's format and preset.

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

// testSeams are what the hooks of test builds use (package e2ehooks; the
// shipped app binds none).
func (a *App) testSeams() e2ehooks.Seams {
	return e2ehooks.Seams{
		Emit:           a.emit,
		OnConvert:      func(observe func(paths []string)) { a.onConvert = observe },
		AccountChanged: func() { a.emit(EventAccount, a.Account()) },
	}
}

// The app in the background: closing the window while watched folders are
// on or a run goes asks (or does what the user chose to remember) whether
// to keep working with the window hidden; launching the app again brings
// the window back (one instance); a long run or a watched folder's run ends
// with a desktop notification.

// beforeClose is Wails' OnBeforeClose: true keeps the app running.
func (a *App) beforeClose(context.Context) bool {
	if a.quitting.Load() {
		return false
	}
	watching, running := a.sched.Watching(), a.runs.Busy()
	switch lifecycle.OnClose(watching, running, a.prefs.Load().CloseAction) {
	case lifecycle.Quit:
		return false
	case lifecycle.Background:
		a.toBackground()
	default:
		a.emit(EventCloseAsked, CloseQuestion{Watching: watching, Running: running})
	}
	return true
}

// secondInstance is Wails' OnSecondInstanceLaunch: the app was launched
// again; this one comes to the front instead.
func (a *App) secondInstance(options.SecondInstanceData) {
	if rt := a.runtime(); rt != nil {
		a.hidden.Store(false)
		rt.ShowWindow()
	}
}

// tellDone notifies the end of a watched folder's run, of a long run, or of
// any run while the window is hidden; a notification that fails is logged.
func (a *App) tellDone(r runs.Result) {
	if a.notifier == nil || a.texts == nil {
		return
	}
	end := notify.RunEnd{Converted: r.Summary.Converted, Failed: r.Summary.Failed, Saved: notify.Size(r.Summary.Saved),
		Long: r.Summary.Elapsed >= notifyAfter, Hidden: a.hidden.Load()}
	if r.Origin.Kind == originSchedule {
		end.Folder = filepath.Base(r.Origin.Folder)
	}
	if title, body, ok := notify.RunDone(a.texts, a.language(), end); ok {
		if err := a.notifier.Notify(title, body); err != nil {
			fmt.Fprintln(os.Stderr, "imageconverter: notification:", err)
		}
	}
}

// language is the UI's language: the user's choice, else the system's.
func (a *App) language() string {
	if lang := a.prefs.Load().Language; lang != "" {
		return lang
	}
	return platform.Language()
}

// notifyAfter: a run at least this long ends with a notification (the user
// has probably turned to something else).
const notifyAfter = 20 * time.Second

// BackgroundFlag starts the app with its window hidden when it has watched
// folders (the login item passes it).
const BackgroundFlag = "--background"
