package licensing

import (
	"os"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// bootClock returns this boot's id and the time since boot, suspend
// included (CLOCK_BOOTTIME). Neither moves with the wall clock, and both
// survive restarts of the app, which the monotonic clock of a process does
// not (and it stops during suspend, which this one does not).
func bootClock() (string, time.Duration, bool) {
	id, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return "", 0, false
	}
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts) != nil {
		return "", 0, false
	}
	return strings.TrimSpace(string(id)), time.Duration(ts.Nano()), true
}
