//go:build darwin

package converter

import (
	"io/fs"
	"syscall"
)

// hiddenAttr reports macOS's hidden flag, UF_HIDDEN (chflags hidden; Finder hides such files and
// folders whatever their name) (a dot name is caught by skipDirName).
func hiddenAttr(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && isHiddenFlags(st.Flags)
}
