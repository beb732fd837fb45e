// Package resize scales decoded photos down with a Lanczos-3 filter: separable, in 14-bit fixed
// point on the 8-bit samples, spread over the cores. It is the second half of shrink-on-load: the
// decoder first brings a JPEG down to within 2× of the target size in the DCT
// (decode.Options.FitWidth), this filter takes it the rest of the way, to the quality of a Lanczos
// resize of the full-size picture. About 2.5× faster than disintegration/imaging's Lanczos on the
// same pixels (BenchmarkLanczos), with the same result to within rounding.
//
// Opaque pictures (*image.RGBA as the decoder returns them, and 3-byte *decode.RGB) take the fast
// path; pictures with transparency are premultiplied for the filter so that transparent pixels do
// not bleed their colour into the edges.
package resize

import (
	"encoding/binary"
	"image"
	"math"
	"runtime"
	"sync"

	"imageconverter/converter/decode"
)

// Lanczos returns img scaled to w×h. The result has the same pixel layout as img for *image.RGBA,
// *image.NRGBA and *decode.RGB (any other type comes back as *image.NRGBA); img itself when the size
// does not change. The filter is meant for shrinking; enlarging works but is not what it is tuned for.
func Lanczos(img image.Image, w, h int) image.Image {
	b := img.Bounds()
	if w <= 0 || h <= 0 {
		w, h = max(w, 1), max(h, 1)
	}
	if b.Dx() == w && b.Dy() == h {
		return img
	}
	switch m := img.(type) {
	case *decode.RGB:
		pix := scale(m.Pix, m.Stride, b.Dx(), b.Dy(), 3, w, h)
		return &decode.RGB{Pix: pix, Stride: 3 * w, Rect: image.Rect(0, 0, w, h)}
	case *image.RGBA:
		if m.Opaque() {
			pix := scale(m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, b.Dx(), b.Dy(), 4, w, h)
			return &image.RGBA{Pix: pix, Stride: 4 * w, Rect: image.Rect(0, 0, w, h)}
		}
		// Premultiplied already: filter as is, the result stays premultiplied.
		pix := scale(m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, b.Dx(), b.Dy(), 4, w, h)
		clampPremultiplied(pix)
		return &image.RGBA{Pix: pix, Stride: 4 * w, Rect: image.Rect(0, 0, w, h)}
	case *image.NRGBA:
		if isOpaque(m) {
			pix := scale(m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, b.Dx(), b.Dy(), 4, w, h)
			return &image.NRGBA{Pix: pix, Stride: 4 * w, Rect: image.Rect(0, 0, w, h)}
		}
	}
	return scaleStraightAlpha(img, w, h)
}

// scaleStraightAlpha premultiplies (at 16 bits), filters, and divides the alpha back out.
func scaleStraightAlpha(img image.Image, w, h int) image.Image {
	b := img.Bounds()
	sw, sh := b.Dx(), b.Dy()
	pre := make([]byte, 4*sw*sh)
	parallel(sh, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			row := pre[4*sw*y:][:4*sw]
			if m, ok := img.(*image.NRGBA); ok {
				in := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):][:4*sw]
				for i := 0; i+3 < len(row); i += 4 {
					a := uint32(in[i+3])
					row[i] = uint8((uint32(in[i])*a + 127) / 255)
					row[i+1] = uint8((uint32(in[i+1])*a + 127) / 255)
					row[i+2] = uint8((uint32(in[i+2])*a + 127) / 255)
					row[i+3] = uint8(a)
				}
				continue
			}
			for x := range sw {
				r, g, bl, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA() // premultiplied, 16 bits
				row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = uint8(r>>8), uint8(g>>8), uint8(bl>>8), uint8(a>>8)
			}
		}
	})
	pix := scale(pre, 4*sw, sw, sh, 4, w, h)
	clampPremultiplied(pix)
	for i := 0; i < len(pix); i += 4 {
		a := uint32(pix[i+3])
		switch a {
		case 0:
			pix[i], pix[i+1], pix[i+2] = 0, 0, 0
		case 0xFF:
		default:
			pix[i] = uint8((uint32(pix[i])*0xFF + a/2) / a)
			pix[i+1] = uint8((uint32(pix[i+1])*0xFF + a/2) / a)
			pix[i+2] = uint8((uint32(pix[i+2])*0xFF + a/2) / a)
		}
	}
	return &image.NRGBA{Pix: pix, Stride: 4 * w, Rect: image.Rect(0, 0, w, h)}
}

