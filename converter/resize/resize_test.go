package resize

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"os"
	"testing"

	"github.com/disintegration/imaging"

	"imageconverter/converter/decode"
	"imageconverter/internal/ssim"
)

func photo(t testing.TB) *image.RGBA {
	t.Helper()
	data, err := os.ReadFile("../testdata/jpeg_photo.jpg")
	if err != nil {
		t.Fatal(err)
	}
	img, err := decode.DecodeBytes(data, decode.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return img.Pixels.(*image.RGBA)
}

// bigPhoto tiles the test photo into a w×h picture (for the benchmarks).
func bigPhoto(t testing.TB, w, h int) *image.RGBA {
	p := photo(t)
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	pw, ph := p.Rect.Dx(), p.Rect.Dy()
	for y := range h {
		for x := range w {
			copy(out.Pix[out.PixOffset(x, y):][:4], p.Pix[p.PixOffset(x%pw, y%ph):][:4])
		}
	}
	return out
}

// The filter is a Lanczos-3 like imaging's: on a real photo the two agree to the rounding of their
// arithmetic (imaging works in floating point), at several ratios, in both layouts.
func TestMatchesFloatingPointLanczos(t *testing.T) {
	src := photo(t) // 280×184
	for _, size := range []image.Point{{140, 92}, {200, 131}, {97, 64}, {279, 183}, {280, 120}} {
		want := imaging.Resize(src, size.X, size.Y, imaging.Lanczos)
		got := Lanczos(src, size.X, size.Y).(*image.RGBA)
		rgb := Lanczos(toRGB(src), size.X, size.Y).(*decode.RGB)
		if got.Rect.Size() != size || rgb.Rect.Size() != size {
			t.Fatalf("%v: got %v and %v", size, got.Rect, rgb.Rect)
		}
		var sum, worst float64
		for y := range size.Y {
			for x := range size.X {
				w := want.NRGBAAt(x, y)
				g := got.RGBAAt(x, y)
				i := y*rgb.Stride + 3*x
				if g.A != 0xFF || rgb.Pix[i] != g.R || rgb.Pix[i+1] != g.G || rgb.Pix[i+2] != g.B {
					t.Fatalf("%v (%d,%d): RGBA %v and RGB %v differ", size, x, y, g, rgb.Pix[i:i+3])
				}
				for _, d := range []float64{float64(w.R) - float64(g.R), float64(w.G) - float64(g.G), float64(w.B) - float64(g.B)} {
					sum += math.Abs(d)
					worst = max(worst, math.Abs(d))
				}
			}
		}
		mean := sum / float64(3*size.X*size.Y)
		if mean > 0.6 || worst > 4 {
			t.Errorf("%v: mean difference %.2f, worst %.0f levels from imaging's Lanczos", size, mean, worst)
		}
		s, err := ssim.Mean(ssim.FromImage(want), ssim.FromImage(got))
		if err != nil || s < 0.998 {
			t.Errorf("%v: SSIM against imaging %.4f (%v)", size, s, err)
		}
	}
}

func toRGB(src *image.RGBA) *decode.RGB {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	out := &decode.RGB{Pix: make([]byte, 3*w*h), Stride: 3 * w, Rect: image.Rect(0, 0, w, h)}
	for i, j := 0, 0; i < len(src.Pix); i, j = i+4, j+3 {
		copy(out.Pix[j:j+3], src.Pix[i:i+3])
	}
	return out
}

// A flat picture stays exactly flat: the fixed-point weights of every output add up to one.
func TestFlatStaysFlat(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 301, 157))
	for i := range src.Pix {
		src.Pix[i] = []byte{200, 17, 255, 255}[i%4]
	}
	for _, size := range []image.Point{{1, 1}, {3, 2}, {100, 52}, {300, 157}, {301, 10}} {
		got := Lanczos(src, size.X, size.Y).(*image.RGBA)
		for i, v := range got.Pix {
			if want := []byte{200, 17, 255, 255}[i%4]; v != want {
				t.Fatalf("%v: sample %d = %d, want %d", size, i, v, want)
			}
		}
	}
}

// Transparent pixels must not lend their (invisible) colour to the edge of the opaque part.
func TestTransparencyDoesNotBleed(t *testing.T) {
	src := image.NewNRGBA(image.Rect(0, 0, 64, 64))
	for y := range 64 {
		for x := range 64 {
			c := color.NRGBA{0, 255, 0, 0} // invisible green
			if x < 32 {
				c = color.NRGBA{255, 0, 0, 255} // opaque red
			}
			src.SetNRGBA(x, y, c)
		}
	}
	got := Lanczos(src, 16, 16).(*image.NRGBA)
	for x := range 16 {
		c := got.NRGBAAt(x, 8)
		if c.A > 0 && c.G > 8 {
			t.Errorf("x=%d: %v has green from the transparent half", x, c)
		}
		if x < 4 && (c.A != 255 || c.R != 255) { // beyond the filter's reach of the edge (3 lobes × 4)
			t.Errorf("x=%d: %v, want opaque red", x, c)
		}
		if x > 11 && c.A != 0 {
			t.Errorf("x=%d: %v, want transparent", x, c)
		}
	}
	// Same size: the picture itself comes back.
	if Lanczos(src, 64, 64) != image.Image(src) {
		t.Error("a same-size resize copied the picture")
	}
}

// BenchmarkLanczos: the shrink-on-load cases of a 24 MP photo fitted to 1920 wide — decoded at 6/8
// (4500×3000, the filter does a 2.3× reduction) and at 3/8 (2250×1500, a short last step) — against
// imaging's floating-point Lanczos on the same pixels.
func BenchmarkLanczos(b *testing.B) {
	for _, size := range []image.Point{{4500, 3000}, {2250, 1500}} {
		src := bigPhoto(b, size.X, size.Y)
		rgb := toRGB(src)
		name := fmt.Sprintf("%dx%d", size.X, size.Y)
		b.Run(name+"/RGBA", func(b *testing.B) {
			for b.Loop() {
				Lanczos(src, 1920, 1280)
			}
		})
		b.Run(name+"/RGB", func(b *testing.B) {
			for b.Loop() {
				Lanczos(rgb, 1920, 1280)
			}
		})
		b.Run(name+"/imaging", func(b *testing.B) {
			for b.Loop() {
				imaging.Resize(src, 1920, 1280, imaging.Lanczos)
			}
		})
	}
}
