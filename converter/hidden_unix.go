//go:build unix && !darwin

package converter

import "io/fs"

// hiddenAttr is for attribute-hidden files (Windows, macOS); here hidden means a dot name (see skipDirName).
func hiddenAttr(fs.FileInfo) bool { return false }
