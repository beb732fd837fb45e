package main

import (
	"strings"

	"imageconverter/converter"
)

// Sub-codes for the converter's generic codes, so the UI can say what
// really went wrong (and what to do) in the user's language. The
// converter's FileResult carries only a Code and an English sentence, built
// from the underlying error (syscall.ENOSPC → "the disk is full.", EROFS →
// "the disk is read-only.", EACCES/EPERM → "permission denied.", the WebP
// encoder's size limit → "WebP cannot hold images larger than…"); the
// sentence is what is left of the error here, so it is matched.
const (
	codeDiskFull     = "io_disk_full"
	codeReadOnly     = "io_read_only"
	codePermission   = "io_permission"
	codeWebPTooLarge = "webp_too_large"
)

// detailCode refines a generic converter code from its reason; other codes
// pass through. A generic code it cannot refine stays generic, and the UI
// shows the English reason for it rather than a vague sentence.
func detailCode(code converter.Code, reason string) string {
	r := strings.ToLower(reason)
	switch code {
	case converter.CodeIO:
		switch {
		case strings.Contains(r, "disk is full"), strings.Contains(r, "no space left"):
			return codeDiskFull
		case strings.Contains(r, "read-only"):
			return codeReadOnly
		case strings.Contains(r, "permission denied"), strings.Contains(r, "operation not permitted"):
			return codePermission
		}
	case converter.CodeEncode:
		if strings.Contains(r, "webp cannot hold images larger than") {
			return codeWebPTooLarge
		}
	}
	return string(code)
}
