package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// bin is the command built once for all tests: they run it as a user would.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "convert-cmd-")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "convert")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		os.Stderr.Write(out)
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type runOut struct {
	stdout, stderr string
	code           int
}

func runCmd(t *testing.T, args ...string) runOut {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return runOut{so.String(), se.String(), code}
}

func copyCorpus(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join("..", "..", "converter", "testdata", n))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestJSON(t *testing.T) {
	tests := []struct {
		name     string
		files    []string
		args     []string
		wantCode int
		want     map[string]int // converted/skipped/failed
		wantExt  string
	}{
		{"all good to webp", []string{"jpeg_photo.jpg", "jpeg_gps_exif.jpg"}, nil, 0, map[string]int{"converted": 2}, ".webp"},
		{"avif with a failure exits 2", []string{"jpeg_photo.jpg", "bad_truncated.jpg"}, []string{"-to", "avif"}, 2,
			map[string]int{"converted": 1, "failed": 1}, ".avif"},
		{"animated is skipped", []string{"gif_animated.gif"}, nil, 0, map[string]int{"skipped": 1}, ""},
		{"flags after the path", []string{"jpeg_photo.jpg"}, []string{"-max-width", "100"}, 0, map[string]int{"converted": 1}, ".webp"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			copyCorpus(t, dir, tc.files...)
			args := append([]string{"-json"}, tc.args...)
			if strings.HasPrefix(tc.name, "flags after") {
				args = append([]string{"-json", dir}, tc.args...)
			} else {
				args = append(args, dir)
			}
			r := runCmd(t, args...)
			if r.code != tc.wantCode {
				t.Fatalf("exit %d, want %d; stderr %s", r.code, tc.wantCode, r.stderr)
			}
			// Exactly one JSON object with exactly the documented keys.
			dec := json.NewDecoder(strings.NewReader(r.stdout))
			var raw map[string]json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				t.Fatalf("stdout is not JSON: %v\n%s", err, r.stdout)
			}
			if dec.More() {
				t.Fatalf("more than one JSON value on stdout: %s", r.stdout)
			}
			var keys []string
			for k := range raw {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			if got := strings.Join(keys, ","); got != "backend,bytesIn,bytesOut,converted,failed,files,skipped" {
				t.Fatalf("keys %s", got)
			}
			var s struct {
				Converted, Skipped, Failed int
				BytesIn, BytesOut          int64
				Backend                    string
				Files                      []map[string]string
			}
			if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
				t.Fatal(err)
			}
			if s.Converted != tc.want["converted"] || s.Skipped != tc.want["skipped"] || s.Failed != tc.want["failed"] {
				t.Fatalf("counts %d/%d/%d, want %v", s.Converted, s.Skipped, s.Failed, tc.want)
			}
			if s.Backend != "native" && s.Backend != "wasm" {
				t.Fatalf("backend %q", s.Backend)
			}
			if len(s.Files) != len(tc.files) {
				t.Fatalf("files %v", s.Files)
			}
			for _, f := range s.Files {
				for _, k := range []string{"src", "dst", "status", "reason"} {
					if _, ok := f[k]; !ok {
						t.Fatalf("file entry without %q: %v", k, f)
					}
				}
				switch f["status"] {
				case "converted":
					if filepath.Ext(f["dst"]) != tc.wantExt {
						t.Fatalf("dst %s", f["dst"])
					}
					if _, err := os.Stat(f["dst"]); err != nil {
						t.Fatal(err)
					}
				case "skipped", "failed":
					if f["reason"] == "" {
						t.Fatalf("no reason: %v", f)
					}
				default:
					t.Fatalf("status %q", f["status"])
				}
			}
			if s.Converted > 0 && (s.BytesIn <= 0 || s.BytesOut <= 0 || s.BytesOut >= s.BytesIn) {
				t.Fatalf("bytes in %d out %d", s.BytesIn, s.BytesOut)
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"no path", nil},
		{"unknown flag", []string{"-colour", "x.jpg"}},
		{"bad format", []string{"-to", "png", "x.jpg"}},
		{"bad quality", []string{"-quality", "150", "x.jpg"}},
		{"bad existing", []string{"-existing", "merge", "x.jpg"}},
		{"quality not a number", []string{"-quality", "high", "x.jpg"}},
		{"name pattern with a folder", []string{"-name", "out/{name}", "x.jpg"}},
		{"lossless with a target", []string{"-lossless", "-target-kb", "50", "x.jpg"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := runCmd(t, tc.args...)
			if r.code != 1 {
				t.Fatalf("exit %d, want 1; stderr %s", r.code, r.stderr)
			}
			if r.stderr == "" || r.stdout != "" {
				t.Fatalf("stdout %q stderr %q", r.stdout, r.stderr)
			}
		})
	}
}

