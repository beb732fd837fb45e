package platform

import (
	"sync"
)

var _ Runtime = (*Recorder)(nil)

// Event is one Emit call seen by a Recorder.
type Event struct {
	Name    string
	Payload any
}

// Recorder is the test twin of Wails: it records events and opened folders
// and answers dialogs with canned choices.
type Recorder struct {
	mu      sync.Mutex
	events  []Event
	opened  []string
	urls    []string
	notify  chan struct{}
	Files   []string // answer of ChooseFiles
	Folder  string   // answer of ChooseFolder
	Save    string   // answer of SaveFile
	OpenErr error    // returned by OpenFolder
	hidden  bool
	quit    bool
}

// NewRecorder returns an empty Recorder.
func NewRecorder() *Recorder { return &Recorder{notify: make(chan struct{}, 1)} }

// Emit implements Runtime.
func (r *Recorder) Emit(event string, payload any) {
	r.mu.Lock()
	r.events = append(r.events, Event{Name: event, Payload: payload})
	r.mu.Unlock()
	select {
	case r.notify <- struct{}{}:
	default:
	}
}

// ChooseFiles implements Runtime.
func (r *Recorder) ChooseFiles(string, []FileFilter) ([]string, error) { return r.Files, nil }

// ChooseFolder implements Runtime.
func (r *Recorder) ChooseFolder(string) (string, error) { return r.Folder, nil }

// OpenFolder implements Runtime.
func (r *Recorder) OpenFolder(path string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.OpenErr != nil {
		return r.OpenErr
	}
	r.opened = append(r.opened, path)
	return nil
}

// ShowInFolder implements Runtime: recorded with OpenFolder's.
func (r *Recorder) ShowInFolder(path string) error { return r.OpenFolder(path) }

// SaveFile implements Runtime.
func (r *Recorder) SaveFile(string, string, []FileFilter) (string, error) { return r.Save, nil }

// OpenURL implements Runtime.
func (r *Recorder) OpenURL(url string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.urls = append(r.urls, url)
	return nil
}

// Events returns a copy of the events seen so far, optionally only those named.
func (r *Recorder) Events(name string) []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Event
	for _, e := range r.events {
		if name == "" || e.Name == name {
			out = append(out, e)
		}
	}
	return out
}

// Opened returns the folders passed to OpenFolder.
func (r *Recorder) Opened() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.opened...)
}

// URLs returns the pages passed to OpenURL.
func (r *Recorder) URLs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.urls...)
}

// Changed is signalled (without blocking) after each Emit, so tests can wait
// for events instead of sleeping.
func (r *Recorder) Changed() <-chan struct{} { return r.notify }

// HideWindow implements Runtime.
func (r *Recorder) HideWindow() { r.mu.Lock(); r.hidden = true; r.mu.Unlock() }

// ShowWindow implements Runtime.
func (r *Recorder) ShowWindow() { r.mu.Lock(); r.hidden = false; r.mu.Unlock() }

// Quit implements Runtime.
func (r *Recorder) Quit() { r.mu.Lock(); r.quit = true; r.mu.Unlock() }

// Hidden reports whether the window is hidden; Quitted whether Quit was called.
func (r *Recorder) Hidden() bool { r.mu.Lock(); defer r.mu.Unlock(); return r.hidden }

// Quitted reports whether Quit was called.
func (r *Recorder) Quitted() bool { r.mu.Lock(); defer r.mu.Unlock(); return r.quit }
