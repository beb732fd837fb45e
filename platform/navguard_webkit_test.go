//go:build linux && cgo && webkit2_41

package platform

import "testing"

// The web view may load the app's own pages, never a dropped file or a web
// page in its place.
func TestNavigationGuardRule(t *testing.T) {
	for _, c := range []struct {
		current, target string
		want            bool
	}{
		{"", "wails://wails/", true},                                     // first load
		{"about:blank", "http://localhost:34115/", true},                 // first load of the dev server
		{"wails://wails/", "wails://wails/#/settings", true},             // the app itself
		{"http://localhost:34115/", "http://localhost:34115/x", true},    // dev server, same origin
		{"wails://wails/", "file:///home/me/Pictures/trip.jpg", false},   // a dropped photo
		{"wails://wails/", "file:///home/me/Pictures/", false},           // a dropped folder
		{"wails://wails/", "https://example.com/", false},                // a web page
		{"http://localhost:34115/", "http://localhost:9999/", false},     // another port
		{"http://localhost:34115/", "file:///tmp/a.png", false},          // a dropped file in dev mode
		{"wails://wails/", "data:text/html,<h1>not the app</h1>", false}, // anything else
	} {
		if got := navigationAllowed(c.current, c.target); got != c.want {
			t.Errorf("at %q, loading %q allowed = %v, want %v", c.current, c.target, got, c.want)
		}
	}
}
