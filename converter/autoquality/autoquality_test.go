package autoquality

import (
	"context"
	"errors"
	"image"
	"image/color"
	"math/rand"
	"testing"

	"imageconverter/converter/decode"
	"imageconverter/converter/encode"
	"imageconverter/internal/ssim"
)

// grainy is a w×h opaque picture: shading plus grain of the given strength.
func grainy(w, h int, grain float64) *image.RGBA {
	rng := rand.New(rand.NewSource(int64(w*h) + int64(grain)))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			v := 60 + 120*float64(x)/float64(w) + grain*rng.NormFloat64()
			c := uint8(min(max(v, 0), 255))
			img.SetRGBA(x, y, color.RGBA{c, uint8(min(max(v*0.8, 0), 255)), 200 - c/2, 255})
		}
	}
	return img
}

func TestTilesAreCutAtFullResolution(t *testing.T) {
	src := grainy(1600, 1000, 20)
	m := Tiles(src, 6*tile*tile)
	b := m.Bounds()
	if b.Dx()%tile != 0 || b.Dy()%tile != 0 || b.Dx()*b.Dy() > 8*tile*tile || b.Dx()*b.Dy() < 4*tile*tile {
		t.Fatalf("mosaic %v for about 6 tiles of %d", b, tile)
	}
	cols, rows := b.Dx()/tile, b.Dy()/tile
	if rows < 2 || cols < 2 {
		t.Fatalf("mosaic %v is not a grid", b)
	}
	// Each tile is the source's pixels where the grid puts it, corners included, pixel for pixel.
	if spread(0, cols, 1600) != 0 || spread(cols-1, cols, 1600) != 1600-tile || spread(rows-1, rows, 1000) != 1000-tile {
		t.Fatal("the grid does not reach the edges")
	}
	for r := range rows {
		for c := range cols {
			for _, d := range []image.Point{{0, 0}, {5, 9}, {tile - 1, tile - 1}} {
				got := m.At(c*tile+d.X, r*tile+d.Y).(color.NRGBA)
				want := src.RGBAAt(spread(c, cols, 1600)+d.X, spread(r, rows, 1000)+d.Y)
				if got.R != want.R || got.G != want.G || got.B != want.B || got.A != 255 {
					t.Fatalf("tile (%d,%d) pixel %v = %v, source %v", c, r, d, got, want)
				}
			}
		}
	}
	// A 3-byte picture gives the same mosaic as its 4-byte twin.
	rgb := &decode.RGB{Pix: make([]byte, 3*1600*1000), Stride: 3 * 1600, Rect: src.Rect}
	for i := range 1600 * 1000 {
		copy(rgb.Pix[3*i:3*i+3], src.Pix[4*i:4*i+3])
	}
	if got := Tiles(rgb, 6*tile*tile).(*image.NRGBA); string(got.Pix) != string(m.(*image.NRGBA).Pix) {
		t.Error("the mosaic of the RGB picture differs from the RGBA one")
	}
	// Small pictures are their own sample.
	small := grainy(400, 300, 5)
	if Tiles(small, SamplePixels) != image.Image(small) {
		t.Error("a picture below the sample size was cut")
	}
}

func TestChooseFindsTheLowestPassingQuality(t *testing.T) {
	for _, f := range []encode.Format{encode.WebP, encode.AVIF} {
		t.Run(string(f), func(t *testing.T) {
			img := grainy(320, 240, 6)
			eo := encode.DefaultOptions(f)
			c, err := Choose(img, eo)
			if err != nil {
				t.Fatal(err)
			}
			s := For(f)
			if c.Quality < s.Min || c.Quality > s.Max || c.Encodes > 6 || c.Encodes < 1 {
				t.Fatalf("choice %+v outside %+v or too many encodes", c, s)
			}
			ref, err := ssim.NewReference(ssim.FromImage(img))
			if err != nil {
				t.Fatal(err)
			}
			at := func(q int) float64 {
				eo.Quality = q
				v, err := Score(img, ref, eo)
				if err != nil {
					t.Fatal(err)
				}
				return v
			}
			if got := at(c.Quality); got < Threshold && c.Quality != s.Max {
				t.Errorf("q%d scores %.4f, below %.3f", c.Quality, got, Threshold)
			}
			if c.Quality > s.Min {
				if got := at(c.Quality - 1); got >= Threshold {
					t.Errorf("q%d already scores %.4f; q%d was chosen", c.Quality-1, got, c.Quality)
				}
			}
		})
	}
}

func TestChooseStopsWhenCancelledAndRefusesLossless(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	eo := encode.DefaultOptions(encode.WebP)
	eo.Cancel = ctx.Done()
	if _, err := Choose(grainy(200, 200, 5), eo); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled search: %v", err)
	}
	eo = encode.DefaultOptions(encode.WebP)
	eo.Lossless = true
	if _, err := Choose(grainy(200, 200, 5), eo); err == nil {
		t.Fatal("lossless search did not fail")
	}
}
