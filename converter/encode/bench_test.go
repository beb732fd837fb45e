package encode

import (
	"bytes"
	"fmt"
	"image"
	"io"
	"testing"
)

// Benchmarks beside the hot paths. The encoders' own time dominates; what these watch is that our
// side adds no copies (allocs/op stays flat with image size) and no per-call overhead.
//
//	go test -run '^$' -bench . -benchtime 5x ./converter/encode

func BenchmarkEncodeWebP(b *testing.B) {
	for _, mp := range []int{1, 4} {
		src := photo(b, 1000*mp, 1000)
		b.Run(fmt.Sprintf("%dMP_q80_m4", mp), func(b *testing.B) {
			benchEncode(b, src, DefaultOptions(WebP))
		})
	}
	src := photo(b, 1000, 1000)
	o := DefaultOptions(WebP)
	o.Meta = testMeta
	b.Run("1MP_q80_m4_metadata", func(b *testing.B) { benchEncode(b, src, o) })
	o = Options{Format: WebP, Quality: 75, Effort: 4, Lossless: true}
	b.Run("1MP_lossless", func(b *testing.B) { benchEncode(b, src, o) })
}

func BenchmarkEncodeAVIF(b *testing.B) {
	src := photo(b, 1000, 1000)
	b.Run("1MP_q70_s6", func(b *testing.B) { benchEncode(b, src, DefaultOptions(AVIF)) })
}

func benchEncode(b *testing.B, src image.Image, o Options) {
	b.ReportAllocs()
	px := src.Bounds().Dx() * src.Bounds().Dy()
	b.SetBytes(int64(4 * px))
	for b.Loop() {
		if err := Encode(io.Discard, src, o); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(px), "ns/px")
}

// toNRGBA on an opaque *image.RGBA must not copy (the JPEG path hands us those).
func BenchmarkToNRGBAOpaqueRGBA(b *testing.B) {
	src := image.NewRGBA(image.Rect(0, 0, 2000, 1000))
	for i := range src.Pix {
		src.Pix[i] = 255
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = toNRGBA(src)
	}
}

func BenchmarkAddWebPMetadata(b *testing.B) {
	var buf bytes.Buffer
	if err := Encode(&buf, photo(b, 1000, 1000), DefaultOptions(WebP)); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(buf.Len()))
	for b.Loop() {
		if _, err := addWebPMetadata(buf.Bytes(), 1000, 1000, testMeta); err != nil {
			b.Fatal(err)
		}
	}
}
