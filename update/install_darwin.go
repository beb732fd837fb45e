package update

import "os/exec"

// platformKey names this system's package in the manifest.
const platformKey = "darwin-universal"

// installKind: the disk image opens; the user drags the app to Applications.
const installKind = HowOpen

// startInstall opens the downloaded disk image in Finder.
func startInstall(path string) error { return exec.Command("open", path).Run() }