// clampPremultiplied keeps colour ≤ alpha after the filter's negative lobes (ringing).
func clampPremultiplied(pix []byte) {
	for i := 0; i < len(pix); i += 4 {
		a := pix[i+3]
		pix[i], pix[i+1], pix[i+2] = min(pix[i], a), min(pix[i+1], a), min(pix[i+2], a)
	}
}

func isOpaque(m *image.NRGBA) bool {
	b := m.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := m.Pix[m.PixOffset(b.Min.X, y):][:4*b.Dx()]
		for i := 3; i < len(row); i += 4 {
			if row[i] != 0xFF {
				return false
			}
		}
	}
	return true
}

// precision is the number of fraction bits of the fixed-point weights.
const precision = 14

// taps is a filter for one direction: output i reads n input samples from start[i], with weights
// w[i*n : (i+1)*n] that add up to 1<<precision.
type taps struct {
	n     int
	start []int
	w     []int64
}

// lanczos3 is the windowed sinc with three lobes.
func lanczos3(x float64) float64 {
	x = math.Abs(x)
	if x >= 3 {
		return 0
	}
	if x < 1e-9 {
		return 1
	}
	px := math.Pi * x
	return 3 * math.Sin(px) * math.Sin(px/3) / (px * px)
}

// newTaps builds the filter from src to dst samples. When shrinking the kernel is stretched by the
// ratio, so every output sample averages over its whole footprint (no aliasing).
func newTaps(src, dst int) taps {
	ratio := float64(src) / float64(dst)
	stretch := max(ratio, 1)
	support := 3 * stretch
	los, fws := make([]int, dst), make([][]float64, dst)
	n := 1
	for i := range dst {
		center := (float64(i) + 0.5) * ratio // in input coordinates, pixel centres at j+0.5
		lo := max(int(math.Floor(center-support)), 0)
		hi := min(int(math.Ceil(center+support)), src-1)
		var fw []float64
		var sum float64
		for j := lo; j <= hi; j++ {
			v := lanczos3((float64(j) + 0.5 - center) / stretch)
			if v == 0 && len(fw) == 0 {
				lo++ // leading zeros: start later
				continue
			}
			fw = append(fw, v)
			sum += v
		}
		for len(fw) > 1 && fw[len(fw)-1] == 0 {
			fw = fw[:len(fw)-1]
		}
		for k := range fw {
			fw[k] /= sum
		}
		los[i], fws[i] = lo, fw
		n = max(n, len(fw))
	}
	n = min(n, src)
	t := taps{n: n, start: make([]int, dst), w: make([]int64, dst*n)}
	for i, fw := range fws {
		s := min(los[i], src-n) // keep the window inside the row; the weights move with it
		ws := t.w[i*n : (i+1)*n]
		var total int64
		best := 0
		for k, v := range fw {
			j := los[i] + k - s
			ws[j] = int64(math.Round(v * (1 << precision)))
			total += ws[j]
			if ws[j] > ws[best] {
				best = j
			}
		}
		ws[best] += 1<<precision - total // rounding leftovers go to the centre tap: flat stays flat
		t.start[i] = s
	}
	return t
}

// The inner loops work on two samples at once ("SIMD within a register"): two 8-bit samples sit in
// the two 32-bit halves of a uint64, and one multiplication by a weight gives both products. The
// weights may be negative, so each half starts at a bias that keeps its final sum in [0, 2³²): the
// arithmetic is modulo 2⁶⁴, so intermediate borrows between the halves cancel out, and the two
// halves come out exact.
const (
	bias     = 1 << 24 // > the most negative sum (~-0.2 × 255 << 14), and bias + the largest < 2³²
	bias2    = bias<<32 | bias
	round2   = (1<<(precision-1))<<32 | 1<<(precision-1)
	laneMask = 0x000000FF000000FF
)

// lane returns sample value of the half of a two-sample sum: the low half, or the high one with hi set.
func lane(acc uint64, hi bool) uint8 {
	if hi {
		acc >>= 32
	}
	v := int64(acc&0xFFFFFFFF) - bias
	v >>= precision
	if v < 0 {
		return 0
	}
	if v > 0xFF {
		return 0xFF
	}
	return uint8(v)
}

