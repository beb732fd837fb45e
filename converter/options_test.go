package converter

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"imageconverter/converter/meta"
)

func TestFormatsAndOrientation(t *testing.T) {
	tests := []struct {
		name         string
		src          string
		format       string
		wantW, wantH int // displayed size: orientation applied
	}{
		{"jpeg to webp", "jpeg_photo.jpg", "webp", 280, 184},
		{"jpeg to avif", "jpeg_photo.jpg", "avif", 280, 184},
		{"exif orientation 6 is applied", "jpeg_orient6.jpg", "webp", 60, 40},
		{"exif orientation 8 on png", "png_exif_orient8.png", "webp", 60, 40},
		{"gps photo stored rotated", "jpeg_gps_exif.jpg", "avif", 280, 184},
		{"tiff orientation 6", "tiff_orient6.tif", "webp", 60, 40},
		{"cmyk jpeg", "jpeg_cmyk_icc.jpg", "webp", 60, 40},
		{"16-bit png", "png_16bit.png", "avif", 60, 40},
		{"bmp", "bmp_24bit.bmp", "webp", 60, 40},
		{"heic", "heic_still.heic", "webp", 60, 40},
		{"webp to avif", "webp_lossy.webp", "avif", 60, 40},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := corpus(t, tc.src)
			o := testOptions()
			o.Format = tc.format
			o.SkipIfLarger = false // tiny corpus files: we check the pixels path, not the savings
			s := convertAll(t, o, filepath.Join(dir, tc.src))
			r := result(t, s, tc.src)
			if r.Status != StatusConverted {
				t.Fatalf("status %s (%s)", r.Status, r.Reason)
			}
			if want := filepath.Join(dir, stem(tc.src)+"."+tc.format); r.Dst != want {
				t.Fatalf("dst %s, want %s", r.Dst, want)
			}
			cfg := probeOut(t, r.Dst)
			if cfg.Format != tc.format || cfg.Width != tc.wantW || cfg.Height != tc.wantH {
				t.Fatalf("output %s %dx%d, want %s %dx%d", cfg.Format, cfg.Width, cfg.Height, tc.format, tc.wantW, tc.wantH)
			}
			if r.Width != tc.wantW || r.Height != tc.wantH {
				t.Fatalf("result reports %dx%d", r.Width, r.Height)
			}
		})
	}
}

func TestQualityLosslessEffort(t *testing.T) {
	type out struct {
		size     int64
		lossless bool
	}
	run := func(t *testing.T, mut func(*Options)) out {
		dir := corpus(t, "jpeg_photo.jpg")
		o := testOptions()
		o.SkipIfLarger = false
		mut(&o)
		s := convertAll(t, o, filepath.Join(dir, "jpeg_photo.jpg"))
		r := result(t, s, "jpeg_photo.jpg")
		if r.Status != StatusConverted {
			t.Fatalf("%s: %s", r.Status, r.Reason)
		}
		_, vp8l := riffChunks(t, r.Dst)["VP8L"]
		return out{r.BytesOut, vp8l}
	}
	low := run(t, func(o *Options) { o.Quality = 10 })
	high := run(t, func(o *Options) { o.Quality = 95 })
	def := run(t, func(o *Options) {})
	lossless := run(t, func(o *Options) { o.Lossless = true })
	fast := run(t, func(o *Options) { o.Quality = 80; o.Effort = 0 })
	smallest := run(t, func(o *Options) { o.Preset = "smallest" })
	tests := []struct {
		name string
		ok   bool
	}{
		{"quality 10 smaller than 95", low.size < high.size},
		{"default (80) between 10 and 95", low.size < def.size && def.size < high.size},
		{"lossless writes VP8L", lossless.lossless && !def.lossless},
		{"lossless larger than lossy", lossless.size > def.size},
		{"effort 0 differs from effort 4", fast.size != def.size},
		{"preset smallest smaller than balanced", smallest.size < def.size},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.ok {
				t.Fatalf("sizes: low %d high %d def %d lossless %d fast %d smallest %d", low.size, high.size, def.size, lossless.size, fast.size, smallest.size)
			}
		})
	}
}

