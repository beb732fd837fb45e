//go:build !e2e

package account

import (
	"fmt"
	"os"
)

// New picks the account service: licensing, or the signed-out Free plan
// when licensing cannot start (the app stays usable and says so).
func New() Account {
	lic, err := licensed(nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "imageconverter: accounts unavailable:", err)
		return NewLocal("")
	}
	return lic
}
