//go:build !unix

package converter

import "errors"

// errQuota: Windows reports a full quota as ERROR_DISK_FULL (ENOSPC in Go).
var errQuota = errors.New("converter: no quota error on this system")
