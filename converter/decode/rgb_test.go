package decode

import (
	"image"
	"os"
	"path/filepath"
	"testing"
)

// TestRGBMatchesRGBA: Options.RGB gives the same pixels as the RGBA route for a plain JPEG, and falls
// back to RGBA whenever something has to happen after decoding (orientation, colour conversion, CMYK)
// or the file is not a JPEG. A reduced-scale decode gives the same pixels both ways.
func TestRGBMatchesRGBA(t *testing.T) {
	for _, tc := range []struct {
		name    string
		opts    Options
		wantRGB bool
	}{
		{"jpeg_photo.jpg", Options{}, true},
		{"jpeg_baseline.jpg", Options{}, true},
		{"jpeg_gray.jpg", Options{}, true},
		{"jpeg_progressive.jpg", Options{}, true},
		{"jpeg_orient6.jpg", Options{}, false},
		{"jpeg_adobergb.jpg", Options{}, false},                  // converted to sRGB
		{"jpeg_adobergb.jpg", Options{KeepMetadata: true}, true}, // profile kept, pixels untouched
		{"jpeg_cmyk_icc.jpg", Options{}, false},
		{"jpeg_photo.jpg", Options{FitWidth: 8, FitHeight: 8}, true}, // scaled decode (1/8)
		{"jpeg_photo.jpg", Options{FitWidth: 150}, true},             // scaled decode (5/8)
		{"png_rgba.png", Options{}, false},
	} {
		data, err := os.ReadFile(filepath.Join(corpus, tc.name))
		if err != nil {
			t.Fatal(err)
		}
		ref, err := DecodeBytes(data, tc.opts)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		o := tc.opts
		o.RGB = true
		got, err := DecodeBytes(data, o)
		if err != nil {
			t.Fatalf("%s RGB: %v", tc.name, err)
		}
		rgb, isRGB := got.Pixels.(*RGB)
		if isRGB != tc.wantRGB {
			t.Errorf("%s %+v: pixels are %T, want RGB %v", tc.name, tc.opts, got.Pixels, tc.wantRGB)
			continue
		}
		if len(got.Meta.ICC) != len(ref.Meta.ICC) || len(got.Meta.EXIF) != len(ref.Meta.EXIF) || len(got.Meta.XMP) != len(ref.Meta.XMP) {
			t.Errorf("%s: metadata differs between RGB and RGBA routes", tc.name)
		}
		if !isRGB {
			continue
		}
		want, ok := ref.Pixels.(*image.RGBA)
		if !ok || want.Rect != rgb.Rect || rgb.Stride != 3*rgb.Rect.Dx() {
			t.Fatalf("%s: RGBA route %T %v, RGB %v stride %d", tc.name, ref.Pixels, ref.Pixels.Bounds(), rgb.Rect, rgb.Stride)
		}
		for i, j := 0, 0; i < len(want.Pix); i, j = i+4, j+3 {
			if want.Pix[i] != rgb.Pix[j] || want.Pix[i+1] != rgb.Pix[j+1] || want.Pix[i+2] != rgb.Pix[j+2] {
				t.Fatalf("%s: pixel %d differs: RGBA %v, RGB %v", tc.name, i/4, want.Pix[i:i+3], rgb.Pix[j:j+3])
			}
		}
		if c := rgb.At(1, 1); c != want.At(1, 1) {
			t.Errorf("%s: At(1,1) = %v, want %v", tc.name, c, want.At(1, 1))
		}
	}
}
