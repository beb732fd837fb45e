package platform

import (
	"context"
	"fmt"
	"os/exec"
	goruntime "runtime"

	wruntime "github.com/wailsapp/wails/v2/pkg/runtime"
)

var _ Runtime = (*Wails)(nil)

// Wails is the Runtime of the desktop binary. It must be built with the
// context Wails passes to OnStartup.
type Wails struct {
	ctx context.Context
}

// NewWails wraps the context Wails gave to OnStartup.
func NewWails(ctx context.Context) *Wails { return &Wails{ctx: ctx} }

// Emit implements Runtime.
func (w *Wails) Emit(event string, payload any) { wruntime.EventsEmit(w.ctx, event, payload) }

// ChooseFiles implements Runtime.
func (w *Wails) ChooseFiles(title string, filters []FileFilter) ([]string, error) {
	ff := make([]wruntime.FileFilter, len(filters))
	for i, f := range filters {
		ff[i] = wruntime.FileFilter{DisplayName: f.DisplayName, Pattern: f.Pattern}
	}
	paths, err := wruntime.OpenMultipleFilesDialog(w.ctx, wruntime.OpenDialogOptions{Title: title, Filters: ff})
	if err != nil {
		return nil, fmt.Errorf("file dialog: %w", err)
	}
	return paths, nil
}

// ChooseFolder implements Runtime.
func (w *Wails) ChooseFolder(title string) (string, error) {
	dir, err := wruntime.OpenDirectoryDialog(w.ctx, wruntime.OpenDialogOptions{Title: title, CanCreateDirectories: true})
	if err != nil {
		return "", fmt.Errorf("folder dialog: %w", err)
	}
	return dir, nil
}

// OpenFolder implements Runtime. Wails has no "reveal folder" call, so this
// starts the platform's own file manager opener.
func (w *Wails) OpenFolder(path string) error {
	var cmd *exec.Cmd
	switch goruntime.GOOS {
	case "windows":
		cmd = exec.Command("explorer", path)
	case "darwin":
		cmd = exec.Command("open", path)
	default:
		cmd = exec.Command("xdg-open", path)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("open folder %s: %w", path, err)
	}
	// Reap the opener in the background so it does not linger as a zombie.
	go func() { _ = cmd.Wait() }()
	return nil
}

// OpenURL implements Runtime.
func (w *Wails) OpenURL(url string) error {
	wruntime.BrowserOpenURL(w.ctx, url)
	return nil
}
