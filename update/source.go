package update

import (
	"os"
	"path/filepath"

	"imageconverter/release"
)

// LocalManifestURL is where the local stack's Hosting emulator serves its
// manifest (web/updates/local/stable.json, written by scripts/stack.sh and
// never deployed); a build without production settings checks there.
const LocalManifestURL = "http://127.0.0.1:5190/updates/local/stable.json"

// DefaultSource is the manifest this build checks: the stamped production
// address (package release) or the local stack's, with the compiled-in keys.
// Builds for the local stack also read IC_UPDATE_URL and IC_UPDATE_KEYS.
func DefaultSource() Source {
	u := release.UpdateURL
	if u == "" {
		u = LocalManifestURL
	}
	if o := overrideURL(); o != "" {
		u = o
	}
	return Source{URL: u, Keys: TrustedKeys()}
}

// DefaultDir is the user's cache folder for downloads: a 10 MB installer
// does not belong in a roaming profile.
func DefaultDir() string {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	return filepath.Join(base, "ImageConverter", "updates")
}

// DebPlatform is the manifest key of the .deb for a distribution release
// ("debian12", "ubuntu24.04").
func DebPlatform(distro string) string { return "linux-amd64-deb-" + distro }
