//go:build !linux

package licensing

import "time"

// bootClock is not implemented here yet (macOS: mach_continuous_time and the
// boot session UUID; Windows: QueryInterruptTime and the boot count): the
// quota day then follows the trusted clock alone.
func bootClock() (string, time.Duration, bool) { return "", 0, false }
