package encode

import (
	"bytes"
	"image"
	"testing"

	"imageconverter/converter/decode"
)

// toRGB packs an opaque picture into decode.RGB, the 3-byte layout the engine hands over for JPEGs.
func toRGB(px *image.NRGBA) *decode.RGB {
	w, h := px.Rect.Dx(), px.Rect.Dy()
	out := &decode.RGB{Pix: make([]byte, 0, 3*w*h), Stride: 3 * w, Rect: image.Rect(0, 0, w, h)}
	for i := 0; i < len(px.Pix); i += 4 {
		out.Pix = append(out.Pix, px.Pix[i], px.Pix[i+1], px.Pix[i+2])
	}
	return out
}

// TestRGBInputSameFileAsRGBA: 3-byte RGB input (WebPPictureImportRGB natively, converted for the
// other encoders) gives byte-for-byte the file the same pixels give as RGBA, lossy and lossless, WebP
// and AVIF; and PixelsRead still fires once.
func TestRGBInputSameFileAsRGBA(t *testing.T) {
	px := photo(t, 97, 61) // odd sizes: chroma subsampling edges
	rgb := toRGB(px)
	for _, o := range []Options{
		{Format: WebP, Quality: 80, Effort: 4},
		{Format: WebP, Quality: 80, Effort: 1, Lossless: true},
		{Format: WebP, Quality: 80, Effort: 4, Meta: testMeta},
		{Format: AVIF, Quality: 70, Effort: 10},
	} {
		want := encodeBytes(t, px, o)
		calls := 0
		o.PixelsRead = func() { calls++ }
		got := encodeBytes(t, rgb, o)
		if !bytes.Equal(got, want) {
			t.Errorf("%s lossless=%v: RGB input gave %d bytes, RGBA %d, not the same file", o.Format, o.Lossless, len(got), len(want))
		}
		if calls != 1 {
			t.Errorf("%s: PixelsRead called %d times, want 1", o.Format, calls)
		}
	}
}
