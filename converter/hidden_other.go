//go:build !unix && !windows

package converter

import "io/fs"

func hiddenAttr(fs.FileInfo) bool { return false }
