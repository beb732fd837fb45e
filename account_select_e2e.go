//go:build e2e

package main

import "os"

// newAccount in binaries built with -tags e2e (tests/gui, tests/e2e only, never
// shipped): with IC_E2E_PLAN set, the signed-out stand-in on that plan, so the
// tests can drop folders without a backend; otherwise the real licensing
// service, as in the shipped app.
func newAccount() Account {
	if plan := os.Getenv("IC_E2E_PLAN"); plan != "" {
		return newLocalAccount(plan)
	}
	acc, err := newLicensedAccount()
	if err != nil {
		return newLocalAccount("")
	}
	return acc
}
