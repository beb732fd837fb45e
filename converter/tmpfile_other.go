//go:build !linux

package converter

import (
	"errors"
	"os"
	"time"
)

// useTmpfile: only Linux has O_TMPFILE; elsewhere temporary files are named and swept.
var useTmpfile = false

func openTmpfile(string) (*os.File, error) { return nil, errors.New("O_TMPFILE is Linux only") }

func (t *tempFile) setTimes(mtime time.Time) error { return os.Chtimes(t.name, time.Now(), mtime) }

func (t *tempFile) linkNoClobber(dst string) error { return t.linkNamedNoClobber(dst) }

func (t *tempFile) replace(dst string) error {
	if err := t.replaceNamed(dst); err != nil {
		return err
	}
	t.name = ""
	return nil
}
