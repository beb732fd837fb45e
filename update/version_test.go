package update

import "testing"

func TestCompareOrdersReleaseVersions(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"1.2.3", "1.2.4", -1},
		{"1.10.0", "1.9.9", 1},
		{"2.0.0", "2.0.0", 0},
		{"1.2.3+4.gabc1234", "1.2.3", 0},        // commits after a tag: not newer than the release
		{"1.2.3+4.gabc1234.dirty", "1.2.4", -1}, // and older than the next one
		{"0.0.0-dev+gabc1234", "0.0.1", -1},     // an untagged build asks for any release
		{"1.3.0-rc.1", "1.3.0", -1},
		{"v1.4.0", "1.4.0", 0},
		{"garbled", "0.0.1", -1},
	} {
		if got := Compare(c.a, c.b); got != c.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
