package decode

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

// TestAVIFTaggedByCICP: an AVIF whose colours are described by CICP only (no ICC profile), as avifenc
// writes by default, is converted from its primaries and transfer. Both files hold rgb(200,100,50),
// losslessly; they used to come out unchanged, i.e. taken as sRGB.
func TestAVIFTaggedByCICP(t *testing.T) {
	// Linear-light conversion matrices to sRGB (BT.709) primaries, D65 on both sides.
	p3 := [9]float64{1.2249401, -0.2249404, 0, -0.0420569, 1.0420571, 0, -0.0196376, -0.0786361, 1.0982735}
	bt2020 := [9]float64{1.6604910, -0.5876411, -0.0728499, -0.1245505, 1.1328999, -0.0083494, -0.0181508, -0.1005789, 1.1187297}
	srgbToLinear := func(v float64) float64 {
		if v <= 0.04045 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	bt709ToLinear := func(v float64) float64 {
		if v < 0.081 {
			return v / 4.5
		}
		return math.Pow((v+0.099)/1.099, 1/0.45)
	}
	tests := []struct {
		file   string
		m      [9]float64
		linear func(float64) float64
	}{
		{"avif_p3_cicp.avif", p3, srgbToLinear},          // avifenc --cicp 12/13/0
		{"avif_bt2020_cicp.avif", bt2020, bt709ToLinear}, // avifenc --cicp 9/1/0
	}
	in := [3]float64{200, 100, 50}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			var lin [3]float64
			for i, v := range in {
				lin[i] = tc.linear(v / 255)
			}
			var want [3]uint8
			for r := 0; r < 3; r++ {
				v := tc.m[3*r]*lin[0] + tc.m[3*r+1]*lin[1] + tc.m[3*r+2]*lin[2]
				v = math.Max(0, math.Min(1, v))
				if v <= 0.0031308 {
					v *= 12.92
				} else {
					v = 1.055*math.Pow(v, 1/2.4) - 0.055
				}
				want[r] = uint8(math.Round(v * 255))
			}
			img, err := DecodeBytes(data, Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := px(img.Pixels, 3, 3)
			for i, g := range []uint8{got.R, got.G, got.B} {
				if d := int(g) - int(want[i]); d < -2 || d > 2 {
					t.Fatalf("got %v, want about %v (source rgb(200,100,50))", got, want)
				}
			}
			// Keeping metadata keeps the pixels in their space and writes the equivalent profile.
			img, err = DecodeBytes(data, Options{KeepMetadata: true})
			if err != nil {
				t.Fatal(err)
			}
			if c := px(img.Pixels, 3, 3); c.R != 200 || c.G != 100 || c.B != 50 || iccKind(img.Meta.ICC) != profileRGB {
				t.Fatalf("kept: %v, profile kind %v (%d bytes)", c, iccKind(img.Meta.ICC), len(img.Meta.ICC))
			}
		})
	}
	// sRGB-like and unspecified tags are left alone.
	for _, c := range [][2]int{{1, 13}, {2, 2}, {12, 2}, {1, 1}} {
		if icc := cicpICC(c[0], c[1]); icc != nil {
			t.Errorf("cicp %v: built a %d-byte profile", c, len(icc))
		}
	}
}
