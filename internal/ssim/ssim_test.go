package ssim

import (
	"image"
	"math/rand"
	"testing"
)

func gradient(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			i := img.PixOffset(x, y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(x*3+y), uint8(y*2), uint8((x*y)>>4), 255
		}
	}
	return img
}

// Identical pictures score 1; noise lowers the score, more noise lowers it more; sizes must match.
func TestMean(t *testing.T) {
	ref := gradient(96, 64)
	same, err := Mean(FromImage(ref), FromImage(ref))
	if err != nil || same < 0.99999 {
		t.Fatalf("identical: %v %v", same, err)
	}
	noisy := func(amount int) float64 {
		img := gradient(96, 64)
		r := rand.New(rand.NewSource(1))
		for i := range img.Pix {
			if i%4 != 3 {
				img.Pix[i] = uint8(min(max(int(img.Pix[i])+r.Intn(2*amount+1)-amount, 0), 255))
			}
		}
		s, err := Mean(FromImage(ref), FromImage(img))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	light, heavy := noisy(4), noisy(40)
	if !(same > light && light > heavy && heavy > 0) {
		t.Errorf("SSIM identical %.4f, light noise %.4f, heavy noise %.4f: want strictly decreasing", same, light, heavy)
	}
	if _, err := Mean(FromImage(ref), FromImage(gradient(95, 64))); err == nil {
		t.Error("different sizes compared without an error")
	}
}
