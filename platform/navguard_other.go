//go:build !(linux && cgo && webkit2_41)

package platform

// GuardNavigation does nothing where the web view is not WebKitGTK: there the
// page itself takes every drop (frontend/src/lib/drop.svelte.ts), and Wails
// reads the dropped paths from the page's drop event.
func GuardNavigation(blocked func(uri string)) {}
