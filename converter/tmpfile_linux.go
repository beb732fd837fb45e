//go:build linux

package converter

import (
	"errors"
	"os"
	"strconv"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// useTmpfile selects O_TMPFILE (tests turn it off to exercise the named-file path).
var useTmpfile = true

// openTmpfile creates an anonymous file in dir: it has no name until linked, so a process killed
// mid-write leaves nothing behind, and the kernel frees it.
func openTmpfile(dir string) (*os.File, error) {
	fd, err := unix.Open(dir, unix.O_TMPFILE|unix.O_RDWR|unix.O_CLOEXEC, 0o644)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), dir+"/(tmpfile)"), nil
}

// setTimes sets the times to the nanosecond with futimens (utimensat on the descriptor, path NULL):
// futimes takes microseconds, and NsecToTimeval rounds, which put the output up to 1 µs after its source.
func (t *tempFile) setTimes(mtime time.Time) error {
	ts := [2]unix.Timespec{unix.NsecToTimespec(time.Now().UnixNano()), unix.NsecToTimespec(mtime.UnixNano())}
	_, _, errno := unix.Syscall6(unix.SYS_UTIMENSAT, t.Fd(), 0, uintptr(unsafe.Pointer(&ts[0])), 0, 0, 0)
	if errno != 0 {
		return &os.PathError{Op: "futimens", Path: t.Name(), Err: errno}
	}
	return nil
}

// linkTmpfile gives the anonymous file the name dst; it fails with EEXIST if dst exists. The /proc
// route works unprivileged; AT_EMPTY_PATH is the fallback where /proc is not mounted.
func (t *tempFile) linkTmpfile(dst string) error {
	proc := "/proc/self/fd/" + strconv.Itoa(int(t.Fd()))
	err := unix.Linkat(unix.AT_FDCWD, proc, unix.AT_FDCWD, dst, unix.AT_SYMLINK_FOLLOW)
	if err == nil || errors.Is(err, unix.EEXIST) {
		return wrapLink(dst, err)
	}
	err2 := unix.Linkat(int(t.Fd()), "", unix.AT_FDCWD, dst, unix.AT_EMPTY_PATH)
	if err2 == nil || errors.Is(err2, unix.EEXIST) {
		return wrapLink(dst, err2)
	}
	return wrapLink(dst, err)
}

func wrapLink(dst string, err error) error {
	if err == nil {
		return nil
	}
	return &os.LinkError{Op: "link", Old: "(tmpfile)", New: dst, Err: err}
}

func (t *tempFile) linkNoClobber(dst string) error {
	if t.name != "" {
		return t.linkNamedNoClobber(dst)
	}
	return t.linkTmpfile(dst)
}

// replace publishes the file over dst. An anonymous file can't be renamed, so it is first linked under
// a temporary name (visible only for that instant, and swept if we die right then), then renamed.
func (t *tempFile) replace(dst string) error {
	if t.name == "" {
		name := t.dir + "/" + tempName(".tmp")
		if err := t.linkTmpfile(name); err != nil {
			return err
		}
		t.name = name
	}
	if err := t.replaceNamed(dst); err != nil {
		return err
	}
	t.name = ""
	return nil
}
