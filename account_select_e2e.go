//go:build e2e

package main

import (
	"os"
	"sync/atomic"
	"time"
)

// e2eClockOffset moves the licensing clock of test builds (POST /clock of
// the test hooks), so a test can live through a week offline in seconds.
var e2eClockOffset atomic.Int64

func e2eNow() time.Time { return time.Now().Add(time.Duration(e2eClockOffset.Load())) }

// newAccount in binaries built with -tags e2e (tests/gui, tests/e2e only, never
// shipped): with IC_E2E_PLAN set, the signed-out stand-in on that plan, so the
// tests can drop folders without a backend; otherwise the real licensing
// service, as in the shipped app, on a clock the tests can move.
func newAccount() Account {
	if plan := os.Getenv("IC_E2E_PLAN"); plan != "" {
		return newLocalAccount(plan)
	}
	acc, err := newLicensedAccount(e2eNow)
	if err != nil {
		return newLocalAccount("")
	}
	return acc
}
