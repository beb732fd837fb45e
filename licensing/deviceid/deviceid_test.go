package deviceid

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
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
	// Exactly HMAC-SHA256(machine id, AppSalt): keyed by this product's salt, so
	// another app (or another salt) gets a different id from the same machine.
	mac := hmac.New(sha256.New, []byte(raw))
	mac.Write([]byte(AppSalt))
	if want := hex.EncodeToString(mac.Sum(nil)); a != want {
		t.Errorf("ID = %s, want HMAC-SHA256 of the machine id with the app salt (%s)", a, want)
	}
	mac = hmac.New(sha256.New, []byte(raw))
	mac.Write([]byte("another-app"))
	if hex.EncodeToString(mac.Sum(nil)) == a {
		t.Error("ID is not app-specific")
	}
}
