//go:build !e2e

package main

import (
	"fmt"
	"os"
)

// newAccount picks the account service: licensing, or the signed-out free
// plan when licensing cannot start (the app stays usable and says so).
func newAccount() Account {
	acc, err := newLicensedAccount(nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "imageconverter: accounts unavailable:", err)
		return newLocalAccount("")
	}
	return acc
}
