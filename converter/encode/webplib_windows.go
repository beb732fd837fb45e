//go:build windows && !nodynamic

package encode

import (
	"os"
	"path/filepath"
	"syscall"
)

// webpLibCandidates: the Windows build ships libwebp.dll (and libsharpyuv.dll, which libwebp ≥ 1.3
// needs) next to ImageConverter.exe; we load it by full path so a different libwebp.dll earlier on
// PATH cannot be picked up. The cross-build (scripts/dist/windows.sh) names it libwebp.dll, MSYS2's
// package libwebp-7.dll: the decoder links whichever the build used, and loading that same file
// reuses the copy already in memory. $IMAGECONVERTER_LIBWEBP overrides for tests.
func webpLibCandidates() []string {
	names := []string{"libwebp.dll", "libwebp-7.dll"}
	var c []string
	if p := os.Getenv("IMAGECONVERTER_LIBWEBP"); p != "" {
		c = append(c, p)
	}
	if exe, err := os.Executable(); err == nil {
		for _, n := range names {
			c = append(c, filepath.Join(filepath.Dir(exe), n))
		}
	}
	return append(c, names...)
}

func openLib(path string) (uintptr, error) {
	h, err := syscall.LoadLibrary(path)
	return uintptr(h), err
}

func libSym(h uintptr, name string) (uintptr, error) {
	return syscall.GetProcAddress(syscall.Handle(h), name)
}
