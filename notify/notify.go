// Package notify shows a desktop notification: D-Bus notifications on
// Linux, a toast on Windows, the Notification Center on macOS (through
// github.com/gen2brain/beeep). A failure is not the user's problem: the app
// logs it and goes on.
package notify

import (
	"fmt"
	"math"
	"strconv"

	"github.com/gen2brain/beeep"
)

// Sender sends notifications; the app's tests record them instead.
type Sender interface {
	Notify(title, body string) error
}

// Desktop is the system's notifications, with the app's icon (PNG bytes).
type Desktop struct{ Icon []byte }

// Notify implements Sender.
func (d Desktop) Notify(title, body string) error {
	beeep.AppName = "ImageConverter"
	var icon any = ""
	if len(d.Icon) > 0 {
		icon = d.Icon
	}
	return beeep.Notify(title, body, icon)
}

// RunEnd is what a notification says about a run that ended.
type RunEnd struct {
	Converted, Failed int
	Saved             string // "1.2 MB"
	Long              bool   // the run took long enough that the user turned away
	Hidden            bool   // the window is hidden
	Folder            string // the watched folder's name, "" for a person's drop
}

// Texts gives the UI's sentences (locale.Catalog).
type Texts interface {
	T(lang, key string, vars map[string]any) string
}

// RunDone words the notification for r in lang; ok is false when the run
// is not worth one (a short run in the open window, or nothing done).
func RunDone(texts Texts, lang string, r RunEnd) (title, body string, ok bool) {
	if r.Converted+r.Failed == 0 || r.Folder == "" && !r.Long && !r.Hidden {
		return "", "", false
	}
	title = texts.T(lang, "notify.done.title", nil)
	if r.Folder != "" {
		title = texts.T(lang, "notify.schedule.title", map[string]any{"folder": r.Folder})
	}
	body = texts.T(lang, "notify.done.body", map[string]any{"n": r.Converted, "size": r.Saved})
	if r.Failed > 0 {
		body += " " + texts.T(lang, "notify.done.failed", map[string]any{"n": r.Failed})
	}
	return title, body, true
}

// Size words a byte count as the app's window does (1024-based, one decimal).
func Size(n int64) string {
	units := []string{"B", "KB", "MB", "GB"}
	v, i := float64(max(n, 0)), 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%d B", n)
	}
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) + " " + units[i]
}
