package converter

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"path/filepath"
	"testing"

	"imageconverter/converter/encode"
)

// BenchmarkPlan measures walking and header-probing a folder of 500 photos (the app plans before
// every run, so this is the latency between a drop and the first file starting).
func BenchmarkPlan(b *testing.B) {
	dir := b.TempDir()
	for i := range 500 {
		copyFile(b, "testdata/jpeg_photo.jpg", filepath.Join(dir, fmt.Sprintf("d%d", i%10), fmt.Sprintf("p%03d.jpg", i)))
	}
	o := testOptions()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		p, err := Plan(context.Background(), []string{dir}, o)
		if err != nil || len(p.Tasks) != 500 {
			b.Fatalf("%v %d", err, len(p.Tasks))
		}
	}
}

// BenchmarkRunWebP converts four 2000×1500 photos-like JPEGs to WebP q80 m4 with two workers, the
// whole pipeline: read, decode, encode, atomic write. Reports megapixels per second.
func BenchmarkRunWebP(b *testing.B) { benchRun(b, "webp", "") }

// BenchmarkRunAVIF is the same with the AVIF Balanced preset (quality 70, speed 8).
func BenchmarkRunAVIF(b *testing.B) { benchRun(b, "avif", "") }

// BenchmarkRunWebPAuto and BenchmarkRunAVIFAuto are the same with the automatic quality: their
// ratio to the two above is what the search costs (docs/auto-quality.md has it on real photos).
func BenchmarkRunWebPAuto(b *testing.B) { benchRun(b, "webp", PresetAuto) }

func BenchmarkRunAVIFAuto(b *testing.B) { benchRun(b, "avif", PresetAuto) }

func benchRun(b *testing.B, format, preset string) {
	dir := b.TempDir()
	const n, w, h = 4, 2000, 1500
	for i := range n {
		writeSmoothJPEG(b, filepath.Join(dir, fmt.Sprintf("p%d.jpg", i)), w, h)
	}
	o := testOptions()
	o.Format, o.Preset = format, preset
	o.Reconvert, o.Existing = true, ExistingOverwrite
	p, err := Plan(context.Background(), []string{dir}, o)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		s, err := Run(context.Background(), p.Tasks, p.Options, nil)
		if err != nil || s.Converted != n {
			b.Fatalf("%v %+v", err, s.Files)
		}
	}
	b.ReportMetric(float64(n*w*h)/1e6*float64(b.N)/b.Elapsed().Seconds(), "MP/s")
}

// BenchmarkFitInside is the Lanczos downscale of a 24 MP image to fit 2048×2048.
func BenchmarkFitInside(b *testing.B) {
	img := image.NewNRGBA(image.Rect(0, 0, 6000, 4000))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	b.ReportAllocs()
	for b.Loop() {
		out := fitInside(img, 2048, 2048)
		if out.Bounds().Dx() != 2048 {
			b.Fatal(out.Bounds())
		}
	}
}

// BenchmarkProgress is the per-file cost of progress bookkeeping with a listening callback.
func BenchmarkProgress(b *testing.B) {
	tr := newTracker(b.N, int64(b.N), func(Progress) {})
	r := FileResult{Src: "x.jpg", Status: StatusConverted, BytesIn: 10, BytesOut: 5}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		tr.started(i, "x.jpg")
		tr.finished(i, 10, r)
	}
	tr.finish()
}

// BenchmarkTargetSize is one real photo (the corpus's, 280×184, or the cached 13 MP camera JPEG at
// 1600 px) converted with the preset, and with a target size at 55 % of the preset's file, which
// makes the search run: the ratio of the two is the price of "each under N KB".
func BenchmarkTargetSize(b *testing.B) {
	for _, format := range []string{"webp", "avif"} {
		for _, target := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/target=%v", format, target), func(b *testing.B) {
				srcs := realPhotosB(b)
				src := srcs[len(srcs)-1]
				o := testOptions()
				o.Format, o.MaxWidth, o.MaxHeight = format, 1600, 1600
				o.Reconvert, o.Existing, o.OutputDir = true, ExistingOverwrite, b.TempDir()
				if target {
					p, err := Prepare(src, o)
					if err != nil {
						b.Fatal(err)
					}
					var buf bytes.Buffer
					if err := encode.Encode(&buf, p.Pixels, p.Encoder); err != nil {
						b.Fatal(err)
					}
					o.TargetSize = int64(buf.Len()) * 55 / 100
				}
				for b.Loop() {
					if s, _, err := Convert(context.Background(), []string{src}, o, nil); err != nil || s.Converted != 1 {
						b.Fatalf("%v %+v", err, s.Files)
					}
				}
			})
		}
	}
}
