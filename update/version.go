package update

import (
	"strings"

	"golang.org/x/mod/semver"
)

// Compare orders versions as the release process writes them
// (scripts/dist/version.sh): "1.2.3", "1.2.3+4.gabc" (commits after 1.2.3:
// build metadata, equal to 1.2.3 here), "0.0.0-dev+gabc" (a pre-release,
// before 0.0.0). It returns -1, 0 or 1. A version that is not semantic sorts
// before every valid one, so a garbled stamp asks for an update rather than
// hiding one.
func Compare(a, b string) int {
	return semver.Compare(canonical(a), canonical(b))
}

// Valid reports whether v is a version Compare understands.
func Valid(v string) bool { return semver.IsValid(canonical(v)) }

func canonical(v string) string {
	v = strings.TrimSpace(v)
	if !strings.HasPrefix(v, "v") {
		v = "v" + v
	}
	return v
}
