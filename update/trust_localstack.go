//go:build localstack

package update

import (
	"os"
	"strings"
)

// extraKeys: builds for the local stack (make run, tests; never shipped) also
// trust the keys of IC_UPDATE_KEYS ("kid:key,kid:key"), so the local
// Hosting emulator can serve manifests signed by a development key.
func extraKeys() []string {
	v := os.Getenv("IC_UPDATE_KEYS")
	if v == "" {
		return nil
	}
	return strings.Split(v, ",")
}

// overrideURL: the manifest address of IC_UPDATE_URL (tests serve their own).
func overrideURL() string { return os.Getenv("IC_UPDATE_URL") }