// scale resizes c-channel 8-bit pixels (sw×sh, stride bytes per row) to dw×dh: vertically first
// into an sw×dh buffer, then horizontally. That order is the cheaper one when shrinking: the
// vertical pass costs less per sample (eight samples per four multiplies) than the horizontal one,
// so it is the pass that meets the larger picture.
func scale(src []byte, stride, sw, sh, c, dw, dh int) []byte {
	mid, midStride := src, stride
	if dh != sh {
		mid, midStride = make([]byte, sw*c*dh), sw*c
		vt := newTaps(sh, dh)
		parallel(dh, func(y0, y1 int) {
			rows := make([][]byte, vt.n)
			for y := y0; y < y1; y++ {
				for k := range rows {
					rows[k] = src[(vt.start[y]+k)*stride:][:sw*c]
				}
				vertical(mid[y*midStride:][:sw*c], rows, vt.w[y*vt.n:][:vt.n])
			}
		})
	}
	out := make([]byte, dw*c*dh)
	if dw == sw {
		for y := range dh {
			copy(out[y*dw*c:][:dw*c], mid[y*midStride:][:dw*c])
		}
		return out
	}
	ht := newTaps(sw, dw)
	parallel(dh, func(y0, y1 int) {
		pairs := make([]uint64, 2*sw)
		for y := y0; y < y1; y++ {
			horizontal(out[y*dw*c:][:dw*c], mid[y*midStride:][:sw*c], c, ht, pairs)
		}
	})
	return out
}

// horizontal filters one row of c-channel (3 or 4) pixels. pairs is scratch of two words per input
// pixel: R and B in the first half, G and A (or nothing) in the second.
func horizontal(out, in []byte, c int, t taps, pairs []uint64) {
	sw := len(in) / c
	rbs, gas := pairs[:sw], pairs[sw:2*sw]
	for x := range sw {
		p := in[c*x:][:3]
		var a uint64
		if c == 4 {
			a = uint64(in[c*x+3])
		}
		rbs[x] = uint64(p[0]) | uint64(p[2])<<32
		gas[x] = uint64(p[1]) | a<<32
	}
	n := t.n
	for x := 0; x < len(out)/c; x++ {
		ws := t.w[x*n:][:n]
		s := t.start[x]
		rb0, ga0 := rbs[s:][:len(ws)], gas[s:][:len(ws)]
		rb, ga := uint64(bias2+round2), uint64(bias2+round2)
		for k, w := range ws {
			rb += uint64(w) * rb0[k]
			ga += uint64(w) * ga0[k]
		}
		if c == 4 {
			o := out[4*x:][:4]
			o[0], o[1], o[2], o[3] = lane(rb, false), lane(ga, false), lane(rb, true), lane(ga, true)
		} else {
			o := out[3*x:][:3]
			o[0], o[1], o[2] = lane(rb, false), lane(ga, false), lane(rb, true)
		}
	}
}

// vertical sums the weighted rows into out, sixteen samples per step (eight two-sample words, two
// loads per row: enough work per step to hide the loop's own cost).
func vertical(out []byte, rows [][]byte, ws []int64) {
	x := 0
	for ; x+16 <= len(out); x += 16 {
		a0, a1, a2, a3 := uint64(bias2+round2), uint64(bias2+round2), uint64(bias2+round2), uint64(bias2+round2)
		b0, b1, b2, b3 := a0, a1, a2, a3
		for k, row := range rows {
			r := row[x : x+16]
			v, u := binary.LittleEndian.Uint64(r), binary.LittleEndian.Uint64(r[8:])
			w := uint64(ws[k])
			a0 += w * (v & laneMask)
			a1 += w * (v >> 8 & laneMask)
			a2 += w * (v >> 16 & laneMask)
			a3 += w * (v >> 24 & laneMask)
			b0 += w * (u & laneMask)
			b1 += w * (u >> 8 & laneMask)
			b2 += w * (u >> 16 & laneMask)
			b3 += w * (u >> 24 & laneMask)
		}
		o := out[x : x+16]
		o[0], o[1], o[2], o[3] = lane(a0, false), lane(a1, false), lane(a2, false), lane(a3, false)
		o[4], o[5], o[6], o[7] = lane(a0, true), lane(a1, true), lane(a2, true), lane(a3, true)
		o[8], o[9], o[10], o[11] = lane(b0, false), lane(b1, false), lane(b2, false), lane(b3, false)
		o[12], o[13], o[14], o[15] = lane(b0, true), lane(b1, true), lane(b2, true), lane(b3, true)
	}
	for ; x < len(out); x++ {
		acc := int64(1 << (precision - 1))
		for k, row := range rows {
			acc += ws[k] * int64(row[x])
		}
		out[x] = uint8(min(max(acc>>precision, 0), 0xFF))
	}
}

// parallel splits rows [0, n) into one band per core.
func parallel(n int, f func(y0, y1 int)) {
	bands := min(runtime.GOMAXPROCS(0), max(n/64, 1))
	if bands == 1 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	for i := range bands {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(n*i/bands, n*(i+1)/bands)
		}()
	}
	wg.Wait()
}
