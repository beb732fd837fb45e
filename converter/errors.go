package converter

import (
	"errors"
	"io/fs"
	"strings"
	"syscall"

	"imageconverter/converter/decode"
)

// classify turns an error from reading or decoding a source into a code and a sentence for a person.
// The decoder's own messages are already written for people; they are kept as the reason.
func classify(err error) (Code, string) {
	msg := sentence(err.Error())
	var de *decode.Error
	if errors.As(err, &de) && de.Msg != "" {
		msg = sentence(de.Msg) // the person-facing part, without the library's technical cause
	}
	switch {
	case errors.Is(err, decode.ErrAnimated):
		return CodeAnimated, msg
	case errors.Is(err, decode.ErrTooLarge):
		return CodeTooLarge, msg
	case errors.Is(err, decode.ErrUnsupported):
		return CodeUnsupported, msg
	case errors.Is(err, decode.ErrNotImage):
		return CodeNotImage, msg
	case errors.Is(err, decode.ErrEmpty):
		return CodeEmpty, msg
	case errors.Is(err, decode.ErrCorrupt):
		return CodeCorrupt, msg
	case errors.Is(err, fs.ErrNotExist):
		return CodeNotFound, "The file no longer exists."
	case errors.Is(err, fs.ErrPermission):
		return CodePermission, "Permission denied: the file can't be read."
	}
	return ioCode(err), "Could not read the file: " + ioReason(err)
}

// writeFailure is the code and sentence for an output that could not be
// written: the errno says whether the disk is full, read-only or closed to
// this user, which is what a person needs to know to fix it.
func writeFailure(what string, err error) (Code, string) {
	return ioCode(err), what + ": " + ioReason(err)
}

// ioCode maps a file-system error to the most specific code.
func ioCode(err error) Code {
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, errQuota):
		return CodeDiskFull
	case errors.Is(err, syscall.EROFS):
		return CodeReadOnly
	case errors.Is(err, fs.ErrPermission):
		return CodePermission
	}
	return CodeIO
}

// ioReason is a short human wording of a file-system error, without Go's "open /long/path:" prefix.
func ioReason(err error) string {
	switch {
	case errors.Is(err, fs.ErrPermission):
		return "permission denied."
	case errors.Is(err, fs.ErrNotExist):
		return "not found."
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, errQuota):
		return "the disk is full."
	case errors.Is(err, syscall.EROFS):
		return "the disk is read-only."
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return sentence(pe.Err.Error())
	}
	return sentence(err.Error())
}

// sentence capitalises s and ends it with a full stop.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}
