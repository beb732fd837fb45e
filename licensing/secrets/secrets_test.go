package secrets

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// exercise runs the same contract over any Store.
func exercise(t *testing.T, s Store) {
	t.Helper()
	if _, err := s.Get("refresh"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get on empty store: err = %v, want ErrNotFound", err)
	}
	if err := s.Set("refresh", "tok-1"); err != nil {
		t.Fatal(err)
	}
	if err := s.Set("state", `{"a":1}`); err != nil {
		t.Fatal(err)
	}
	if err := s.Set("refresh", "tok-2"); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Get("refresh"); err != nil || v != "tok-2" {
		t.Fatalf("Get = %q, %v; want tok-2", v, err)
	}
	if err := s.Delete("refresh"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete("refresh"); err != nil {
		t.Fatalf("second Delete: %v", err)
	}
	if _, err := s.Get("refresh"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after Delete: err = %v", err)
	}
	if v, err := s.Get("state"); err != nil || v != `{"a":1}` {
		t.Fatalf("other key lost: %q, %v", v, err)
	}
	_ = s.Delete("state")
}

func TestFileStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cfg", "ImageConverter", "secrets.json")
	f := &File{Path: path}
	exercise(t, f)
	if err := f.Set("k", "v"); err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("secrets file mode = %v, want 0600", st.Mode().Perm())
		}
		dst, _ := os.Stat(filepath.Dir(path))
		if dst.Mode().Perm() != 0o700 {
			t.Errorf("secrets folder mode = %v, want 0700", dst.Mode().Perm())
		}
	}
	// A second File on the same path (the next app start) sees the value.
	if v, err := (&File{Path: path}).Get("k"); err != nil || v != "v" {
		t.Errorf("reopened Get = %q, %v", v, err)
	}
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".secrets-*"))
	if len(matches) != 0 {
		t.Errorf("temp files left behind: %v", matches)
	}
}

// TestOpenFallsBackWithoutSecretService runs with no D-Bus session at all,
// as on a headless Linux box: Open must hand back the file store and a reason.
func TestOpenFallsBackWithoutSecretService(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the Secret Service fallback is Linux-specific")
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+filepath.Join(t.TempDir(), "no-bus"))
	path := filepath.Join(t.TempDir(), "secrets.json")
	s, err := Open("ImageConverter-test", path)
	if err == nil {
		t.Fatal("Open without a Secret Service gave no reason")
	}
	if s.Kind() != KindFile {
		t.Fatalf("Kind = %s, want file", s.Kind())
	}
	exercise(t, s)
}

// TestKeychain uses the real OS keychain. On Linux it needs a Secret Service
// (e.g. gnome-keyring in a D-Bus session; see docs/licensing.md); without one
// it skips, unless IC_REQUIRE_KEYCHAIN=1.
func TestKeychain(t *testing.T) {
	s, err := Open("ImageConverter-test", filepath.Join(t.TempDir(), "secrets.json"))
	if s.Kind() != KindKeychain {
		if os.Getenv("IC_REQUIRE_KEYCHAIN") == "1" {
			t.Fatalf("no OS keychain: %v", err)
		}
		t.Skipf("no OS keychain here (%v); set IC_REQUIRE_KEYCHAIN=1 to make this fail", err)
	}
	exercise(t, s)
}
