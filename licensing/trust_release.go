//go:build !localstack

package licensing

// learnLocalKeys: a release build trusts only the keys compiled in
// (keys.go) or given by the program (Options.TrustedKeys). It never learns a
// key from a server and ignores any key stored on the computer, whatever the
// API address: a loopback address is as easy to fake as a state file.
const learnLocalKeys = false
