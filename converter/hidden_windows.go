//go:build windows

package converter

import (
	"io/fs"
	"syscall"
)

// hiddenAttr reports Windows' hidden or system attribute (a dot name is not how Windows hides files).
func hiddenAttr(fi fs.FileInfo) bool {
	d, ok := fi.Sys().(*syscall.Win32FileAttributeData)
	if !ok {
		return false
	}
	return d.FileAttributes&(syscall.FILE_ATTRIBUTE_HIDDEN|syscall.FILE_ATTRIBUTE_SYSTEM) != 0
}