func TestMetadata(t *testing.T) {
	tests := []struct {
		name string
		keep bool
	}{
		{"stripped by default", false},
		{"kept on request", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := corpus(t, "jpeg_gps_exif.jpg")
			o := testOptions()
			o.KeepMetadata = tc.keep
			s := convertAll(t, o, filepath.Join(dir, "jpeg_gps_exif.jpg"))
			r := result(t, s, "jpeg_gps_exif.jpg")
			if r.Status != StatusConverted {
				t.Fatalf("%s: %s", r.Status, r.Reason)
			}
			chunks := riffChunks(t, r.Dst)
			exif, hasExif := chunks["EXIF"]
			_, hasXMP := chunks["XMP "]
			raw, _ := os.ReadFile(r.Dst)
			hasGPS := hasGPSTag(exif) || bytes.Contains(raw, []byte("GPS"))
			if !tc.keep {
				if hasExif || hasXMP || hasGPS {
					t.Fatalf("metadata left in output: exif %v xmp %v gps %v", hasExif, hasXMP, hasGPS)
				}
				return
			}
			if !hasExif || !hasXMP || !hasGPSTag(exif) {
				t.Fatalf("metadata missing: exif %v xmp %v gps %v", hasExif, hasXMP, hasGPSTag(exif))
			}
			if got := meta.Orientation(exif); got != 1 {
				t.Fatalf("orientation %d in kept EXIF, want 1 (pixels are already rotated)", got)
			}
		})
	}
}

// hasGPSTag looks for the GPS IFD pointer tag (0x8825) in a TIFF-structured EXIF block.
func hasGPSTag(exif []byte) bool {
	if len(exif) < 8 {
		return false
	}
	if string(exif[:2]) == "II" {
		return bytes.Contains(exif, []byte{0x25, 0x88, 0x04, 0x00})
	}
	return bytes.Contains(exif, []byte{0x88, 0x25, 0x00, 0x04})
}

func TestResize(t *testing.T) {
	tests := []struct {
		name         string
		src          string
		maxW, maxH   int
		wantW, wantH int
	}{
		{"width bound", "jpeg_photo.jpg", 140, 0, 140, 92},
		{"height bound", "jpeg_photo.jpg", 0, 46, 70, 46},
		{"both, height tighter", "jpeg_photo.jpg", 200, 50, 76, 50},
		{"never enlarge", "jpeg_photo.jpg", 1000, 1000, 280, 184},
		{"after orientation", "jpeg_gps_exif.jpg", 140, 0, 140, 92},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := corpus(t, tc.src)
			o := testOptions()
			o.MaxWidth, o.MaxHeight = tc.maxW, tc.maxH
			s := convertAll(t, o, filepath.Join(dir, tc.src))
			r := result(t, s, tc.src)
			if r.Status != StatusConverted {
				t.Fatalf("%s: %s", r.Status, r.Reason)
			}
			cfg := probeOut(t, r.Dst)
			if cfg.Width != tc.wantW || cfg.Height != tc.wantH {
				t.Fatalf("output %dx%d, want %dx%d", cfg.Width, cfg.Height, tc.wantW, tc.wantH)
			}
		})
	}
}

func TestOutputDirMirrorsFolders(t *testing.T) {
	src := t.TempDir()
	root := filepath.Join(src, "Photos")
	copyFile(t, "testdata/jpeg_photo.jpg", filepath.Join(root, "a.jpg"))
	copyFile(t, "testdata/jpeg_photo.jpg", filepath.Join(root, "2024", "trip", "b.jpg"))
	copyFile(t, "testdata/jpeg_gps_exif.jpg", filepath.Join(src, "single.jpg"))
	out := filepath.Join(t.TempDir(), "out")
	o := testOptions()
	o.OutputDir = out
	s := convertAll(t, o, root, filepath.Join(src, "single.jpg"))
	if s.Converted != 3 || s.Failed != 0 {
		t.Fatalf("summary %+v", s)
	}
	want := []string{"Photos/2024/trip/b.webp", "Photos/a.webp", "single.webp"}
	got := files(t, out)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("output tree %v, want %v", got, want)
	}
	if n := len(files(t, src)); n != 3 {
		t.Fatalf("source folder changed: %v", files(t, src))
	}
}

