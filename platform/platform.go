// Package platform is the seam between the app and the Wails runtime.
//
// Wails' runtime functions (events, dialogs, opening URLs) need the context
// Wails hands to OnStartup; called with any other context they end the
// process. App therefore talks to a Runtime, never to the runtime package:
// Wails implements it in the desktop binary and Recorder implements it in
// tests, so App is testable without a webview.
package platform

// FileFilter narrows what a file dialog shows, e.g. {"Images", "*.jpg;*.png"}.
type FileFilter struct {
	DisplayName string
	Pattern     string
}

// Runtime is what the app needs from the desktop shell.
type Runtime interface {
	// Emit sends an event with one payload to the UI.
	Emit(event string, payload any)
	// ChooseFiles asks for one or more files; no choice gives nil, nil.
	ChooseFiles(title string, filters []FileFilter) ([]string, error)
	// ChooseFolder asks for one folder; no choice gives "", nil.
	ChooseFolder(title string) (string, error)
	// OpenFolder shows a folder in the system file manager.
	OpenFolder(path string) error
	// ShowInFolder opens the file's folder in the file manager with the file
	// selected (where the file manager can; else just the folder).
	ShowInFolder(path string) error
	// SaveFile asks where to save a file; no choice gives "", nil.
	SaveFile(title, defaultName string, filters []FileFilter) (string, error)
	// OpenURL opens a web page in the user's browser.
	OpenURL(url string) error
	// HideWindow hides the window (the app keeps working in the background);
	// ShowWindow brings it back in front; Quit ends the app.
	HideWindow()
	ShowWindow()
	Quit()
}
