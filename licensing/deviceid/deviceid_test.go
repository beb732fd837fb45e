package deviceid

import (
	"regexp"
	"strings"
	"testing"

	"github.com/denisbrodbeck/machineid"
)

func TestIDIsStableHashNotRawID(t *testing.T) {
	raw, err := machineid.ID()
	if err != nil {
		t.Skipf("no machine id on this system: %v", err)
	}
	a, err := ID()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := ID()
	if a != b {
		t.Errorf("ID not stable: %s vs %s", a, b)
	}
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(a) {
		t.Errorf("ID %q is not a SHA-256 hex digest", a)
	}
	if strings.Contains(a, strings.ToLower(raw)) {
		t.Error("ID contains the raw machine id")
	}
	other, _ := machineid.ProtectedID("another-app")
	if other == a {
		t.Error("ID is not app-specific")
	}
}
