package main

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"imageconverter/converter"
	"imageconverter/functions/wire"
	"imageconverter/lifecycle"
	"imageconverter/locale"
	"imageconverter/runs"

	"github.com/wailsapp/wails/v2/pkg/options"
)

// notes records notifications instead of showing them.
type notes struct {
	mu   sync.Mutex
	sent [][2]string
}

func (n *notes) Notify(title, body string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.sent = append(n.sent, [2]string{title, body})
	return nil
}

func (n *notes) all() [][2]string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([][2]string(nil), n.sent...)
}

// Closing the window: nothing to keep → quit; watched folders → ask, or
// what the user chose to remember; a second launch brings the window back.
func TestClosingTheWindow(t *testing.T) {
	app, rec := newTestApp(t, wire.PlanPro)
	ctx := context.Background()
	if app.beforeClose(ctx) {
		t.Fatal("with nothing to do in the background, closing did not quit")
	}
	if _, err := app.AddSchedule(ScheduleRequest{Folder: t.TempDir(), Mode: "arrival"}); err != nil {
		t.Fatal(err)
	}
	if !app.beforeClose(ctx) || rec.Hidden() {
		t.Fatal("with a watched folder, closing should ask first")
	}
	asked := rec.Events(EventCloseAsked)
	if len(asked) != 1 || asked[0].Payload.(CloseQuestion).Watching != 1 {
		t.Fatalf("asked %+v, want one question naming 1 watched folder", asked)
	}
	if err := app.KeepInBackground(true); err != nil {
		t.Fatal(err)
	}
	if !rec.Hidden() || app.GetSettings().CloseAction != lifecycle.Background {
		t.Fatalf("after 'keep in background, remember': hidden %v, choice %q", rec.Hidden(), app.GetSettings().CloseAction)
	}
	app.secondInstance(optionsSecondInstance())
	if rec.Hidden() {
		t.Error("launching again did not bring the window back")
	}
	if !app.beforeClose(ctx) || !rec.Hidden() || len(rec.Events(EventCloseAsked)) != 1 {
		t.Error("the remembered choice did not hide the window without asking")
	}
	if err := app.QuitApp(false); err != nil {
		t.Fatal(err)
	}
	if !rec.Quitted() || app.beforeClose(ctx) {
		t.Error("quitting did not let the window close")
	}
	if app.GetSettings().CloseAction != lifecycle.Background {
		t.Error("quitting without 'remember' changed the remembered choice")
	}
}

// A watched folder's run, a long run and a run while the window is hidden
// end with a notification in the user's language; a short run in the open
// window does not.
func TestRunsEndWithNotifications(t *testing.T) {
	app, _ := newTestApp(t, wire.PlanPro)
	n := &notes{}
	app.notifier = n
	var err error
	if app.texts, err = locale.Load(os.DirFS("frontend/src/lib/locales")); err != nil {
		t.Fatal(err)
	}
	s := app.GetSettings()
	s.Language = "en"
	if _, err := app.SaveSettings(s); err != nil {
		t.Fatal(err)
	}
	done := func(r runs.Result) { runEvents{app}.Done(r) }
	sum := converter.Summary{Converted: 3, Saved: 3 << 20, Elapsed: 2 * time.Second}
	done(runs.Result{RunID: "r1", Summary: sum})
	if got := n.all(); len(got) != 0 {
		t.Fatalf("a short run in the open window notified: %v", got)
	}
	done(runs.Result{RunID: "r2", Summary: sum, Origin: runs.Origin{Kind: originSchedule, Folder: "/home/kim/Camera"}})
	long := sum
	long.Converted, long.Elapsed = 1, time.Minute
	done(runs.Result{RunID: "r3", Summary: long})
	app.hidden.Store(true)
	done(runs.Result{RunID: "r4", Summary: sum})
	got := n.all()
	if len(got) != 3 {
		t.Fatalf("notifications %v, want the watched folder's, the long run's and the hidden window's", got)
	}
	if got[0][0] != "Watched folder Camera" || got[0][1] != "3 photos converted, 3 MB saved." {
		t.Errorf("watched folder: %q", got[0])
	}
	if got[1][0] != "Conversion finished" || got[1][1] != "1 photo converted, 3 MB saved." {
		t.Errorf("long run: %q", got[1])
	}
}

func optionsSecondInstance() options.SecondInstanceData {
	return options.SecondInstanceData{Args: []string{}}
}
