package converter

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// tempPrefix names our temporary files recognisably (and hidden), so a later run can sweep the ones a
// killed process left behind. On Linux, O_TMPFILE is used instead and a kill leaves nothing at all.
const tempPrefix = ".ic-tmp-"

// staleAfter is the age after which a named temporary file is swept even if its process may be alive
// (its PID can be reused, or it may belong to another machine on a network share).
const staleAfter = 24 * time.Hour

// errOutputExists reports that the destination appeared while we converted and the policy is skip.
var errOutputExists = errors.New("output exists")

// tempFile is an output being written. Nothing is visible under the destination name until commit,
// which publishes the complete file in one step (link or rename), so no reader and no crash ever sees
// a truncated output.
type tempFile struct {
	*os.File
	dir  string
	name string // path of the named temporary file; "" for an anonymous O_TMPFILE
}

// createTemp opens a new temporary file in dir (the output's own folder, so the final rename stays on
// one file system).
func createTemp(dir, ext string) (*tempFile, error) {
	if useTmpfile {
		if f, err := openTmpfile(dir); err == nil {
			return &tempFile{File: f, dir: dir}, nil
		}
		// Not supported by this file system (FAT, some network shares): fall back to a named file.
	}
	f, err := os.OpenFile(filepath.Join(dir, tempName(ext)), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, err
	}
	setTempHidden(f.Name(), true)
	return &tempFile{File: f, dir: dir, name: f.Name()}, nil
}

// tempName is ".ic-tmp-<pid>-<random><ext>": the PID lets a sweep tell a dead writer's file from a live one.
func tempName(ext string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return tempPrefix + strconv.Itoa(os.Getpid()) + "-" + hex.EncodeToString(b[:]) + ext
}

// abort discards the temporary file.
func (t *tempFile) abort() {
	_ = t.Close()
	if t.name != "" {
		_ = os.Remove(t.name)
	}
}

// commit makes the temporary file appear as dst: flushes it to disk, sets its times, then links it in
// without replacing anything (policies skip and rename) or renames it over dst (overwrite). With rename,
// a name taken meanwhile moves on to "stem (n).ext". It returns the final path.
func (t *tempFile) commit(dst string, mtime time.Time, policy Existing) (string, error) {
	if err := t.Sync(); err != nil { // so a power cut after the rename can't expose an empty file
		t.abort()
		return "", err
	}
	if !mtime.IsZero() {
		if err := t.setTimes(mtime); err != nil {
			t.abort()
			return "", err
		}
	}
	if t.name != "" {
		setTempHidden(t.name, false) // the output must not inherit the temporary file's hidden attribute
	}
	if policy == ExistingOverwrite {
		if err := t.replace(dst); err != nil {
			t.abort()
			return "", err
		}
		return dst, nil
	}
	planned := dst
	for n := 1; ; n++ {
		err := t.linkNoClobber(dst)
		if err == nil {
			t.abort() // closes; removes the named temp, whose content now lives under dst
			return dst, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			t.abort()
			return "", err
		}
		if policy != ExistingRename {
			t.abort()
			return "", errOutputExists
		}
		dst = numbered(planned, n) // from the planned name as is: "beach (1).webp" never becomes "beach (2).webp"
	}
}

// replaceNamed renames the named temporary file over dst (atomic on POSIX; MoveFileEx with
// REPLACE_EXISTING on Windows).
func (t *tempFile) replaceNamed(dst string) error {
	if err := t.Close(); err != nil {
		return err
	}
	return os.Rename(t.name, dst)
}

// linkNamedNoClobber publishes the named temporary file under dst unless dst exists. A hard link
// fails with EEXIST atomically; where links are not supported (FAT), check-then-rename is the best left.
func (t *tempFile) linkNamedNoClobber(dst string) error {
	err := os.Link(t.name, dst)
	if err == nil || errors.Is(err, fs.ErrExist) {
		return err
	}
	if _, serr := os.Lstat(dst); serr == nil {
		return fs.ErrExist
	}
	if err := t.Close(); err != nil {
		return err
	}
	if err := os.Rename(t.name, dst); err != nil {
		return err
	}
	t.name = "" // nothing left to remove
	return nil
}

// sweepStale removes temporary files that a killed run left in dir: those whose process is gone, and
// any older than staleAfter. It never touches other files.
func sweepStale(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, tempPrefix) || e.IsDir() {
			continue
		}
		rest := strings.TrimPrefix(name, tempPrefix)
		pid, _ := strconv.Atoi(rest[:max(0, strings.IndexByte(rest, '-'))])
		info, err := e.Info()
		if err != nil {
			continue
		}
		if (pid > 0 && pid != os.Getpid() && !processAlive(pid)) || time.Since(info.ModTime()) > staleAfter {
			_ = os.Remove(filepath.Join(dir, name))
		}
	}
}
