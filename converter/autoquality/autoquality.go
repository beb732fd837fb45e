// Package autoquality picks, for one photo, the lowest WebP or AVIF quality whose result still looks
// like the photo: the "Auto" quality choice. A fixed quality is a compromise over all photos: quality
// 80 is more than a smooth sky needs and, on fine foliage, sometimes less than it should be. Here each
// photo gets the quality where its own structural similarity (mean SSIM of the luma, internal/ssim)
// against the pixels the encoder was given reaches Threshold.
//
// # How
//
// The search encodes a sample of the photo at a few qualities, decodes each result with the
// converter's own decoder and scores it against the sample: a bisection over the format's quality
// range, at most six encodes. The photo is then encoded once, at full size, at the quality found.
//
// The sample is a mosaic of 256×256 tiles cut at full resolution from a grid spread over the photo,
// about SamplePixels in all (photos no larger are their own sample, so the search is exact for
// them). Tiles, not a shrunk copy: shrinking smooths away the grain and fine texture that decide how
// much a quality loses, so a shrunk copy scores far better than the photo (0.97 on the copy, 0.91
// on the 24 MP photo, in the measurements); the tiles predict the full-size score to within about
// 0.006 (docs/auto-quality.md). The search costs time: encoding takes about 1.9× as long as at a
// fixed quality for full-size photos (9 MP on average), 4.2× for photos resized to 1920 pixels.
//
// The range is capped at the balanced quality (For): "auto" is balanced or smaller, never larger. A
// photo that would need more than balanced to reach the threshold (grain, fine texture) gets the
// balanced quality and scores below the threshold, which Choice.Capped reports.
package autoquality

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"math"

	"imageconverter/converter/decode"
	"imageconverter/converter/encode"
	"imageconverter/converter/meta"
	"imageconverter/converter/resize"
	"imageconverter/internal/ssim"
)

// Threshold is the mean luma SSIM every automatic result aims for: the look the balanced preset
// (WebP 80) gives a typical photo. Measured on 46 photos, balanced scores a median 0.977 and 72 %
// of them reach 0.97 (docs/auto-quality.md); auto gives every photo that look at the lowest
// quality that keeps it.
const Threshold = 0.97

// SamplePixels is the size of the sample the search encodes: 15 or so tiles from all over the photo
// (a 0.5 MP sample predicted the full photo worse), and small enough that the whole search costs
// about one more full-size encode of a 9 MP photo (measured: docs/auto-quality.md).
const SamplePixels = 1_000_000

// LargerShare is the share of photos whose automatic file may be larger than the balanced one. The
// cap is the balanced quality, so none should be (measured on 46 photos: 0 of 46 for WebP at full
// size, WebP resized to 1920 and AVIF; docs/auto-quality.md); the allowance is for an encoder whose
// size is not monotonic in quality on some picture.
const LargerShare = 0.05

// MaxGrowth bounds how much larger than the balanced file an automatic one may be (see LargerShare).
const MaxGrowth = 1.05

// BudgetPixels is what a search holds at its peak, in the converter's pixel-budget units (about 12
// bytes a pixel): the 4-byte sample and one decoded result, and the score's ten float planes of the
// sample's size (ssim.Reference keeps them from one score to the next) — about 50 MB for a 1 MP
// sample, rounded up. The converter adds it to a photo's share.
const BudgetPixels = SamplePixels * 5

// Search is how one format's quality is searched. For gives the product's settings; the
// measurements (cmd/autobench) try others.
type Search struct {
	Min, Max     int     // the quality range: the lowest quality ever chosen and the cap
	Threshold    float64 // the SSIM a result must reach
	SamplePixels int     // the size of the copy that is encoded while searching
	// Sample makes that copy: Tiles (nil) or Shrink.
	Sample func(img image.Image, pixels int) image.Image
}

// For is the search of format f. The floors (WebP 50, AVIF 40, below the "smallest" preset) are a
// guard for what luma SSIM does not see, colour; clean photos reach them. The caps are the balanced
// qualities (WebP 80, AVIF 70): a person who picks "auto" expects files no larger than the default
// makes. Caps above balanced were measured too (WebP 84: +13 % bytes in total, 35 % of photos
// larger, the grainiest 1.47× larger; docs/auto-quality.md).
func For(f encode.Format) Search {
	if f == encode.AVIF {
		return Search{Min: 40, Max: 70, Threshold: Threshold, SamplePixels: SamplePixels}
	}
	return Search{Min: 50, Max: 80, Threshold: Threshold, SamplePixels: SamplePixels}
}

// Choice is the outcome of a search.
type Choice struct {
	Quality int     // the quality to encode the photo with
	Score   float64 // SSIM of the sample at Quality (0 when Quality was never encoded: the cap)
	Encodes int     // sample encodes the search made
	Capped  bool    // nothing below the cap reached the threshold (or the picture is too small to score): Quality is the cap
}

// Choose searches the quality for pix with For(eo.Format): see Search.Choose.
func Choose(pix image.Image, eo encode.Options) (Choice, error) {
	return For(eo.Format).Choose(pix, eo)
}

