//go:build unix && !nodynamic

package encode

import (
	"os"
	"path/filepath"
	"runtime"

	"github.com/ebitengine/purego"
)

// webpLibCandidates lists where libwebp is looked for, first match wins:
//  1. $IMAGECONVERTER_LIBWEBP, an explicit file (packaging, tests);
//  2. beside the executable: <exe dir>/lib/ and <exe dir>/ on Linux, the bundle's Frameworks/ and
//     the exe dir on macOS (what the app ships);
//  3. the system's run-time library by its versioned soname (libwebp.so.7 from Debian/Ubuntu's
//     libwebp7 package, or libwebp.7.dylib), which is what an end user has;
//  4. the unversioned development name (libwebp.so / libwebp.dylib, from libwebp-dev or Homebrew).
//
// gen2brain/webp only tries 4, which is why it fell back to WASM on machines without -dev packages.
func webpLibCandidates() []string {
	var c []string
	if p := os.Getenv("IMAGECONVERTER_LIBWEBP"); p != "" {
		c = append(c, p)
	}
	versioned, plain := "libwebp.so.7", "libwebp.so"
	if runtime.GOOS == "darwin" {
		versioned, plain = "libwebp.7.dylib", "libwebp.dylib"
	}
	if exe, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			exe = real
		}
		dir := filepath.Dir(exe)
		if runtime.GOOS == "darwin" {
			c = append(c, filepath.Join(dir, "..", "Frameworks", versioned), filepath.Join(dir, versioned))
		} else {
			c = append(c, filepath.Join(dir, "lib", versioned), filepath.Join(dir, versioned))
		}
	}
	c = append(c, versioned, plain)
	if runtime.GOOS == "darwin" {
		// Homebrew (Apple silicon, Intel) and MacPorts, which are not on the default dlopen path.
		for _, d := range []string{"/opt/homebrew/lib", "/usr/local/lib", "/opt/local/lib"} {
			c = append(c, filepath.Join(d, versioned))
		}
	}
	return c
}

func openLib(path string) (uintptr, error) {
	if filepath.IsAbs(path) {
		if _, err := os.Stat(path); err != nil {
			return 0, err // cheaper and clearer than dlopen's message
		}
	}
	return purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_LOCAL)
}

func libSym(h uintptr, name string) (uintptr, error) {
	return purego.Dlsym(h, name)
}
