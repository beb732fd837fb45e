package decode

import (
	"bytes"
	"image"
	"image/draw"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
)

// benchPhoto is a real photograph: $IC_BENCH_PHOTO, else the first Debian wallpaper JPEG installed
// (e.g. mate-backgrounds), else the small corpus photo.
func benchPhoto(b testing.TB) ([]byte, string) {
	b.Helper()
	paths := []string{os.Getenv("IC_BENCH_PHOTO")}
	for _, g := range []string{"/usr/share/backgrounds/*/*/*.jpg", "/usr/share/backgrounds/*/*.jpg", "/usr/share/backgrounds/*.jpg"} {
		m, _ := filepath.Glob(g)
		paths = append(paths, m...)
	}
	paths = append(paths, filepath.Join(corpus, "jpeg_photo.jpg"))
	for _, p := range paths {
		if p == "" {
			continue
		}
		if data, err := os.ReadFile(p); err == nil {
			return data, p
		}
	}
	b.Fatal("no photo found")
	return nil, ""
}

// BenchmarkJPEGTurbo is the app's path: probe, libjpeg-turbo straight into RGBA, orientation.
func BenchmarkJPEGTurbo(b *testing.B) {
	data, name := benchPhoto(b)
	b.Log("photo:", name)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Decode(bytes.NewReader(data), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJPEGStdlib is the path it replaced: image/jpeg (YCbCr) then a YCbCr→RGBA pass with draw.
func BenchmarkJPEGStdlib(b *testing.B) {
	data, _ := benchPhoto(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		im, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		dst := image.NewRGBA(im.Bounds())
		draw.Draw(dst, dst.Bounds(), im, im.Bounds().Min, draw.Src)
	}
}

func BenchmarkProbe(b *testing.B) {
	data, _ := benchPhoto(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Probe(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func photoBuf(b *testing.B) *buf {
	data, _ := benchPhoto(b)
	img, err := Decode(bytes.NewReader(data), Options{})
	if err != nil {
		b.Fatal(err)
	}
	rgba := img.Pixels.(*image.RGBA)
	return &buf{pix: rgba.Pix, w: rgba.Rect.Dx(), h: rgba.Rect.Dy()}
}

// BenchmarkOrient6 is the 90° rotation a portrait phone photo needs.
func BenchmarkOrient6(b *testing.B) {
	src := photoBuf(b)
	b.SetBytes(int64(len(src.pix)))
	b.ReportAllocs()
	for b.Loop() {
		orient(src, 6)
	}
}

// BenchmarkICCToSRGB converts a photo-sized buffer from Adobe RGB to sRGB with lcms2.
func BenchmarkICCToSRGB(b *testing.B) {
	src := photoBuf(b)
	icc := jpegMeta(mustRead(b, "jpeg_adobergb.jpg")).ICC
	b.SetBytes(int64(len(src.pix)))
	b.ReportAllocs()
	for b.Loop() {
		if err := toSRGB(src, icc, profileRGB); err != nil {
			b.Fatal(err)
		}
	}
}

func mustRead(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(corpus, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestJPEGMatchesStdlib checks the libjpeg-turbo path against Go's own decoder on a real photo: both
// implement the same IDCT and upsampling closely, so pixels differ by rounding only.
func TestJPEGMatchesStdlib(t *testing.T) {
	data := mustRead(t, "jpeg_photo.jpg")
	img, err := Decode(bytes.NewReader(data), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ref, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	want := image.NewRGBA(ref.Bounds())
	draw.Draw(want, want.Bounds(), ref, image.Point{}, draw.Src)
	got := img.Pixels.(*image.RGBA)
	if got.Rect != want.Rect {
		t.Fatalf("bounds %v, want %v", got.Rect, want.Rect)
	}
	var sum, worst int
	for i := range got.Pix {
		d := int(got.Pix[i]) - int(want.Pix[i])
		if d < 0 {
			d = -d
		}
		sum += d
		worst = max(worst, d)
	}
	mean := float64(sum) / float64(len(got.Pix))
	if mean > 1.0 || worst > 16 {
		t.Errorf("libjpeg-turbo vs image/jpeg: mean abs diff %.3f, worst %d; want ≤ 1.0 and ≤ 16", mean, worst)
	}
	t.Logf("mean abs diff %.3f, worst %d", mean, worst)
}

// BenchmarkJPEGTurboFit1080 decodes the photo for a 1920x1080 box (the app's "fit for screens" resize):
// libjpeg-turbo's scaled IDCT does part of the shrinking.
func BenchmarkJPEGTurboFit1080(b *testing.B) {
	data, _ := benchPhoto(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := DecodeBytes(data, Options{FitWidth: 1920, FitHeight: 1080}); err != nil {
			b.Fatal(err)
		}
	}
}
