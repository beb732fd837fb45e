package preview

import (
	"image"
	"image/draw"
	"math"

	"imageconverter/converter/decode"
)

// The converter hands the encoder *decode.RGB (3 bytes a pixel, opaque JPEGs on the way to WebP),
// *image.RGBA (opaque) or *image.NRGBA (with transparency). Drafts and PNGs need straight-alpha
// pixels at the origin; these helpers copy only the part asked for.

// crop copies r of img into a new straight-alpha picture at the origin.
func crop(img image.Image, r image.Rectangle) *image.NRGBA {
	r = r.Intersect(img.Bounds())
	dst := image.NewNRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	w, h := r.Dx(), r.Dy()
	switch m := img.(type) {
	case *decode.RGB:
		for y := range h {
			src := m.Pix[(r.Min.Y-m.Rect.Min.Y+y)*m.Stride+(r.Min.X-m.Rect.Min.X)*3:]
			out := dst.Pix[y*dst.Stride:]
			for x := range w {
				out[4*x], out[4*x+1], out[4*x+2], out[4*x+3] = src[3*x], src[3*x+1], src[3*x+2], 0xFF
			}
		}
	case *image.NRGBA:
		for y := range h {
			i := m.PixOffset(r.Min.X, r.Min.Y+y)
			copy(dst.Pix[y*dst.Stride:], m.Pix[i:i+4*w])
		}
	case *image.RGBA:
		if !opaqueRGBA(m, r) { // premultiplied: let draw convert
			draw.Draw(dst, dst.Rect, img, r.Min, draw.Src)
			break
		}
		for y := range h {
			i := m.PixOffset(r.Min.X, r.Min.Y+y)
			copy(dst.Pix[y*dst.Stride:], m.Pix[i:i+4*w])
		}
	default:
		draw.Draw(dst, dst.Rect, img, r.Min, draw.Src)
	}
	return dst
}

// opaqueRGBA reports whether every pixel of r in m has alpha 255 (then premultiplied and straight
// alpha are the same bytes).
func opaqueRGBA(m *image.RGBA, r image.Rectangle) bool {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		i := m.PixOffset(r.Min.X, y)
		for x := 0; x < r.Dx(); x++ {
			if m.Pix[i+4*x+3] != 0xFF {
				return false
			}
		}
	}
	return true
}

// displayable returns img in a form image/png encodes without a pixel-by-pixel interface call.
func displayable(img image.Image) image.Image {
	switch img.(type) {
	case *image.RGBA, *image.NRGBA:
		return img
	}
	return crop(img, img.Bounds())
}

// shrunk is a picture reduced by an integer factor: pixel (x, y) of img averages the factor×factor
// block at (x·factor, y·factor) of the original.
type shrunk struct {
	img    *image.NRGBA
	factor int
}

// shrink reduces img by the smallest integer factor that brings it to at most budget pixels, by
// averaging blocks (alpha-weighted): a draft's stand-in for the whole picture, made in tens of
// milliseconds. A picture already small enough is only copied.
func shrink(img image.Image, budget int) *shrunk {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	k := max(1, int(math.Ceil(math.Sqrt(float64(w)*float64(h)/float64(budget)))))
	for ceilDiv(w, k)*ceilDiv(h, k) > budget {
		k++
	}
	if k == 1 {
		return &shrunk{img: crop(img, b), factor: 1}
	}
	var pix []byte
	var stride, bpp int
	premultiplied := false
	switch m := img.(type) {
	case *decode.RGB:
		if m.Rect.Min != (image.Point{}) {
			return shrink(crop(img, b), budget)
		}
		pix, stride, bpp = m.Pix, m.Stride, 3
	case *image.NRGBA:
		pix, stride, bpp = m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, 4
	case *image.RGBA:
		pix, stride, bpp, premultiplied = m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, 4, true
	default:
		return shrink(crop(img, b), budget)
	}
	ow, oh := ceilDiv(w, k), ceilDiv(h, k)
	dst := image.NewNRGBA(image.Rect(0, 0, ow, oh))
	sum := make([]uint64, 4*ow) // r, g, b weighted by alpha; alpha
	for oy := range oh {
		clear(sum)
		for y := oy * k; y < min(h, (oy+1)*k); y++ {
			row := pix[y*stride:]
			for x := range w {
				s := sum[4*(x/k):]
				p := row[bpp*x:]
				if bpp == 3 {
					s[0] += 255 * uint64(p[0])
					s[1] += 255 * uint64(p[1])
					s[2] += 255 * uint64(p[2])
					s[3] += 255
					continue
				}
				a := uint64(p[3])
				if premultiplied { // the colour is already weighted by alpha (out of 255)
					s[0] += 255 * uint64(p[0])
					s[1] += 255 * uint64(p[1])
					s[2] += 255 * uint64(p[2])
				} else {
					s[0] += a * uint64(p[0])
					s[1] += a * uint64(p[1])
					s[2] += a * uint64(p[2])
				}
				s[3] += a
			}
		}
		rows := uint64(min(h, (oy+1)*k) - oy*k)
		out := dst.Pix[oy*dst.Stride:]
		for ox := range ow {
			s := sum[4*ox:]
			n := rows * uint64(min(w, (ox+1)*k)-ox*k)
			if s[3] == 0 {
				continue // fully transparent block: stays zero
			}
			for c := range 3 {
				out[4*ox+c] = uint8(min(255, (s[c]+s[3]/2)/s[3]))
			}
			out[4*ox+3] = uint8((s[3] + n/2) / n)
		}
	}
	return &shrunk{img: dst, factor: k}
}

// mosaic assembles grid×grid tiles of tile×tile pixels taken evenly from all over img (corners and
// middle) into one picture, at full resolution; a picture no larger than the mosaic is copied whole.
func mosaic(img image.Image, tile, grid int) *image.NRGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w*h <= tile*tile*grid*grid {
		return crop(img, b)
	}
	tw, th := min(tile, w), min(tile, h)
	gx, gy := max(1, min(grid, w/tw)), max(1, min(grid, h/th))
	dst := image.NewNRGBA(image.Rect(0, 0, gx*tw, gy*th))
	for j := range gy {
		for i := range gx {
			x, y := 0, 0
			if gx > 1 {
				x = (w - tw) * i / (gx - 1) &^ 15
			}
			if gy > 1 {
				y = (h - th) * j / (gy - 1) &^ 15
			}
			t := crop(img, image.Rect(x, y, x+tw, y+th).Add(b.Min))
			draw.Draw(dst, image.Rect(i*tw, j*th, (i+1)*tw, (j+1)*th), t, image.Point{}, draw.Src)
		}
	}
	return dst
}
