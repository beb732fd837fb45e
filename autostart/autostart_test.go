package autostart

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestLinuxLoginItem(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("XDG autostart is Linux's")
	}
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	if Enabled() {
		t.Fatal("enabled before Set")
	}
	exe := "/opt/Image Converter/imageconverter"
	if err := Set(true, exe, "--background"); err != nil {
		t.Fatal(err)
	}
	dir, _ := os.UserConfigDir()
	b, err := os.ReadFile(filepath.Join(dir, "autostart", "imageconverter.desktop"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `Exec="/opt/Image Converter/imageconverter" --background`) || !Enabled() {
		t.Errorf("entry:\n%s", b)
	}
	if err := Set(false, exe); err != nil || Enabled() {
		t.Errorf("after disabling: enabled %v, %v", Enabled(), err)
	}
	if err := Set(false, exe); err != nil {
		t.Errorf("disabling twice: %v", err)
	}
}

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		"/usr/bin/imageconverter": "/usr/bin/imageconverter",
		"/a b/c":                  `"/a b/c"`,
		`/x/$HOME"q`:              `"/x/\$HOME\"q"`,
	} {
		if got := quote(in); got != want {
			t.Errorf("quote(%q) = %s, want %s", in, got, want)
		}
	}
}
