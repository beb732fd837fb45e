package platform

import (
	"context"
	"fmt"

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

// OpenFolder implements Runtime: the system's file manager shows path.
func (w *Wails) OpenFolder(path string) error { return openWithSystem(path) }

// ShowInFolder implements Runtime.
func (w *Wails) ShowInFolder(path string) error { return showInFolder(path) }

// SaveFile implements Runtime.
func (w *Wails) SaveFile(title, defaultName string, filters []FileFilter) (string, error) {
	ff := make([]wruntime.FileFilter, len(filters))
	for i, f := range filters {
		ff[i] = wruntime.FileFilter{DisplayName: f.DisplayName, Pattern: f.Pattern}
	}
	path, err := wruntime.SaveFileDialog(w.ctx, wruntime.SaveDialogOptions{Title: title, DefaultFilename: defaultName, Filters: ff,
		CanCreateDirectories: true})
	if err != nil {
		return "", fmt.Errorf("save dialog: %w", err)
	}
	return path, nil
}

// OpenURL implements Runtime: the user's browser opens url. Unlike Wails'
// BrowserOpenURL it reports a browser that could not start, so the app can
// show the address to copy instead of doing nothing.
func (w *Wails) OpenURL(url string) error { return openWithSystem(url) }

// HideWindow implements Runtime.
func (w *Wails) HideWindow() { wruntime.WindowHide(w.ctx) }

// ShowWindow implements Runtime.
func (w *Wails) ShowWindow() {
	wruntime.WindowShow(w.ctx)
	wruntime.WindowUnminimise(w.ctx)
}

// Quit implements Runtime.
func (w *Wails) Quit() { wruntime.Quit(w.ctx) }
