//go:build !windows && !darwin

package update

import (
	"errors"
	"os"
	"strings"
)

// platformKey names this system's package in the manifest: the .deb built on
// and for this distribution release (scripts/dist/deb.sh names it
// imageconverter_<version>+<ID><VERSION_ID>_amd64.deb).
var platformKey = debPlatform(readOSRelease())

// installKind: installing a .deb needs the administrator; the app downloads
// it and says the one command (or to open it with the software centre).
const installKind = HowCommand

// startInstall cannot install on Linux: the package manager asks for the
// administrator's password, which the app does not handle.
func startInstall(string) error { return errors.New("update: install the package with apt") }

func readOSRelease() string {
	b, err := os.ReadFile("/etc/os-release")
	if err != nil {
		b, _ = os.ReadFile("/usr/lib/os-release")
	}
	return string(b)
}

// debPlatform is "linux-amd64-deb-debian12" for Debian 12, from os-release.
func debPlatform(osRelease string) string {
	var id, ver string
	for _, line := range strings.Split(osRelease, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if !ok {
			continue
		}
		v = strings.Trim(v, `"'`)
		switch k {
		case "ID":
			id = v
		case "VERSION_ID":
			ver = v
		}
	}
	return DebPlatform(id + ver)
}
