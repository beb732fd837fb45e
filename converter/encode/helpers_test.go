package encode

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	xwebp "golang.org/x/image/webp"
)

// loadTestImage decodes a file of the shared corpus (converter/testdata) with the standard library,
// so these tests do not depend on the decode package.
func loadTestImage(t testing.TB, name string) *image.NRGBA {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "testdata", name))
	if err != nil {
		t.Fatalf("corpus image: %v", err)
	}
	defer f.Close()
	var img image.Image
	switch filepath.Ext(name) {
	case ".jpg":
		img, err = jpeg.Decode(f)
	case ".png":
		img, err = png.Decode(f)
	default:
		t.Fatalf("loadTestImage: unsupported %s", name)
	}
	if err != nil {
		t.Fatalf("decoding %s: %v", name, err)
	}
	return toNRGBA(img)
}

// photo returns a deterministic w×h photo-like image: smooth shading, fine texture (noise), and
// hard edges, which is what separates good from bad lossy settings. Generated, so tests do not
// depend on the shared corpus being present while it is rebuilt.
func photo(t testing.TB, w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	seed := uint32(12345)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			seed = seed*1664525 + 1013904223
			noise := float64(seed>>24)/255 - 0.5
			fx, fy := float64(x)/float64(w), float64(y)/float64(h)
			r := 128 + 90*math.Sin(6*fx+2*fy) + 12*noise
			g := 110 + 70*math.Cos(5*fy-3*fx*fy) + 12*noise
			b := 90 + 60*math.Sin(9*fx*fy+1) + 12*noise
			if (x/23+y/17)%5 == 0 { // sharp-edged patches, like branches against a sky
				r, g, b = r*0.4, g*0.5, b*0.3
			}
			img.SetNRGBA(x, y, color.NRGBA{R: clamp8(r), G: clamp8(g), B: clamp8(b), A: 255})
		}
	}
	return img
}

func clamp8(v float64) uint8 {
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return uint8(v + 0.5)
}

// gradientAlpha returns an image with colour and alpha ramps, including fully transparent and fully
// opaque pixels.
func gradientAlpha(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetNRGBA(x, y, color.NRGBA{
				R: uint8(255 * x / (w - 1)),
				G: uint8(255 * y / (h - 1)),
				B: uint8((x * y) % 256),
				A: uint8(255 * (x + y) / (w + h - 2)),
			})
		}
	}
	return img
}

// decodeWebP checks data with golang.org/x/image/webp (an independent parser, so it catches
// container mistakes) and returns the pixels as decoded by libwebp itself (x/image/webp's lossy
// output is YCbCr that Go converts with the JPEG full-range matrix, off by a few dB).
func decodeWebP(t testing.TB, data []byte) *image.NRGBA {
	t.Helper()
	if _, err := xwebp.Decode(bytes.NewReader(data)); err != nil {
		t.Fatalf("golang.org/x/image/webp cannot decode our output: %v", err)
	}
	img, err := decodeWebPNative(data)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// psnr is the peak signal-to-noise ratio over R, G and B weighted by alpha (premultiplied), in dB:
// what you see over black. Colour under transparent pixels is invisible and encoders may change it.
func psnr(a, b *image.NRGBA) float64 {
	var sum float64
	n := 0
	for y := 0; y < a.Rect.Dy(); y++ {
		for x := 0; x < a.Rect.Dx(); x++ {
			pa := a.Pix[a.PixOffset(a.Rect.Min.X+x, a.Rect.Min.Y+y):]
			pb := b.Pix[b.PixOffset(b.Rect.Min.X+x, b.Rect.Min.Y+y):]
			for c := 0; c < 3; c++ {
				d := float64(pa[c])*float64(pa[3])/255 - float64(pb[c])*float64(pb[3])/255
				sum += d * d
				n++
			}
		}
	}
	if sum == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(255*255/(sum/float64(n)))
}

func encodeBytes(t testing.TB, img image.Image, o Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Encode(&buf, img, o); err != nil {
		t.Fatalf("Encode(%+v): %v", o, err)
	}
	return buf.Bytes()
}