// Choose searches the quality for pix with the encoder settings eo (Format, Effort, Threads and
// Cancel are used; Quality, Meta and PixelsRead are ignored). A closed eo.Cancel stops the search
// with an error wrapping context.Canceled. Lossless settings have no quality to search: an error.
func (s Search) Choose(pix image.Image, eo encode.Options) (Choice, error) {
	if eo.Lossless {
		return Choice{}, fmt.Errorf("autoquality: lossless has no quality to choose")
	}
	cut := s.Sample
	if cut == nil {
		cut = Tiles
	}
	sample := cut(pix, s.SamplePixels)
	if b := sample.Bounds(); b.Dx() < 11 || b.Dy() < 11 {
		// Smaller than SSIM's window: nothing to measure, and a few bytes either way. The cap.
		return Choice{Quality: s.Max, Capped: true}, nil
	}
	ref, err := ssim.NewReference(ssim.FromImage(sample))
	if err != nil {
		return Choice{}, fmt.Errorf("autoquality: %w", err)
	}
	eo.Meta, eo.PixelsRead = meta.Metadata{}, nil // the sample needs no metadata, and must not free pix
	var c Choice
	// The lowest quality in [lo, hi] that passes, hi taken as passing: the cap is the answer when
	// nothing below it passes, and it needs no encode then. SSIM grows with quality (nearly: an
	// encoder's choices can make it dip by a hair between neighbours), which makes a bisection valid.
	lo, hi := s.Min, s.Max
	var best float64
	for lo < hi {
		mid := (lo + hi) / 2
		eo.Quality = mid
		c.Encodes++
		score, err := Score(sample, ref, eo)
		if err != nil {
			return Choice{}, err
		}
		if score >= s.Threshold {
			hi, best = mid, score
		} else {
			lo = mid + 1
		}
	}
	c.Quality, c.Score = hi, best
	c.Capped = hi == s.Max && best == 0
	return c, nil
}

// Score encodes img with eo, decodes the result with the converter's decoder and returns its mean
// SSIM against ref (made from the luma of img).
func Score(img image.Image, ref *ssim.Reference, eo encode.Options) (float64, error) {
	var buf bytes.Buffer
	if err := encode.Encode(&buf, img, eo); err != nil {
		return 0, err
	}
	got, err := decode.DecodeBytes(buf.Bytes(), decode.Options{})
	if err != nil {
		return 0, fmt.Errorf("autoquality: decode the %s sample: %w", eo.Format, err)
	}
	return ref.Mean(ssim.FromImage(got.Pixels))
}

// Shrink is img scaled down with Lanczos to about pixels (img itself when it is no larger), keeping
// the aspect ratio.
func Shrink(img image.Image, pixels int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w*h <= pixels {
		return img
	}
	f := math.Sqrt(float64(pixels) / float64(w*h))
	return resize.Lanczos(img, max(int(float64(w)*f+0.5), 16), max(int(float64(h)*f+0.5), 16))
}

// tile is the side of one tile of Tiles: a multiple of 64, so that tiles line up with WebP's 16-pixel
// macroblocks and AV1's 64-pixel superblocks and no block straddles two tiles.
const tile = 256

// Tiles is a mosaic of about pixels made of tile×tile squares cut at full resolution from a grid
// spread evenly over img (img itself when it is no larger). Unlike a shrunk copy it keeps the
// photo's grain and fine detail at the scale the encoder sees them, which is what decides how much
// of it a quality keeps.
func Tiles(img image.Image, pixels int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w*h <= pixels || w < 2*tile || h < 2*tile {
		return img
	}
	// cols×rows tiles in the photo's proportions, about pixels in all.
	n := float64(pixels) / float64(tile*tile)
	cols := max(1, min(w/tile, int(math.Round(math.Sqrt(n*float64(w)/float64(h))))))
	rows := max(1, min(h/tile, int(math.Round(n/float64(cols)))))
	dst := image.NewNRGBA(image.Rect(0, 0, cols*tile, rows*tile))
	if m, ok := img.(*image.RGBA); ok && !m.Opaque() { // asked once: Opaque reads every pixel
		img = struct{ image.Image }{m} // premultiplied with transparency: converted pixel by pixel
	}
	for r := range rows {
		y0 := b.Min.Y + spread(r, rows, h)
		for c := range cols {
			x0 := b.Min.X + spread(c, cols, w)
			copyTile(dst, c*tile, r*tile, img, x0, y0)
		}
	}
	return dst
}

// spread is where the i-th of n tiles starts along a side of length size: evenly spaced, the first
// and last at the edges.
func spread(i, n, size int) int {
	if n == 1 {
		return (size - tile) / 2
	}
	return i * (size - tile) / (n - 1)
}

// copyTile copies the tile×tile square at (sx, sy) of src to (dx, dy) of dst, as straight colour.
// src is *image.RGBA only when opaque (premultiplied and straight are then the same bytes): Tiles
// hands a transparent one over as a plain image.Image.
func copyTile(dst *image.NRGBA, dx, dy int, src image.Image, sx, sy int) {
	for y := range tile {
		out := dst.Pix[dst.PixOffset(dx, dy+y):][:4*tile]
		switch m := src.(type) {
		case rgbImage:
			pix, stride := m.RGBPixels()
			in := pix[(sy-m.Bounds().Min.Y+y)*stride+3*(sx-m.Bounds().Min.X):]
			for x := range tile {
				out[4*x], out[4*x+1], out[4*x+2], out[4*x+3] = in[3*x], in[3*x+1], in[3*x+2], 0xFF
			}
		case *image.NRGBA:
			copy(out, m.Pix[m.PixOffset(sx, sy+y):])
		case *image.RGBA:
			copy(out, m.Pix[m.PixOffset(sx, sy+y):])
		default:
			for x := range tile {
				c := color.NRGBAModel.Convert(src.At(sx+x, sy+y)).(color.NRGBA)
				out[4*x], out[4*x+1], out[4*x+2], out[4*x+3] = c.R, c.G, c.B, c.A
			}
		}
	}
}

// rgbImage is decode.RGB (3 bytes per pixel), named by its method.
type rgbImage interface {
	image.Image
	RGBPixels() (pix []byte, stride int)
}
