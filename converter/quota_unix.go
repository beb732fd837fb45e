//go:build unix

package converter

import "syscall"

// errQuota is "disk quota exceeded": for the user, the disk is full.
var errQuota error = syscall.EDQUOT
