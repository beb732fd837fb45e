//go:build unix

package converter

import (
	"io/fs"
	"syscall"
)

// dirKey identifies a folder by device and inode, so a symlink loop (or two links to one folder) is
// walked once.
func dirKey(_ string, fi fs.FileInfo) (any, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil, false
	}
	return [2]uint64{uint64(st.Dev), uint64(st.Ino)}, true
}
