//go:build e2e

package account

import (
	"os"
	"sync/atomic"
	"time"
)

// clockOffset moves the licensing clock of test builds (AdvanceClock), so a
// test can live through a week offline in seconds.
var clockOffset atomic.Int64

func testNow() time.Time { return time.Now().Add(time.Duration(clockOffset.Load())) }

// AdvanceClock moves the licensing clock of a test build forward by d.
func AdvanceClock(d time.Duration) { clockOffset.Add(int64(d)) }

// New in binaries built with -tags e2e (tests/gui, tests/e2e only, never
// shipped): with IC_E2E_PLAN set, the signed-out stand-in on that plan, so the
// tests can drop folders without a backend; otherwise the real licensing
// service, as in the shipped app, on a clock the tests can move.
func New() Account {
	if plan := os.Getenv("IC_E2E_PLAN"); plan != "" {
		return NewLocal(plan)
	}
	lic, err := licensed(testNow)
	if err != nil {
		return NewLocal("")
	}
	return lic
}
