package version

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestLdflagsStampsVersion builds a tiny program with the same -X flag the Makefile passes and checks
// the value arrives: a renamed package or variable would otherwise leave every build at 0.0.0-dev.
func TestLdflagsStampsVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	dir := t.TempDir()
	main := filepath.Join(dir, "main.go")
	src := "package main\n\nimport (\n\t\"fmt\"\n\n\t\"imageconverter/version\"\n)\n\nfunc main() { fmt.Print(version.Version) }\n"
	if err := os.WriteFile(main, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "v")
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	build := exec.Command("go", "build", "-o", exe, "-ldflags", "-X imageconverter/version.Version=9.8.7+3.gdeadbee", main)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(exe).Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(out)); got != "9.8.7+3.gdeadbee" {
		t.Fatalf("stamped version = %q, want 9.8.7+3.gdeadbee", got)
	}
}
