// Package ssim measures how alike two pictures look: the mean structural similarity (SSIM, Wang et
// al. 2004) of their luma, with the usual 11×11 Gaussian window (σ 1.5) and constants K1 0.01,
// K2 0.03. 1 means identical; photos that look the same after compression score about 0.95 and up.
// The benchmarks use it to compare encoders and resizers at equal quality, and the automatic
// quality (converter/autoquality) uses it to find the smallest file that still looks the same.
package ssim

import (
	"fmt"
	"image"
	"math"
	"runtime"
	"sync"
)

// Luma is a picture's brightness, one float per pixel, row after row.
type Luma struct {
	W, H int
	Y    []float32
}

// FromImage converts img to luma with the BT.601 weights, the ones JPEG and WebP use for Y. Pixels
// with transparency count as seen over black (premultiplied): the colour an encoder keeps under a
// fully transparent pixel is invisible and must not lower the score. Opaque pictures are unaffected.
func FromImage(img image.Image) *Luma {
	b := img.Bounds()
	l := &Luma{W: b.Dx(), H: b.Dy(), Y: make([]float32, b.Dx()*b.Dy())}
	row := func(y int) {
		out := l.Y[y*l.W:]
		switch m := img.(type) {
		case *image.RGBA:
			p := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := range l.W {
				out[x] = luma(p[4*x], p[4*x+1], p[4*x+2])
			}
		case *image.NRGBA:
			p := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := range l.W {
				out[x] = luma(p[4*x], p[4*x+1], p[4*x+2]) * float32(p[4*x+3]) / 255
			}
		case rgbImage: // decode.RGB: 3 bytes per pixel, origin at (0, 0)
			pix, stride := m.RGBPixels()
			p := pix[y*stride:]
			for x := range l.W {
				out[x] = luma(p[3*x], p[3*x+1], p[3*x+2])
			}
		default:
			for x := range l.W {
				r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
				out[x] = luma(uint8(r>>8), uint8(g>>8), uint8(bl>>8))
			}
		}
	}
	parallelRows(l.H, row)
	return l
}

// rgbImage is a 3-byte-per-pixel opaque picture (decode.RGB), named by its method so that this
// package does not depend on the decoder.
type rgbImage interface {
	image.Image
	RGBPixels() (pix []byte, stride int)
}

func luma(r, g, b uint8) float32 {
	return 0.299*float32(r) + 0.587*float32(g) + 0.114*float32(b)
}

// Mean is the mean SSIM of two pictures of the same size.
func Mean(a, b *Luma) (float64, error) {
	ref, err := NewReference(a)
	if err != nil {
		return 0, err
	}
	return ref.Mean(b)
}

// Reference is a picture ready to be compared with many others (the automatic quality scores
// several encodes of one sample): its local means and second moments are computed once, which
// leaves three of the five Gaussian filters per comparison.
type Reference struct {
	l      *Luma
	mu, xx []float32 // blurred luma and blurred squared luma

	// The planes of one comparison, kept for the next (a search scores several encodes of one
	// sample: 5 planes of 4 MB each for a 1 MP sample, which would otherwise be garbage every time).
	scratch sync.Mutex
	planes  [6][]float32 // yy, xy, my, syy, sxy, and the filter's intermediate rows
}

// NewReference prepares a for Reference.Mean.
func NewReference(a *Luma) (*Reference, error) {
	if a.W < 11 || a.H < 11 {
		return nil, fmt.Errorf("ssim: %dx%d is smaller than the 11×11 window", a.W, a.H)
	}
	sq := make([]float32, len(a.Y))
	parallelRows(a.H, func(y int) {
		for i := y * a.W; i < (y+1)*a.W; i++ {
			sq[i] = a.Y[i] * a.Y[i]
		}
	})
	return &Reference{l: a, mu: blur(a.Y, a.W, a.H), xx: blur(sq, a.W, a.H)}, nil
}

