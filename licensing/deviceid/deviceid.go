// Package deviceid gives this computer a stable id for the licensing server
// that reveals nothing about the machine: HMAC-SHA256 of the OS machine id
// keyed with an app-specific salt (github.com/denisbrodbeck/machineid's
// ProtectedID). The raw machine id and MAC addresses never leave the process.
package deviceid

import (
	"fmt"

	"github.com/denisbrodbeck/machineid"
)

// AppSalt keys the hash. Changing it changes every device id (every user's
// computers would count as new devices), so it is fixed for the product.
const AppSalt = "imageconverter.desktop.v1"

// ID returns this computer's app-specific id (64 hex characters).
func ID() (string, error) {
	id, err := machineid.ProtectedID(AppSalt)
	if err != nil {
		return "", fmt.Errorf("read machine id: %w", err)
	}
	return id, nil
}
