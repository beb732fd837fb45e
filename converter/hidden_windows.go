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

// setTempHidden sets or clears the hidden attribute of a named temporary file: hidden while it is
// being written (a dot name hides nothing in Explorer), cleared just before it is published, since the
// output keeps the file's attributes. Best effort: a file system without attributes still works.
func setTempHidden(path string, hidden bool) {
	p, err := syscall.UTF16PtrFromString(path)
	if err != nil {
		return
	}
	attrs, err := syscall.GetFileAttributes(p)
	if err != nil {
		return
	}
	if hidden {
		attrs |= syscall.FILE_ATTRIBUTE_HIDDEN
	} else {
		attrs &^= syscall.FILE_ATTRIBUTE_HIDDEN
	}
	_ = syscall.SetFileAttributes(p, attrs)
}
