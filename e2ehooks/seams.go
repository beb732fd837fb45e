// Package e2ehooks holds the test hooks of binaries built with -tags e2e
// (tests/gui, tests/e2e; never shipped). With IC_E2E_CONTROL=host:port the
// app serves:
//
//	GET /ping     asks the page to answer through a bound call; the answer
//	              (the page's address, screen, run phase) proves the window
//	              still shows the app and its bindings work
//	GET /journal  every StartConversion call so far: each drop handled once
//	POST /clock?advance=192h  moves the licensing clock forward
//
// The page answers pings through the bound object Hooks
// (window.go.e2ehooks.Hooks).
package e2ehooks

// Seams are what the hooks need of the app.
type Seams struct {
	Emit           func(event string, payload any)    // an event to the page
	OnConvert      func(observe func(paths []string)) // hear every conversion request
	AccountChanged func()                             // tell the page the account changed
}
