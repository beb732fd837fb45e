// Package about is what the About box shows besides the version: the
// open-source components the app is built from, under which licence, and the
// folder of their licence texts that the packages install.
package about

import (
	"os"
	"path/filepath"
	"runtime"
)

// Component is one open-source part of the app.
type Component struct {
	Name    string `json:"name"`
	License string `json:"license"` // SPDX expression
	URL     string `json:"url"`
}

// Components lists what the app bundles or links: the image codecs (bundled
// in the Windows and macOS packages, the system's own on Linux) and the
// frameworks the program is built with.
func Components() []Component {
	return []Component{
		{"libwebp", "BSD-3-Clause", "https://chromium.googlesource.com/webm/libwebp"},
		{"libavif", "BSD-2-Clause", "https://github.com/AOMediaCodec/libavif"},
		{"libaom", "BSD-2-Clause AND AOM-Patent-License-1.0", "https://aomedia.googlesource.com/aom"},
		{"dav1d", "BSD-2-Clause", "https://code.videolan.org/videolan/dav1d"},
		{"libyuv", "BSD-3-Clause", "https://chromium.googlesource.com/libyuv/libyuv"},
		{"libjpeg-turbo", "IJG AND BSD-3-Clause AND Zlib", "https://libjpeg-turbo.org"},
		{"Little CMS (lcms2)", "MIT", "https://www.littlecms.com"},
		{"libheif", "LGPL-3.0-or-later", "https://github.com/strukturag/libheif"},
		{"libde265", "LGPL-3.0-or-later", "https://github.com/strukturag/libde265"},
		{"Wails", "MIT", "https://wails.io"},
		{"Svelte", "MIT", "https://svelte.dev"},
		{"Go", "BSD-3-Clause", "https://go.dev"},
	}
}

// LicenseDir is the folder of licence texts the installed package holds, or
// "" when there is none (a build run from the source tree).
func LicenseDir() string {
	var dir string
	switch runtime.GOOS {
	case "windows": // scripts/dist/windows.sh: beside ImageConverter.exe
		if exe, err := os.Executable(); err == nil {
			dir = filepath.Join(filepath.Dir(exe), "licenses")
		}
	case "darwin": // scripts/dist/macos-app.sh: inside the bundle
		if exe, err := os.Executable(); err == nil {
			dir = filepath.Join(filepath.Dir(exe), "..", "Resources", "licenses")
		}
	default: // the .deb (scripts/dist/deb.sh); the codecs' own are the system's
		dir = "/usr/share/doc/imageconverter"
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return ""
	}
	return filepath.Clean(dir)
}