// Mean is the mean SSIM of the reference and b, a picture of the same size.
func (r *Reference) Mean(b *Luma) (float64, error) {
	a := r.l
	if a.W != b.W || a.H != b.H {
		return 0, fmt.Errorf("ssim: sizes differ: %dx%d vs %dx%d", a.W, a.H, b.W, b.H)
	}
	r.scratch.Lock()
	defer r.scratch.Unlock()
	n := a.W * a.H
	for i := range r.planes {
		if len(r.planes[i]) != n {
			r.planes[i] = make([]float32, n)
		}
	}
	yy, xy, tmp := r.planes[0], r.planes[1], r.planes[5]
	parallelRows(a.H, func(y int) {
		for i := y * a.W; i < (y+1)*a.W; i++ {
			p, q := a.Y[i], b.Y[i]
			yy[i], xy[i] = q*q, p*q
		}
	})
	mx, sxx := r.mu, r.xx
	my := blurInto(r.planes[2], tmp, b.Y, a.W, a.H)
	syy := blurInto(r.planes[3], tmp, yy, a.W, a.H)
	sxy := blurInto(r.planes[4], tmp, xy, a.W, a.H)
	const c1, c2 = (0.01 * 255) * (0.01 * 255), (0.03 * 255) * (0.03 * 255)
	// Only where the whole window lies inside the picture ("valid" region), as the reference code.
	w, h := a.W-10, a.H-10
	sums := make([]float64, h)
	parallelRows(h, func(y int) {
		var s float64
		for x := range w {
			i := (y+5)*a.W + x + 5
			ux, uy := float64(mx[i]), float64(my[i])
			vx, vy, cv := float64(sxx[i])-ux*ux, float64(syy[i])-uy*uy, float64(sxy[i])-ux*uy
			s += ((2*ux*uy + c1) * (2*cv + c2)) / ((ux*ux + uy*uy + c1) * (vx + vy + c2))
		}
		sums[y] = s
	})
	var total float64
	for _, s := range sums {
		total += s
	}
	return total / float64(w*h), nil
}

// kernel is the normalised 11-tap Gaussian, σ 1.5.
var kernel = func() [11]float32 {
	var k [11]float32
	var sum float64
	for i := range k {
		d := float64(i - 5)
		v := math.Exp(-d * d / (2 * 1.5 * 1.5))
		k[i] = float32(v)
		sum += v
	}
	for i := range k {
		k[i] = float32(float64(k[i]) / sum)
	}
	return k
}()

// blur filters src with the Gaussian in both directions; borders are clamped (they are outside the
// valid region Mean averages anyway).
func blur(src []float32, w, h int) []float32 {
	return blurInto(make([]float32, w*h), make([]float32, w*h), src, w, h)
}

// blurInto is blur writing into dst, with tmp (same size) for the horizontal pass; it returns dst.
func blurInto(dst, tmp, src []float32, w, h int) []float32 {
	parallelRows(h, func(y int) {
		row, out := src[y*w:(y+1)*w], tmp[y*w:(y+1)*w]
		edge := func(x int) {
			var s float32
			for k := -5; k <= 5; k++ {
				s += kernel[k+5] * row[min(max(x+k, 0), w-1)]
			}
			out[x] = s
		}
		for x := range min(5, w) {
			edge(x)
		}
		// Inside, no clamping: the eleven taps written out (same sums, in the same order, as edge).
		k := &kernel
		for x := 5; x < w-5; x++ {
			r := row[x-5 : x+6 : x+6]
			out[x] = k[0]*r[0] + k[1]*r[1] + k[2]*r[2] + k[3]*r[3] + k[4]*r[4] + k[5]*r[5] +
				k[6]*r[6] + k[7]*r[7] + k[8]*r[8] + k[9]*r[9] + k[10]*r[10]
		}
		for x := max(5, w-5); x < w; x++ {
			edge(x)
		}
	})
	parallelRows(h, func(y int) {
		out := dst[y*w : (y+1)*w]
		clear(out)
		for k := -5; k <= 5; k++ {
			in := tmp[min(max(y+k, 0), h-1)*w:][:w]
			c := kernel[k+5]
			for x := range w {
				out[x] += c * in[x]
			}
		}
	})
	return dst
}

// parallelRows calls f for every row in [0, h) on all cores.
func parallelRows(h int, f func(y int)) {
	n := min(runtime.GOMAXPROCS(0), h)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for y := i; y < h; y += n {
				f(y)
			}
		}()
	}
	wg.Wait()
}
