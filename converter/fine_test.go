package converter

import (
	"bytes"
	"errors"
	"image"
	"image/draw"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"imageconverter/converter/decode"
	"imageconverter/converter/encode"
)

// realPhotos are real photographs to convert: the corpus's own (280×184) and, when the packaging
// tests have fetched them (tests/dist/photos.sh keeps Debian's wallpaper package in the cache), a
// 13-megapixel camera JPEG, resized to 1600 px by the run as a user's "long edge" choice would.
func realPhotos(t *testing.T) []string { return realPhotosB(t) }

func realPhotosB(t testing.TB) []string {
	dir := t.TempDir()
	copyFile(t, filepath.Join("testdata", "jpeg_photo.jpg"), filepath.Join(dir, "photo.jpg"))
	out := []string{filepath.Join(dir, "photo.jpg")}
	home, _ := os.UserHomeDir()
	big := filepath.Join(home, ".cache", "imageconverter", "photos-lomiri-wallpapers-16.04", "x", "usr", "share", "backgrounds", "Dragonfly_by_Bolly.jpg")
	if _, err := os.Stat(big); err == nil {
		copyFile(t, big, filepath.Join(dir, "dragonfly.jpg"))
		out = append(out, filepath.Join(dir, "dragonfly.jpg"))
	} else {
		t.Logf("only the small corpus photo: %s is not cached (tests/dist/photos.sh fetches it)", big)
	}
	return out
}

// sizeAt encodes the prepared photo at one quality with the encoder alone: the test's own measure.
func sizeAt(t *testing.T, p *Prepared, q int) int {
	t.Helper()
	eo := p.Encoder
	eo.Quality = q
	var buf bytes.Buffer
	if err := encode.Encode(&buf, p.Pixels, eo); err != nil {
		t.Fatal(err)
	}
	return buf.Len()
}

// The target size is honoured on real photos in both formats: the file written is at most the
// target, and either one quality step more would have been above it or the file is within 3 % of
// the target (the search found a good fit, not just any). Measured with the encoder directly, not with the search's own numbers.
func TestTargetSizeOnRealPhotos(t *testing.T) {
	for _, src := range realPhotos(t) {
		for _, format := range []string{"webp", "avif"} {
			t.Run(filepath.Base(src)+"/"+format, func(t *testing.T) {
				o := testOptions()
				o.Format, o.MaxWidth, o.MaxHeight = format, 1600, 1600
				p, err := Prepare(src, o)
				if err != nil {
					t.Fatal(err)
				}
				full := sizeAt(t, p, p.Encoder.Quality)
				target := int64(full) * 55 / 100 // well below the preset's size: a search is needed
				o.TargetSize = target
				o.OutputDir = t.TempDir()
				start := time.Now()
				s := convertAll(t, o, src)
				r := result(t, s, filepath.Base(src))
				if r.Status != StatusConverted || r.Code != CodeNone {
					t.Fatalf("result %+v", r)
				}
				fi, err := os.Stat(r.Dst)
				if err != nil {
					t.Fatal(err)
				}
				if fi.Size() > target || r.BytesOut != fi.Size() {
					t.Fatalf("%s is %d bytes, target %d (preset quality gave %d)", r.Dst, fi.Size(), target, full)
				}
				// Find the quality that wrote this file, then check the next one up misses the target.
				q := -1
				for cand := p.Encoder.Quality; cand >= 0; cand-- {
					if int64(sizeAt(t, p, cand)) == fi.Size() {
						q = cand
						break
					}
				}
				if q < 0 {
					t.Fatalf("no quality at or below %d gives %d bytes", p.Encoder.Quality, fi.Size())
				}
				if r.Quality != q {
					t.Errorf("the result says quality %d, the file was written at %d", r.Quality, q)
				}
				// The search stops at the highest quality that fits, or at a file within 3 % of the target.
				if up := sizeAt(t, p, q+1); int64(up) <= target && float64(fi.Size()) < 0.97*float64(target) {
					t.Errorf("quality %d (%d bytes) was written, but %d gives %d bytes, still within %d", q, fi.Size(), q+1, up, target)
				}
				elapsed := time.Since(start)
				// The search alone, on the same pixels: the bytes of the file, and how many encodes.
				var buf bytes.Buffer
				tr, err := encodeToTarget(&buf, p.Pixels, p.Encoder, target)
				if err != nil || tr.Quality != q || int64(buf.Len()) != fi.Size() {
					t.Errorf("search alone: %+v, %d bytes, %v", tr, buf.Len(), err)
				}
				t.Logf("%s: preset %d bytes, target %d, written %d at quality %d after %d encodes, run %v", format, full, target, fi.Size(), q, tr.Encodes, elapsed.Round(time.Millisecond))
			})
		}
	}
}

