package ssim

import (
	"encoding/binary"
	"image"
	"image/color"
	"math"
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

// What hides under a fully transparent pixel is not seen, so it does not count; a visible
// difference does. A 3-byte picture scores as its 4-byte twin, and a Reference as Mean.
func TestTransparencyRGBAndReference(t *testing.T) {
	a := image.NewNRGBA(image.Rect(0, 0, 64, 48))
	for i := 0; i < len(a.Pix); i += 4 {
		x := (i / 4) % 64
		a.Pix[i], a.Pix[i+1], a.Pix[i+2], a.Pix[i+3] = uint8(4*x), uint8(i>>6), 90, 255
		if x >= 32 {
			a.Pix[i+3] = 0
		}
	}
	hidden := image.NewNRGBA(a.Rect)
	copy(hidden.Pix, a.Pix)
	for i := 0; i < len(hidden.Pix); i += 4 {
		if hidden.Pix[i+3] == 0 {
			hidden.Pix[i], hidden.Pix[i+1], hidden.Pix[i+2] = 255-hidden.Pix[i], 7, 250
		}
	}
	if s, err := Mean(FromImage(a), FromImage(hidden)); err != nil || s < 0.99999 {
		t.Errorf("changed colour under transparency scores %.5f (%v), want 1", s, err)
	}
	seen := image.NewNRGBA(a.Rect)
	copy(seen.Pix, hidden.Pix)
	for i := 3; i < len(seen.Pix); i += 4 {
		seen.Pix[i] = 255
	}
	if s, _ := Mean(FromImage(a), FromImage(seen)); s > 0.9 {
		t.Errorf("a visible change scores %.4f", s)
	}

	ref := gradient(96, 64)
	rgb := &rgb3{rect: ref.Rect, pix: make([]byte, 3*96*64)}
	for i := range 96 * 64 {
		copy(rgb.pix[3*i:3*i+3], ref.Pix[4*i:4*i+3])
	}
	if l1, l2 := FromImage(ref), FromImage(rgb); string(f32bytes(l1.Y)) != string(f32bytes(l2.Y)) {
		t.Error("3-byte and 4-byte pictures give different luma")
	}
	noisy := gradient(96, 64)
	for i := range noisy.Pix {
		if i%7 == 0 {
			noisy.Pix[i] ^= 0x10
		}
	}
	r, err := NewReference(FromImage(ref))
	if err != nil {
		t.Fatal(err)
	}
	viaRef, _ := r.Mean(FromImage(noisy))
	direct, _ := Mean(FromImage(ref), FromImage(noisy))
	if viaRef != direct || direct >= 0.999 {
		t.Errorf("reference %.6f, direct %.6f", viaRef, direct)
	}
}

// rgb3 is a 3-byte picture like decode.RGB (which this package does not import).
type rgb3 struct {
	rect image.Rectangle
	pix  []byte
}

func (p *rgb3) ColorModel() color.Model { return color.RGBAModel }
func (p *rgb3) Bounds() image.Rectangle { return p.rect }
func (p *rgb3) At(x, y int) color.Color {
	i := 3 * (y*p.rect.Dx() + x)
	return color.RGBA{p.pix[i], p.pix[i+1], p.pix[i+2], 255}
}
func (p *rgb3) RGBPixels() (pix []byte, stride int) { return p.pix, 3 * p.rect.Dx() }

func f32bytes(v []float32) []byte {
	b := make([]byte, 0, 4*len(v))
	for _, f := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(f))
	}
	return b
}
