package account

import (
	"fmt"
	"time"

	"imageconverter/licensing"
)

// licensed builds the licensing service from its configuration (file and
// environment; the local stack by default); clock, if not nil, replaces the
// system clock (test builds only).
func licensed(clock func() time.Time) (*licensing.Service, error) {
	cfg, err := licensing.LoadConfig("")
	if err != nil {
		return nil, fmt.Errorf("licensing config: %w", err)
	}
	lic, err := licensing.New(licensing.Options{Config: cfg, Clock: clock})
	if err != nil {
		return nil, fmt.Errorf("licensing: %w", err)
	}
	return lic, nil
}