// A target no quality reaches writes the smallest file and says so in a sentence.
func TestTargetSizeImpossibleIsReported(t *testing.T) {
	src := realPhotos(t)[0]
	for _, format := range []string{"webp", "avif"} {
		t.Run(format, func(t *testing.T) {
			o := testOptions()
			o.Format, o.TargetSize, o.OutputDir = format, 300, t.TempDir()
			s := convertAll(t, o, src)
			r := result(t, s, filepath.Base(src))
			if r.Status != StatusConverted || r.Code != CodeTargetMissed {
				t.Fatalf("result %+v", r)
			}
			if !strings.Contains(r.Reason, "Even at the lowest quality") || !strings.Contains(r.Reason, "300 bytes") {
				t.Errorf("reason %q", r.Reason)
			}
			p, err := Prepare(src, o)
			if err != nil {
				t.Fatal(err)
			}
			if smallest := sizeAt(t, p, 0); int64(smallest) != r.BytesOut {
				t.Errorf("wrote %d bytes, quality 0 gives %d", r.BytesOut, smallest)
			}
		})
	}
}

// A target the preset's quality already meets costs one encode and changes nothing.
func TestTargetSizeAlreadyMet(t *testing.T) {
	src := realPhotos(t)[0]
	o := testOptions()
	p, err := Prepare(src, o)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	res, err := encodeToTarget(&buf, p.Pixels, p.Encoder, 10<<20)
	if err != nil {
		t.Fatal(err)
	}
	if res.Encodes != 1 || res.Quality != p.Encoder.Quality || res.Missed || buf.Len() != sizeAt(t, p, p.Encoder.Quality) {
		t.Errorf("%+v, %d bytes", res, buf.Len())
	}
}

// Lossless WebP decodes to exactly the pixels the encoder was given, for an opaque real photo and
// for a picture with partial transparency.
func TestLosslessIsPixelIdentical(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, filepath.Join("testdata", "jpeg_photo.jpg"), filepath.Join(dir, "photo.jpg"))
	copyFile(t, filepath.Join("testdata", "png_rgba.png"), filepath.Join(dir, "band.png"))
	o := testOptions()
	o.Lossless, o.SkipIfLarger, o.OutputDir = true, false, t.TempDir()
	for _, name := range []string{"photo.jpg", "band.png"} {
		src := filepath.Join(dir, name)
		s := convertAll(t, o, src)
		r := result(t, s, name)
		if r.Status != StatusConverted {
			t.Fatalf("%s: %+v", name, r)
		}
		want, err := Prepare(src, o)
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(r.Dst)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decode.DecodeBytes(data, decode.Options{})
		if err != nil {
			t.Fatal(err)
		}
		a, b := nrgba(want.Pixels), nrgba(got.Pixels)
		if a.Rect.Size() != b.Rect.Size() {
			t.Fatalf("%s: %v vs %v", name, a.Rect, b.Rect)
		}
		diff := 0
		for y := 0; y < a.Rect.Dy(); y++ {
			if !bytes.Equal(a.Pix[y*a.Stride:y*a.Stride+4*a.Rect.Dx()], b.Pix[y*b.Stride:y*b.Stride+4*b.Rect.Dx()]) {
				diff++
			}
		}
		if diff > 0 {
			t.Errorf("%s: %d of %d rows differ after lossless WebP", name, diff, a.Rect.Dy())
		}
		lossy := o
		lossy.Lossless = false
		if p, _ := Prepare(src, lossy); name == "photo.jpg" && p != nil && int64(sizeAt(t, p, 80)) >= r.BytesOut {
			t.Errorf("%s: lossless %d bytes is not larger than lossy quality 80: was it lossless?", name, r.BytesOut)
		}
	}
}

func nrgba(img image.Image) *image.NRGBA {
	if m, ok := img.(*image.NRGBA); ok {
		return m
	}
	b := img.Bounds()
	out := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Rect, img, b.Min, draw.Src)
	return out
}

