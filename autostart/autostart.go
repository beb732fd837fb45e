// Package autostart starts the app when the user logs in: an autostart entry
// on Linux (XDG), a Run key on Windows, a LaunchAgent on macOS. The app is
// started with its background flag, so it opens only when it has work.
package autostart

import "os"

// Name identifies the app's entry.
const Name = "imageconverter"

// Set adds (on) or removes the login item that runs exe with args.
func Set(on bool, exe string, args ...string) error {
	if on {
		return enable(exe, args)
	}
	return disable()
}

// Enabled reports whether the login item exists.
func Enabled() bool { return enabled() }

// Apply makes the login item match on, starting this executable with args.
func Apply(on bool, args ...string) error {
	if on == Enabled() {
		return nil
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	return Set(on, exe, args...)
}
