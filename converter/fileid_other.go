//go:build !unix

package converter

import (
	"io/fs"
	"path/filepath"
	"strings"
)

// dirKey identifies a folder by its fully resolved path: without inode numbers this is what is left,
// and it still ends symlink/junction loops because a loop resolves to a path already visited.
func dirKey(path string, _ fs.FileInfo) (any, bool) {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return nil, false
	}
	abs, err := filepath.Abs(real)
	if err != nil {
		return nil, false
	}
	return strings.ToLower(abs), true
}