// Options that cannot work together are refused with a sentence.
func TestFineOptionsRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  func(*Options)
		want string
	}{
		{"lossless AVIF", func(o *Options) { o.Format, o.Lossless = "avif", true }, "only available for WebP"},
		{"lossless with a target", func(o *Options) { o.Lossless, o.TargetSize = true, 100_000 }, "needs lossy compression"},
		{"bad name pattern", func(o *Options) { o.NamePattern = "{name}/x" }, "names a file, not a folder"},
	} {
		o := testOptions()
		tc.set(&o)
		if _, err := o.normalized(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestCheckNamePattern(t *testing.T) {
	good := []string{"", "{name}", "{name}-small", "{date} {name}", "{name}_{ext}", "small-{name}-{date}", "사진-{name}", "{name}{name}"}
	for _, p := range good {
		if err := CheckNamePattern(p); err != nil {
			t.Errorf("%q refused: %v", p, err)
		}
	}
	bad := map[string]string{
		"small":                            NameNeedsName,
		"{date}":                           NameNeedsName,
		"{name}-{size}":                    NameUnknownToken,
		"{name}-{":                         NameUnknownToken,
		"out/{name}":                       NameSeparator,
		`out\{name}`:                       NameSeparator,
		"{name}:1":                         NameForbidden,
		"{name}?":                          NameForbidden,
		"{name}\t":                         NameEdge,
		" {name}":                          NameEdge,
		"{name}.":                          NameEdge,
		"{name}\x01":                       NameForbidden,
		strings.Repeat("x", 95) + "{name}": NameTooLong,
	}
	for p, code := range bad {
		err := CheckNamePattern(p)
		var ne *NameError
		if !errors.As(err, &ne) || ne.Code != code || ne.Reason == "" {
			t.Errorf("%q: %v, want code %s", p, err, code)
		}
	}
}

func TestOutputName(t *testing.T) {
	mod := time.Date(2024, 5, 17, 23, 30, 0, 0, time.Local)
	for pattern, want := range map[string]string{
		"":                  "IMG_1.webp",
		"{name}":            "IMG_1.webp",
		"{name}-small":      "IMG_1-small.webp",
		"{date}_{name}":     "2024-05-17_IMG_1.webp",
		"{name}-{ext}":      "IMG_1-jpeg.webp",
		"web {name} {date}": "web IMG_1 2024-05-17.webp",
	} {
		if got := OutputName(pattern, "IMG_1.JPEG", mod, "webp"); got != want {
			t.Errorf("%q: %q, want %q", pattern, got, want)
		}
	}
}

// A name pattern names the outputs; a second run finds them up to date, the pattern's outputs are
// not taken for photos to convert, and "rename" numbers the pattern's name.
func TestNamePatternRuns(t *testing.T) {
	dir := t.TempDir()
	writeSmoothJPEG(t, filepath.Join(dir, "a.jpg"), 64, 48)
	writeSmoothJPEG(t, filepath.Join(dir, "a.png"), 64, 48) // same stem, another format
	writeSmoothJPEG(t, filepath.Join(dir, "b.jpg"), 64, 48)
	mod := time.Date(2023, 8, 9, 12, 0, 0, 0, time.Local)
	for _, n := range []string{"a.jpg", "a.png", "b.jpg"} {
		if err := os.Chtimes(filepath.Join(dir, n), mod, mod); err != nil {
			t.Fatal(err)
		}
	}
	o := testOptions()
	o.NamePattern = "{name}-web-{date}"
	s := convertAll(t, o, dir)
	if s.Converted != 3 {
		t.Fatalf("first run: %+v", s.Files)
	}
	want := []string{"a-web-2023-08-09-png.webp", "a-web-2023-08-09.webp", "a.jpg", "a.png", "b-web-2023-08-09.webp", "b.jpg"}
	if got := names(t, dir); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("files %v, want %v", got, want)
	}
	// Again, and to AVIF: nothing new is converted from the outputs themselves.
	s = convertAll(t, o, dir)
	if s.Converted != 0 || s.Skipped != 3 {
		t.Fatalf("second run: %+v", s.Files)
	}
	for _, f := range s.Files {
		if f.Code != CodeAlreadyConverted {
			t.Errorf("second run %s: %s %s", filepath.Base(f.Src), f.Code, f.Reason)
		}
	}
	o.Format = "avif"
	s = convertAll(t, o, dir)
	for _, f := range s.Files {
		if strings.Contains(filepath.Base(f.Src), "-web-") {
			t.Errorf("an output of the pattern was taken for a photo: %+v", f)
		}
	}
	if s.Converted != 3 {
		t.Errorf("avif run: %+v", s.Files)
	}
	// "rename" with a newer original: the pattern's name gets the number.
	o.Format, o.Existing = "webp", ExistingRename
	later := mod.Add(time.Hour)
	if err := os.Chtimes(filepath.Join(dir, "b.jpg"), later, later); err != nil {
		t.Fatal(err)
	}
	s = convertAll(t, o, filepath.Join(dir, "b.jpg"))
	if r := result(t, s, "b.jpg"); r.Status != StatusConverted || filepath.Base(r.Dst) != "b-web-2023-08-09 (1).webp" {
		t.Errorf("rename: %+v", r)
	}
}

// A pattern that makes a name longer than a disk takes fails that photo with a reason.
func TestNamePatternTooLongName(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("n", 200) + ".jpg"
	writeSmoothJPEG(t, filepath.Join(dir, long), 32, 32)
	o := testOptions()
	o.NamePattern = "{name}-" + strings.Repeat("x", 60)
	s := convertAll(t, o, dir)
	if r := result(t, s, long); r.Status != StatusFailed || r.Code != CodeNameTooLong || !strings.Contains(r.Reason, "too long") {
		t.Errorf("%+v", r)
	}
}
