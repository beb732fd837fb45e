// Command pixdiff compares two decoded images (PNG) pixel by pixel, for the packaging tests in
// tests/dist: it prints the largest difference of any channel (0-255) and the PSNR over all RGBA
// samples, and exits 1 when the sizes differ.
//
//	pixdiff A.png B.png   ->   maxdiff=3 psnr=51.20
//
// Colour is compared as straight (not premultiplied) RGBA, but where a pixel is fully transparent in
// both images only alpha counts: encoders may leave any colour under alpha 0.
package main

import (
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"math"
	"os"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: pixdiff A.png B.png")
		os.Exit(2)
	}
	a, err := load(os.Args[1])
	if err == nil {
		var b *image.NRGBA
		if b, err = load(os.Args[2]); err == nil {
			var d diff
			if d, err = compare(a, b); err == nil {
				fmt.Printf("maxdiff=%d psnr=%s\n", d.max, d.psnrString())
				return
			}
		}
	}
	fmt.Fprintln(os.Stderr, "pixdiff:", err)
	os.Exit(1)
}

func load(path string) (*image.NRGBA, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if n, ok := img.(*image.NRGBA); ok {
		return n, nil
	}
	// 16-bit PNGs and other layouts: one 8-bit straight-alpha form for both sides.
	n := image.NewNRGBA(img.Bounds())
	draw.Draw(n, n.Bounds(), img, img.Bounds().Min, draw.Src)
	return n, nil
}

type diff struct {
	max   int
	sqSum float64
	n     int
}

func (d diff) psnrString() string {
	if d.sqSum == 0 {
		return "inf"
	}
	mse := d.sqSum / float64(d.n)
	return fmt.Sprintf("%.2f", 10*math.Log10(255*255/mse))
}

func compare(a, b *image.NRGBA) (diff, error) {
	if a.Bounds().Size() != b.Bounds().Size() {
		return diff{}, fmt.Errorf("sizes differ: %v vs %v", a.Bounds().Size(), b.Bounds().Size())
	}
	var d diff
	w, h := a.Bounds().Dx(), a.Bounds().Dy()
	for y := 0; y < h; y++ {
		pa := a.Pix[y*a.Stride : y*a.Stride+4*w]
		pb := b.Pix[y*b.Stride : y*b.Stride+4*w]
		for x := 0; x < 4*w; x += 4 {
			first := 0
			if pa[x+3] == 0 && pb[x+3] == 0 {
				first = 3 // both invisible: colour does not matter
			}
			for c := first; c < 4; c++ {
				v := int(pa[x+c]) - int(pb[x+c])
				if v < 0 {
					v = -v
				}
				if v > d.max {
					d.max = v
				}
				d.sqSum += float64(v * v)
			}
			d.n += 4
		}
	}
	return d, nil
}
