package runs

import (
	"os"
	"path/filepath"
	"strings"

	"imageconverter/uierr"
)

// Codes of a drop that cannot be taken.
var (
	CodeNothingDropped = uierr.Declare("nothing_dropped")
	CodeBadPath        = uierr.Declare("bad_path")
	CodePathNotFound   = uierr.Declare("path_not_found")
)

var errNothingDropped = uierr.New(CodeNothingDropped, "Drop photos or folders, or choose them, to start.")

// CleanPaths refuses an empty drop, relative paths and paths that do not exist.
func CleanPaths(in []string) ([]string, error) {
	if len(in) == 0 {
		return nil, errNothingDropped
	}
	out := make([]string, 0, len(in))
	seen := map[string]bool{}
	for _, p := range in {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if !filepath.IsAbs(p) {
			return nil, uierr.With(CodeBadPath, "This is not a full path to a file or folder.", p, nil)
		}
		p = filepath.Clean(p)
		if _, err := os.Stat(p); err != nil {
			return nil, uierr.With(CodePathNotFound, "This file or folder could not be found.", p, err)
		}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, errNothingDropped
	}
	return out, nil
}