func TestHumanOutputAndNothingToDo(t *testing.T) {
	dir := t.TempDir()
	copyCorpus(t, dir, "jpeg_photo.jpg", "bad_empty.jpg")
	r := runCmd(t, "-existing", "rename", "-keep-metadata", "-quality", "70", "-effort", "3", "-workers", "1", dir)
	if r.code != 2 {
		t.Fatalf("exit %d; %s %s", r.code, r.stdout, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 3 {
		t.Fatalf("want one line per file and a summary:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "converted  "+filepath.Join(dir, "jpeg_photo.jpg")) ||
		!strings.Contains(r.stdout, "failed     "+filepath.Join(dir, "bad_empty.jpg")+": ") ||
		!strings.HasPrefix(lines[2], "1 converted, 0 skipped, 1 failed") {
		t.Fatalf("output:\n%s", r.stdout)
	}

	// Second run: everything already done; says so and exits 0 once the bad file is gone.
	os.Remove(filepath.Join(dir, "bad_empty.jpg"))
	r = runCmd(t, dir)
	if r.code != 0 || !strings.Contains(r.stdout, "Already converted") || !strings.Contains(r.stderr, "Nothing to convert") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	empty := t.TempDir()
	r = runCmd(t, empty)
	if r.code != 0 || !strings.Contains(r.stderr, "No images found") {
		t.Fatalf("empty folder: exit %d %q", r.code, r.stderr)
	}
}

func TestOutDir(t *testing.T) {
	src := t.TempDir()
	copyCorpus(t, src, "jpeg_photo.jpg")
	out := filepath.Join(t.TempDir(), "converted")
	r := runCmd(t, "-out", out, "-max-height", "92", src)
	if r.code != 0 {
		t.Fatalf("exit %d %s", r.code, r.stderr)
	}
	want := filepath.Join(out, filepath.Base(src), "jpeg_photo.webp")
	if _, err := os.Stat(want); err != nil {
		t.Fatalf("mirrored output missing: %v\n%s", err, r.stdout)
	}
}

// -target-kb and -name: the file is named by the pattern and fits, and the next run finds it.
func TestTargetAndName(t *testing.T) {
	dir := t.TempDir()
	copyCorpus(t, dir, "jpeg_photo.jpg")
	r := runCmd(t, "-target-kb", "3", "-name", "{name}-3k", dir)
	out := filepath.Join(dir, "jpeg_photo-3k.webp")
	fi, err := os.Stat(out)
	if r.code != 0 || err != nil || fi.Size() > 3000 {
		t.Fatalf("exit %d, %v, %v\n%s%s", r.code, err, fi, r.stdout, r.stderr)
	}
	r = runCmd(t, "-target-kb", "0", "-existing", "overwrite", "-name", "{name}-3k", dir)
	if r.code != 0 || !strings.Contains(r.stdout, "Already converted") {
		t.Fatalf("second run: exit %d\n%s", r.code, r.stdout)
	}
	os.Remove(out)
	r = runCmd(t, "-to", "avif", "-target-kb", "0", dir) // 0 is off: plain conversion
	if r.code != 0 {
		t.Fatalf("exit %d %s", r.code, r.stderr)
	}
}

// TestKilledMidWriteLeavesNothing starts the command on a large image, kills it with SIGKILL while it
// encodes, and checks the folder holds exactly the original: no partial output, no temporary file.
func TestKilledMidWriteLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "big.jpg")
	writeNoise(t, src, 1600, 1200)
	before, _ := os.ReadFile(src)

	cmd := exec.Command(bin, "-to", "avif", "-effort", "2", "-workers", "1", dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// Wait until the output is open for writing: an anonymous O_TMPFILE in dir shows in /proc as
	// "dir/#<inode> (deleted)"; a named temporary file as dir/.ic-tmp-*. Then kill it right there.
	deadline := time.Now().Add(20 * time.Second)
	for !writing(cmd.Process.Pid, dir) {
		select {
		case err := <-exited:
			t.Fatalf("finished before it could be killed (%v): make the image bigger", err)
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("never saw the output being written")
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-exited

	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 1 || names[0] != "big.jpg" {
		t.Fatalf("folder after SIGKILL: %v", names)
	}
	after, _ := os.ReadFile(src)
	if !bytes.Equal(before, after) {
		t.Fatal("original changed")
	}
}

// writing reports whether process pid has a file open in dir other than the source.
func writing(pid int, dir string) bool {
	fds, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	for _, fd := range fds {
		target, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name()))
		if err == nil && strings.HasPrefix(target, dir+"/") && !strings.HasSuffix(target, "big.jpg") {
			return true
		}
	}
	return false
}

func writeNoise(t *testing.T, path string, w, h int) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rand.New(rand.NewSource(1)).Read(img.Pix)
	for i := 3; i < len(img.Pix); i += 4 {
		img.Pix[i] = 0xff
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestInterrupt sends SIGINT during a batch: the command stops, still prints its JSON (the files not
// done are skipped as cancelled), exits 2 and leaves no partial or temporary file.
func TestInterrupt(t *testing.T) {
	dir := t.TempDir()
	for i := range 6 {
		writeNoise(t, filepath.Join(dir, fmt.Sprintf("n%d.jpg", i)), 1600, 1200)
	}
	cmd := exec.Command(bin, "-json", "-to", "avif", "-effort", "4", "-workers", "1", dir)
	var so bytes.Buffer
	cmd.Stdout = &so
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for !writing(cmd.Process.Pid, dir) && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 {
		t.Fatalf("exit: %v", err)
	}
	var s struct {
		Converted, Skipped int
		Files              []map[string]string
	}
	if err := json.Unmarshal(so.Bytes(), &s); err != nil {
		t.Fatalf("%v: %s", err, so.String())
	}
	if s.Skipped < 5 || !strings.Contains(s.Files[len(s.Files)-1]["reason"], "Cancelled") {
		t.Fatalf("%+v", s)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 6+s.Converted {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("folder after interrupt: %v", names)
	}
}

// TestInterruptWhilePlanning: Ctrl-C before any file is converted still prints the documented summary
// (or JSON object) and a sentence, and exits 2; it used to print only "convert: context canceled".
func TestInterruptWhilePlanning(t *testing.T) {
	dir := t.TempDir()
	copyCorpus(t, dir, "jpeg_photo.jpg")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, asJSON := range []bool{false, true} {
		args := []string{dir}
		if asJSON {
			args = append([]string{"-json"}, args...)
		}
		var so, se bytes.Buffer
		code := run(ctx, args, &so, &se)
		if code != 2 || !strings.Contains(se.String(), "Interrupted while looking for images") {
			t.Fatalf("json=%v: exit %d, stderr %q", asJSON, code, se.String())
		}
		if asJSON {
			var s jsonSummary
			if err := json.Unmarshal(so.Bytes(), &s); err != nil || s.Files == nil || s.Converted != 0 {
				t.Fatalf("stdout %q: %v", so.String(), err)
			}
		} else if !strings.HasPrefix(so.String(), "0 converted, 0 skipped, 0 failed") {
			t.Fatalf("stdout %q", so.String())
		}
	}
}
