// Package testenv lets licensing tests find the local services: they skip
// with a message when a service is not configured, and fail instead when
// IC_REQUIRE_SERVICES=1 (CI and `make test`).
package testenv

import (
	"os"
	"testing"
)

// Require returns the values of the environment variables, skipping (or
// failing under IC_REQUIRE_SERVICES=1) when one is unset.
func Require(t testing.TB, names ...string) []string {
	t.Helper()
	vals := make([]string, len(names))
	for i, n := range names {
		vals[i] = os.Getenv(n)
		if vals[i] == "" {
			if os.Getenv("IC_REQUIRE_SERVICES") == "1" {
				t.Fatalf("%s is not set but IC_REQUIRE_SERVICES=1: start the local stack (scripts/stack.sh)", n)
			}
			t.Skipf("%s is not set: start the local stack (scripts/stack.sh) to run this test", n)
		}
	}
	return vals
}
