//go:build e2e

package main

import "os"

// newAccount in binaries built with -tags e2e (tests/gui, tests/e2e only, never
// shipped) takes the stand-in plan from IC_E2E_PLAN, so the tests can drop
// folders, which the free plan refuses.
func newAccount() Account { return newLocalAccount(os.Getenv("IC_E2E_PLAN")) }