func TestOutputDirInsideSourceIsNotWalked(t *testing.T) {
	root := t.TempDir()
	copyFile(t, "testdata/jpeg_photo.jpg", filepath.Join(root, "a.jpg"))
	o := testOptions()
	o.OutputDir = filepath.Join(root, "converted")
	convertAll(t, o, root)
	p, err := Plan(context.Background(), []string{root}, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range p.Tasks {
		if strings.Contains(tk.Src, "converted") {
			t.Fatalf("walked into the output folder: %s", tk.Src)
		}
	}
}

func TestExistingPolicies(t *testing.T) {
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		policy     Existing
		outputNewr bool // the existing output is newer than the source: already converted
		wantStatus Status
		wantCode   Code
		wantDst    string
		wantOld    bool // the pre-existing file must be untouched
	}{
		{"skip keeps existing", ExistingSkip, false, StatusSkipped, CodeExists, "a.webp", true},
		{"overwrite replaces", ExistingOverwrite, false, StatusConverted, CodeNone, "a.webp", false},
		{"rename writes (1)", ExistingRename, false, StatusConverted, CodeNone, "a (1).webp", true},
		{"already converted skip", ExistingSkip, true, StatusSkipped, CodeAlreadyConverted, "a.webp", true},
		{"already converted overwrite", ExistingOverwrite, true, StatusSkipped, CodeAlreadyConverted, "a.webp", true},
		{"already converted rename", ExistingRename, true, StatusSkipped, CodeAlreadyConverted, "a.webp", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			src := filepath.Join(dir, "a.jpg")
			copyFile(t, "testdata/jpeg_photo.jpg", src)
			dst := filepath.Join(dir, "a.webp")
			stale := []byte("not really a webp, written by someone else")
			if err := os.WriteFile(dst, stale, 0o644); err != nil {
				t.Fatal(err)
			}
			srcTime, dstTime := old.Add(time.Hour), old // output older than source
			if tc.outputNewr {
				srcTime, dstTime = old, old.Add(time.Hour)
			}
			must(t, os.Chtimes(src, srcTime, srcTime))
			must(t, os.Chtimes(dst, dstTime, dstTime))

			o := testOptions()
			o.Existing = tc.policy
			s := convertAll(t, o, src)
			r := result(t, s, "a.jpg")
			if r.Status != tc.wantStatus || r.Code != tc.wantCode {
				t.Fatalf("got %s/%s (%s), want %s/%s", r.Status, r.Code, r.Reason, tc.wantStatus, tc.wantCode)
			}
			if r.Status == StatusSkipped && r.Reason == "" {
				t.Fatal("skip without reason")
			}
			if filepath.Base(r.Dst) != tc.wantDst {
				t.Fatalf("dst %s, want %s", r.Dst, tc.wantDst)
			}
			cur, _ := os.ReadFile(dst)
			if bytes.Equal(cur, stale) != tc.wantOld {
				t.Fatalf("existing file untouched = %v, want %v", bytes.Equal(cur, stale), tc.wantOld)
			}
			if r.Status == StatusConverted {
				if cfg := probeOut(t, r.Dst); cfg.Format != "webp" {
					t.Fatalf("output is %s", cfg.Format)
				}
			}
		})
	}
}

func TestReconvertIgnoresUpToDate(t *testing.T) {
	dir := corpus(t, "jpeg_photo.jpg")
	o := testOptions()
	first := convertAll(t, o, dir)
	if first.Converted != 1 {
		t.Fatalf("first run %+v", first)
	}
	second := convertAll(t, o, dir)
	if r := result(t, second, "jpeg_photo.jpg"); r.Code != CodeAlreadyConverted {
		t.Fatalf("second run: %s %s", r.Code, r.Reason)
	}
	o.Reconvert, o.Existing, o.Quality = true, ExistingOverwrite, 30
	third := convertAll(t, o, dir)
	if r := result(t, third, "jpeg_photo.jpg"); r.Status != StatusConverted || r.BytesOut >= first.BytesOut {
		t.Fatalf("reconvert at quality 30: %+v (first %d bytes)", r, first.BytesOut)
	}
}

