//go:build windows && !nodynamic

package encode

import (
	"os"
	"path/filepath"
	"syscall"
)

// webpLibCandidates: the Windows build ships libwebp.dll (and libsharpyuv.dll, which libwebp ≥ 1.3
// needs) next to ImageConverter.exe; we load it by full path so a different libwebp.dll earlier on
// PATH cannot be picked up. $IMAGECONVERTER_LIBWEBP overrides for tests.
func webpLibCandidates() []string {
	var c []string
	if p := os.Getenv("IMAGECONVERTER_LIBWEBP"); p != "" {
		c = append(c, p)
	}
	if exe, err := os.Executable(); err == nil {
		c = append(c, filepath.Join(filepath.Dir(exe), "libwebp.dll"))
	}
	return append(c, "libwebp.dll")
}

func openLib(path string) (uintptr, error) {
	h, err := syscall.LoadLibrary(path)
	return uintptr(h), err
}

func libSym(h uintptr, name string) (uintptr, error) {
	return syscall.GetProcAddress(syscall.Handle(h), name)
}
