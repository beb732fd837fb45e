package decode

import "testing"

// lcmsRGB converts with the full lcms2 transform only (no fast path), for comparison.
func lcmsRGB(t *testing.T, b *buf, icc []byte) {
	t.Helper()
	if rc := toSRGBLCMS(b, icc); rc != 0 {
		t.Fatalf("lcms2 transform failed: %d", rc)
	}
}

// TestFastMatrixShaper compares the matrix/shaper fast path with lcms2 on a 64^3 sample of colours for
// the real profiles in the corpus (Adobe RGB; the swapped red/green test profile).
func TestFastMatrixShaper(t *testing.T) {
	profiles := map[string][]byte{
		"AdobeRGB1998":       jpegMeta(mustRead(t, "jpeg_adobergb.jpg")).ICC,
		"SwappedRedAndGreen": pngMeta(mustRead(t, "png_icc_swapped.png")).ICC,
	}
	for name, icc := range profiles {
		t.Run(name, func(t *testing.T) {
			if iccKind(icc) != profileRGB {
				t.Fatalf("profile kind %d, want RGB", iccKind(icc))
			}
			a, c := newBuf(64*64, 64, false), newBuf(64*64, 64, false)
			for i := 0; i < 64*64*64; i++ {
				a.pix[4*i], a.pix[4*i+1], a.pix[4*i+2], a.pix[4*i+3] = byte(i&63)*4+3, byte(i>>6&63)*4+1, byte(i>>12)*4+2, 0x80
			}
			copy(c.pix, a.pix)
			if err := toSRGB(a, icc, profileRGB); err != nil {
				t.Fatal(err)
			}
			lcmsRGB(t, c, icc)
			worst, off := 0, 0
			for i := range a.pix {
				d := int(a.pix[i]) - int(c.pix[i])
				if d < 0 {
					d = -d
				}
				if d > 1 {
					off++
				}
				worst = max(worst, d)
			}
			t.Logf("worst %d, %d of %d samples off by more than 1", worst, off, len(a.pix))
			if worst > 2 || off > len(a.pix)/1000 {
				t.Errorf("fast path vs lcms2: worst %d, %d samples off by more than 1", worst, off)
			}
			for i := 3; i < len(a.pix); i += 4 {
				if a.pix[i] != 0x80 {
					t.Fatalf("alpha changed at %d: %d", i, a.pix[i])
				}
			}
		})
	}
}