func TestSkipIfLarger(t *testing.T) {
	tests := []struct {
		name       string
		skip       bool
		wantStatus Status
		wantFile   bool
	}{
		{"on: original kept, nothing written", true, StatusSkipped, false},
		{"off: larger output written", false, StatusConverted, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := corpus(t, "jpeg_photo.jpg")
			o := testOptions()
			o.Lossless = true // lossless WebP of a photo JPEG is always larger than the JPEG
			o.SkipIfLarger = tc.skip
			s := convertAll(t, o, filepath.Join(dir, "jpeg_photo.jpg"))
			r := result(t, s, "jpeg_photo.jpg")
			if r.Status != tc.wantStatus {
				t.Fatalf("status %s (%s)", r.Status, r.Reason)
			}
			_, err := os.Stat(filepath.Join(dir, "jpeg_photo.webp"))
			if (err == nil) != tc.wantFile {
				t.Fatalf("output exists = %v, want %v", err == nil, tc.wantFile)
			}
			if tc.skip && (r.Code != CodeLarger || !strings.Contains(r.Reason, "original was kept")) {
				t.Fatalf("reason %q code %s", r.Reason, r.Code)
			}
			assertNoTemp(t, dir)
		})
	}
}

func TestKeepModTime(t *testing.T) {
	when := time.Date(2019, 5, 17, 10, 30, 0, 0, time.UTC)
	tests := []struct {
		name string
		keep bool
	}{{"kept by default", true}, {"fresh when off", false}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := corpus(t, "jpeg_photo.jpg")
			src := filepath.Join(dir, "jpeg_photo.jpg")
			must(t, os.Chtimes(src, when, when))
			o := testOptions()
			o.KeepModTime = tc.keep
			r := result(t, convertAll(t, o, src), "jpeg_photo.jpg")
			st, err := os.Stat(r.Dst)
			if err != nil {
				t.Fatal(err)
			}
			if got := st.ModTime().Equal(when); got != tc.keep {
				t.Fatalf("output mtime %v (source %v), keep %v", st.ModTime(), when, tc.keep)
			}
		})
	}
}

func TestInvalidOptions(t *testing.T) {
	tests := []struct {
		name string
		mut  func(*Options)
	}{
		{"format", func(o *Options) { o.Format = "png" }},
		{"quality", func(o *Options) { o.Quality = 101 }},
		{"webp effort", func(o *Options) { o.Effort = 7 }},
		{"existing", func(o *Options) { o.Existing = "merge" }},
		{"preset", func(o *Options) { o.Preset = "tiny" }},
		{"lossless avif", func(o *Options) { o.Format, o.Lossless = "avif", true }},
		{"negative size", func(o *Options) { o.MaxWidth = -1 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := DefaultOptions()
			tc.mut(&o)
			if _, err := Plan(context.Background(), []string{"x.jpg"}, o); err == nil {
				t.Fatal("invalid options accepted")
			}
		})
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestRenameIsIdempotent(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "a.jpg")
	copyFile(t, "testdata/jpeg_photo.jpg", src)
	old := time.Now().Add(-time.Hour)
	must(t, os.WriteFile(filepath.Join(dir, "a.webp"), []byte("someone else's"), 0o644))
	must(t, os.Chtimes(filepath.Join(dir, "a.webp"), old, old))
	o := testOptions()
	o.Existing = ExistingRename
	first := result(t, convertAll(t, o, src), "a.jpg")
	if first.Status != StatusConverted || filepath.Base(first.Dst) != "a (1).webp" {
		t.Fatalf("first run %+v", first)
	}
	second := result(t, convertAll(t, o, src), "a.jpg")
	if second.Code != CodeAlreadyConverted || filepath.Base(second.Dst) != "a (1).webp" {
		t.Fatalf("second run wrote again: %+v", second)
	}
	if n := len(files(t, dir)); n != 3 {
		t.Fatalf("files %v", files(t, dir))
	}
}
