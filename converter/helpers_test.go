package converter

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"image"
	"image/color"
	"image/jpeg"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"imageconverter/converter/decode"
)

// corpus copies the named files of testdata/ into a fresh temporary folder and returns it.
func corpus(t testing.TB, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range names {
		copyFile(t, filepath.Join("testdata", n), filepath.Join(dir, n))
	}
	return dir
}

func copyFile(t testing.TB, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// testOptions are the defaults with two workers (the machine's size, and enough to exercise concurrency).
func testOptions() Options {
	o := DefaultOptions()
	o.Workers = 2
	return o
}

func convertAll(t testing.TB, opts Options, paths ...string) Summary {
	t.Helper()
	s, _, err := Convert(context.Background(), paths, opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// result finds the result whose source has base name base.
func result(t testing.TB, s Summary, base string) FileResult {
	t.Helper()
	for _, f := range s.Files {
		if filepath.Base(f.Src) == base {
			return f
		}
	}
	t.Fatalf("no result for %s in %+v", base, s.Files)
	return FileResult{}
}

// probeOut reads the header of an output file as the decoder sees it.
func probeOut(t testing.TB, path string) decode.Config {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := decode.Probe(f)
	if err != nil {
		t.Fatalf("probe %s: %v", path, err)
	}
	return cfg
}

// riffChunks lists the chunk ids of a WebP file and returns their payloads.
func riffChunks(t testing.TB, path string) map[string][]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WEBP" {
		t.Fatalf("%s is not a WebP file", path)
	}
	chunks := map[string][]byte{}
	for p := 12; p+8 <= len(b); {
		id := string(b[p : p+4])
		n := int(binary.LittleEndian.Uint32(b[p+4:]))
		end := min(len(b), p+8+n)
		chunks[id] = b[p+8 : end]
		p = end + n%2
	}
	return chunks
}

// hashTree returns sha256 of every regular file below dir, by relative path.
func hashTree(t testing.TB, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		rel, _ := filepath.Rel(dir, p)
		m[rel] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// files lists the relative paths of all files below dir.
func files(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	return out
}

// assertNoTemp fails if a temporary or partial output is left below dir.
func assertNoTemp(t testing.TB, dir string) {
	t.Helper()
	for _, f := range files(t, dir) {
		if strings.HasPrefix(filepath.Base(f), tempPrefix) {
			t.Errorf("temporary file left behind: %s", f)
		}
	}
}

// writeNoiseJPEG writes a w×h JPEG of random pixels (incompressible, so encoders work hard).
func writeNoiseJPEG(t testing.TB, path string, w, h int, seed int64) {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewSource(seed))
	rng.Read(img.Pix)
	for i := 3; i < len(img.Pix); i += 4 {
		img.Pix[i] = 0xff
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// writeSmoothJPEG writes a w×h gradient JPEG (compresses well: converting it always saves bytes).
func writeSmoothJPEG(t testing.TB, path string, w, h int) {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetNRGBA(x, y, color.NRGBA{uint8(x * 255 / w), uint8(y * 255 / h), 128, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// failingFS is the disk, except that one stage of writing an output ("mkdir", "create" or "commit")
// fails with err — as a full disk (ENOSPC), a read-only one (EROFS) or a closed folder (EACCES) does —
// for the destinations match accepts (all when nil).
type failingFS struct {
	diskFS
	stage string
	err   error
	match func(path string) bool
}

func (f failingFS) fails(stage, path string) error {
	if f.stage != stage || f.match != nil && !f.match(path) {
		return nil
	}
	return &os.PathError{Op: stage, Path: path, Err: f.err}
}

func (f failingFS) MkdirAll(dir string) error {
	if err := f.fails("mkdir", dir); err != nil {
		return err
	}
	return f.diskFS.MkdirAll(dir)
}

func (f failingFS) CreateTemp(dir, ext string) (*tempFile, error) {
	if err := f.fails("create", dir); err != nil {
		return nil, err
	}
	return f.diskFS.CreateTemp(dir, ext)
}

func (f failingFS) Commit(t *tempFile, dst string, mtime time.Time, policy Existing) (string, error) {
	if err := f.fails("commit", dst); err != nil {
		t.abort()
		return "", err
	}
	return f.diskFS.Commit(t, dst, mtime, policy)
}
