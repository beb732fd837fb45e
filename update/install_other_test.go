//go:build !windows && !darwin

package update

import "testing"

func TestDebPlatformFollowsOSRelease(t *testing.T) {
	for release, want := range map[string]string{
		"PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n": "linux-amd64-deb-debian12",
		"NAME=\"Ubuntu\"\nVERSION_ID=\"24.04\"\nID=ubuntu\nID_LIKE=debian\n":                                        "linux-amd64-deb-ubuntu24.04",
	} {
		if got := debPlatform(release); got != want {
			t.Errorf("debPlatform = %q, want %q", got, want)
		}
	}
}
