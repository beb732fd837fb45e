package decode

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"imageconverter/converter/meta"
)

const corpus = "../testdata"

func open(t testing.TB, name string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join(corpus, name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func decodeFile(t testing.TB, name string, opts Options) (*Image, error) {
	t.Helper()
	return Decode(open(t, name), opts)
}

// px returns the non-premultiplied colour at (x, y).
func px(im image.Image, x, y int) color.NRGBA {
	return color.NRGBAModel.Convert(im.At(x, y)).(color.NRGBA)
}

func near(a, b color.NRGBA, tol int) bool {
	d := func(x, y uint8) bool { v := int(x) - int(y); return v <= tol && v >= -tol }
	return d(a.R, b.R) && d(a.G, b.G) && d(a.B, b.B) && d(a.A, b.A)
}

var (
	red   = color.NRGBA{255, 0, 0, 255}
	green = color.NRGBA{0, 255, 0, 255}
	blue  = color.NRGBA{0, 0, 255, 255}
	white = color.NRGBA{255, 255, 255, 255}
	grey  = color.NRGBA{128, 128, 128, 255}
	// The reference patches in luma (Rec. 601, as ImageMagick makes gray).
	redL   = color.NRGBA{54, 54, 54, 255}
	greenL = color.NRGBA{182, 182, 182, 255}
	blueL  = color.NRGBA{18, 18, 18, 255}
)

// patches is what the 60x40 reference shows at the centres of its four corner patches, in display order
// (after orientation): top-left, top-right, bottom-left, bottom-right. A wrong orientation or a channel
// mix-up moves or changes a patch.
type patches [4]color.NRGBA

var refPatches = patches{red, green, blue, white}

func checkPatches(t *testing.T, im image.Image, want patches, tol int) {
	t.Helper()
	pts := []image.Point{{10, 10}, {50, 10}, {10, 30}, {50, 30}}
	for i, p := range pts {
		if got := px(im, p.X, p.Y); !near(got, want[i], tol) {
			t.Errorf("patch %d at %v = %v, want %v ± %d", i, p, got, want[i], tol)
		}
	}
}

func TestDecodeCorpus(t *testing.T) {
	tests := []struct {
		file    string
		format  string
		stored  [2]int // as in the header
		patches *patches
		tol     int
		alpha   bool // has a 50 % transparent band at x 20..39
		gray    bool
	}{
		{file: "jpeg_baseline.jpg", format: FormatJPEG, stored: [2]int{60, 40}, patches: &refPatches, tol: 6},
		{file: "jpeg_progressive.jpg", format: FormatJPEG, stored: [2]int{60, 40}, patches: &refPatches, tol: 6},
		{file: "jpeg_gray.jpg", format: FormatJPEG, stored: [2]int{60, 40}, patches: &patches{redL, greenL, blueL, white}, tol: 4, gray: true},
		// Stored luma 54/182/18 under a linear (gamma 1.0) gray profile: sRGB 127/220/75, as ImageMagick+lcms2.
		{file: "jpeg_gray_icc.jpg", format: FormatJPEG, stored: [2]int{60, 40}, patches: &patches{{127, 127, 127, 255}, {220, 220, 220, 255}, {75, 75, 75, 255}, white}, tol: 3, gray: true},
		{file: "jpeg_cmyk_noprofile.jpg", format: FormatJPEG, stored: [2]int{60, 40}, patches: &refPatches, tol: 6},
		// sRGB red through a SWOP-like press profile and back is the ink red ImageMagick+lcms2 shows:
		// (237, 39, 45). A decoder ignoring the profile (or the Adobe inversion) gives pure red or cyan.
		{file: "jpeg_cmyk_icc.jpg", format: FormatJPEG, stored: [2]int{60, 40},
			patches: &patches{{237, 39, 45, 255}, {99, 188, 75, 255}, {53, 82, 163, 255}, white}, tol: 6},
		{file: "jpeg_adobergb.jpg", format: FormatJPEG, stored: [2]int{60, 40}, patches: &refPatches, tol: 6},
		{file: "jpeg_orient1.jpg", format: FormatJPEG, stored: [2]int{60, 40}, patches: &refPatches, tol: 6},
		{file: "jpeg_orient2.jpg", format: FormatJPEG, stored: [2]int{60, 40}, patches: &refPatches, tol: 6},
		{file: "jpeg_orient3.jpg", format: FormatJPEG, stored: [2]int{60, 40}, patches: &refPatches, tol: 6},
		{file: "jpeg_orient4.jpg", format: FormatJPEG, stored: [2]int{60, 40}, patches: &refPatches, tol: 6},
		{file: "jpeg_orient5.jpg", format: FormatJPEG, stored: [2]int{40, 60}, patches: &refPatches, tol: 6},
		{file: "jpeg_orient6.jpg", format: FormatJPEG, stored: [2]int{40, 60}, patches: &refPatches, tol: 6},
		{file: "jpeg_orient7.jpg", format: FormatJPEG, stored: [2]int{40, 60}, patches: &refPatches, tol: 6},
		{file: "jpeg_orient8.jpg", format: FormatJPEG, stored: [2]int{40, 60}, patches: &refPatches, tol: 6},
		{file: "jpeg_gps_exif.jpg", format: FormatJPEG, stored: [2]int{184, 280}},
		{file: "png_palette.png", format: FormatPNG, stored: [2]int{60, 40}, patches: &refPatches},
		{file: "png_16bit.png", format: FormatPNG, stored: [2]int{60, 40}, patches: &refPatches},
		{file: "png_rgba.png", format: FormatPNG, stored: [2]int{60, 40}, patches: &refPatches, alpha: true},
		{file: "png_interlaced.png", format: FormatPNG, stored: [2]int{60, 40}, patches: &refPatches, alpha: true},
		{file: "png_gray.png", format: FormatPNG, stored: [2]int{60, 40}, patches: &patches{redL, greenL, blueL, white}, tol: 1, gray: true},
		{file: "png_gray_alpha.png", format: FormatPNG, stored: [2]int{60, 40}, patches: &patches{redL, greenL, blueL, white}, tol: 1, alpha: true, gray: true},
		// The profile swaps red and green: an ICC-aware decoder shows the red patch green.
		{file: "png_icc_swapped.png", format: FormatPNG, stored: [2]int{60, 40}, patches: &patches{green, red, blue, white}, tol: 3},
		{file: "png_rgba_adobergb.png", format: FormatPNG, stored: [2]int{60, 40}, patches: &refPatches, tol: 4, alpha: true},
		{file: "png_exif_orient8.png", format: FormatPNG, stored: [2]int{40, 60}, patches: &refPatches},
		{file: "bad_png_named.jpg", format: FormatPNG, stored: [2]int{60, 40}, patches: &refPatches, alpha: true},
		{file: "gif_still.gif", format: FormatGIF, stored: [2]int{60, 40}, patches: &refPatches},
		{file: "gif_no_trailer.gif", format: FormatGIF, stored: [2]int{60, 40}, patches: &refPatches},
		{file: "bmp_24bit.bmp", format: FormatBMP, stored: [2]int{60, 40}, patches: &refPatches},
		{file: "tiff_lzw.tif", format: FormatTIFF, stored: [2]int{60, 40}, patches: &refPatches},
		{file: "tiff_orient6.tif", format: FormatTIFF, stored: [2]int{40, 60}, patches: &refPatches},
		{file: "webp_lossy.webp", format: FormatWebP, stored: [2]int{60, 40}, patches: &refPatches, tol: 8},
		{file: "webp_lossless_alpha.webp", format: FormatWebP, stored: [2]int{60, 40}, patches: &refPatches, alpha: true},
		{file: "webp_exif_icc.webp", format: FormatWebP, stored: [2]int{40, 60}, patches: &refPatches, tol: 8},
		{file: "avif_8bit.avif", format: FormatAVIF, stored: [2]int{60, 40}, patches: &refPatches, tol: 6},
		{file: "avif_10bit.avif", format: FormatAVIF, stored: [2]int{60, 40}, patches: &refPatches, tol: 6},
		{file: "avif_alpha.avif", format: FormatAVIF, stored: [2]int{60, 40}, patches: &refPatches, tol: 6, alpha: true},
		{file: "avif_irot.avif", format: FormatAVIF, stored: [2]int{40, 60}, patches: &refPatches, tol: 6},
		// HEIF's header size is the coded size (ispe, 64x64 here), before the clean-aperture crop to 60x40.
		{file: "heic_still.heic", format: FormatHEIC, stored: [2]int{64, 64}, patches: &refPatches, tol: 6},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			cfg, err := Probe(open(t, tc.file))
			if err != nil {
				t.Fatalf("Probe: %v", err)
			}
			if cfg.Format != tc.format || cfg.Width != tc.stored[0] || cfg.Height != tc.stored[1] || cfg.Animated {
				t.Fatalf("Probe = %+v, want %s %dx%d still", cfg, tc.format, tc.stored[0], tc.stored[1])
			}
			img, err := decodeFile(t, tc.file, Options{})
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if img.Config != cfg {
				t.Errorf("Image.Config = %+v, want the probe's %+v", img.Config, cfg)
			}
			b := img.Pixels.Bounds()
			if tc.patches != nil {
				if b.Dx() != 60 || b.Dy() != 40 {
					t.Fatalf("decoded %dx%d, want 60x40 after orientation", b.Dx(), b.Dy())
				}
				checkPatches(t, img.Pixels, *tc.patches, tc.tol)
			}
			_, isN := img.Pixels.(*image.NRGBA)
			_, isR := img.Pixels.(*image.RGBA)
			if tc.alpha != isN || (!tc.alpha && !isR) {
				t.Errorf("pixels are %T; want NRGBA exactly when the picture has transparency (%v)", img.Pixels, tc.alpha)
			}
			if tc.alpha {
				// The band is 50 % transparent grey, not premultiplied.
				want := color.NRGBA{128, 128, 128, 128}
				if tc.gray {
					want = color.NRGBA{128, 128, 128, 128}
				}
				if got := px(img.Pixels, 30, 10); !near(got, want, 6) {
					t.Errorf("transparent band = %v, want %v", got, want)
				}
			}
			if img.Meta.EXIF != nil || img.Meta.ICC != nil || img.Meta.XMP != nil {
				t.Errorf("metadata returned without KeepMetadata: %d/%d/%d bytes", len(img.Meta.EXIF), len(img.Meta.ICC), len(img.Meta.XMP))
			}
		})
	}
}

func TestProbeAnimatedAndHuge(t *testing.T) {
	tests := []struct {
		file     string
		format   string
		w, h     int
		animated bool
	}{
		{"gif_animated.gif", FormatGIF, 60, 40, true},
		{"webp_animated.webp", FormatWebP, 60, 40, true},
		{"gif_still.gif", FormatGIF, 60, 40, false},
		{"bad_huge_declared.png", FormatPNG, 60000, 60000, false},
		{"bad_huge_declared.jpg", FormatJPEG, 60000, 60000, false},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			cfg, err := Probe(open(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			want := Config{Format: tc.format, Width: tc.w, Height: tc.h, Animated: tc.animated}
			if cfg != want {
				t.Errorf("Probe = %+v, want %+v", cfg, want)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		file    string
		opts    Options
		kind    error
		message string // part of what a person reads
	}{
		{file: "bad_empty.jpg", kind: ErrEmpty, message: "empty"},
		{file: "bad_truncated.jpg", kind: ErrCorrupt, message: "cut short"},
		{file: "bad_truncated.png", kind: ErrCorrupt, message: "cut short"},
		{file: "bad_corrupt_header.png", kind: ErrCorrupt, message: "damaged header"},
		{file: "bad_not_image.jpg", kind: ErrNotImage, message: "not a picture"},
		{file: "bad_huge_declared.png", kind: ErrTooLarge, message: "3600 megapixels"},
		{file: "bad_huge_declared.jpg", kind: ErrTooLarge, message: "60000 × 60000"},
		{file: "gif_animated.gif", kind: ErrAnimated, message: "GIF is animated"},
		{file: "webp_animated.webp", kind: ErrAnimated, message: "WebP is animated"},
		// The limit is configurable: a 60x40 picture is too large for a 1000-pixel limit.
		{file: "jpeg_baseline.jpg", opts: Options{MaxPixels: 1000}, kind: ErrTooLarge, message: "too large"},
		{file: "avif_8bit.avif", opts: Options{MaxPixels: 2399}, kind: ErrTooLarge, message: "too large"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			img, err := decodeFile(t, tc.file, tc.opts)
			if err == nil {
				t.Fatalf("decoded %v, want an error", img.Pixels.Bounds())
			}
			if !errors.Is(err, tc.kind) {
				t.Errorf("error %q is not %v", err, tc.kind)
			}
			if !strings.Contains(err.Error(), tc.message) {
				t.Errorf("error %q does not say %q", err, tc.message)
			}
		})
	}
}

func TestKeepMetadata(t *testing.T) {
	t.Run("jpeg GPS EXIF and XMP kept, orientation reset", func(t *testing.T) {
		img, err := decodeFile(t, "jpeg_gps_exif.jpg", Options{KeepMetadata: true})
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Pixels.Bounds(); b.Dx() != 280 || b.Dy() != 184 {
			t.Errorf("size %v, want 280x184 after orientation 6", b.Size())
		}
		if o := meta.Orientation(img.Meta.EXIF); o != 1 {
			t.Errorf("kept EXIF orientation = %d, want 1 (pixels are already turned)", o)
		}
		if !bytes.Contains(img.Meta.EXIF, []byte("TestCam")) || !bytes.HasPrefix(img.Meta.EXIF, []byte("MM\x00*")) && !bytes.HasPrefix(img.Meta.EXIF, []byte("II*\x00")) {
			t.Errorf("kept EXIF lacks the camera make or the TIFF header: % x", img.Meta.EXIF[:min(16, len(img.Meta.EXIF))])
		}
		if !bytes.Contains(img.Meta.XMP, []byte("corpus photo")) {
			t.Errorf("XMP not kept: %q", img.Meta.XMP)
		}
	})
	t.Run("jpeg GPS stripped by default", func(t *testing.T) {
		img, err := decodeFile(t, "jpeg_gps_exif.jpg", Options{})
		if err != nil {
			t.Fatal(err)
		}
		if img.Meta.EXIF != nil || img.Meta.XMP != nil {
			t.Error("EXIF/XMP returned without KeepMetadata")
		}
	})
	t.Run("AdobeRGB kept as profile with untouched pixels", func(t *testing.T) {
		img, err := decodeFile(t, "jpeg_adobergb.jpg", Options{KeepMetadata: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(img.Meta.ICC) != adobeRGBLen || iccKind(img.Meta.ICC) != profileRGB {
			t.Fatalf("ICC not kept (%d bytes)", len(img.Meta.ICC))
		}
		// sRGB green (0,255,0) is (144,255,60) in Adobe RGB numbers: far from what sRGB pixels would hold.
		if got := px(img.Pixels, 50, 10); near(got, green, 20) {
			t.Errorf("pixels were converted although the profile is kept: %v", got)
		}
	})
	t.Run("CMYK always converted, profile not kept", func(t *testing.T) {
		img, err := decodeFile(t, "jpeg_cmyk_icc.jpg", Options{KeepMetadata: true})
		if err != nil {
			t.Fatal(err)
		}
		if img.Meta.ICC != nil {
			t.Error("a CMYK profile was returned for RGB pixels")
		}
		checkPatches(t, img.Pixels, patches{{237, 39, 45, 255}, {99, 188, 75, 255}, {53, 82, 163, 255}, white}, 6)
	})
	t.Run("png eXIf and iTXt XMP", func(t *testing.T) {
		img, err := decodeFile(t, "png_exif_orient8.png", Options{KeepMetadata: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(img.Meta.EXIF) == 0 || meta.Orientation(img.Meta.EXIF) != 1 {
			t.Errorf("EXIF %d bytes, orientation %d; want kept with orientation 1", len(img.Meta.EXIF), meta.Orientation(img.Meta.EXIF))
		}
		if !bytes.Contains(img.Meta.XMP, []byte("corpus png")) {
			t.Errorf("XMP not kept: %q", img.Meta.XMP)
		}
	})
	t.Run("webp EXIF and ICCP chunks", func(t *testing.T) {
		img, err := decodeFile(t, "webp_exif_icc.webp", Options{KeepMetadata: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(img.Meta.EXIF) == 0 || len(img.Meta.ICC) != adobeRGBLen {
			t.Errorf("EXIF %d bytes, ICC %d bytes; want both", len(img.Meta.EXIF), len(img.Meta.ICC))
		}
	})
}

// adobeRGBLen is the size of colord's AdobeRGB1998.icc, which make.sh embeds.
const adobeRGBLen = 18604

func TestExtensionMismatch(t *testing.T) {
	if s := ExtensionMismatch("photo.jpg", FormatPNG); !strings.Contains(s, "really a PNG") {
		t.Errorf("PNG named .jpg: %q", s)
	}
	for _, c := range [][2]string{{"a.JPEG", FormatJPEG}, {"a.heif", FormatHEIC}, {"noext", FormatPNG}, {"a.dat", FormatPNG}} {
		if s := ExtensionMismatch(c[0], c[1]); s != "" {
			t.Errorf("%s as %s: %q, want no note", c[0], c[1], s)
		}
	}
}

// TestOrientAll checks every orientation against a 3x2 picture with distinct pixels, independent of the
// JPEG corpus (lossless, so exact).
func TestOrientAll(t *testing.T) {
	// stored for orientation o -> expected display, for display = [[1 2 3] [4 5 6]] (3 wide, 2 high).
	stored := map[int][][]byte{
		1: {{1, 2, 3}, {4, 5, 6}},
		2: {{3, 2, 1}, {6, 5, 4}},
		3: {{6, 5, 4}, {3, 2, 1}},
		4: {{4, 5, 6}, {1, 2, 3}},
		5: {{1, 4}, {2, 5}, {3, 6}},
		6: {{3, 6}, {2, 5}, {1, 4}},
		7: {{6, 3}, {5, 2}, {4, 1}},
		8: {{4, 1}, {5, 2}, {6, 3}},
	}
	for o := 1; o <= 8; o++ {
		s := stored[o]
		b := newBuf(len(s[0]), len(s), false)
		for y, row := range s {
			for x, v := range row {
				b.pix[4*(y*b.w+x)] = v
			}
		}
		d := orient(b, o)
		if d.w != 3 || d.h != 2 {
			t.Fatalf("orientation %d: %dx%d, want 3x2", o, d.w, d.h)
		}
		for i := 0; i < 6; i++ {
			if got := d.pix[4*i]; got != byte(i+1) {
				t.Errorf("orientation %d: pixel %d = %d, want %d", o, i, got, i+1)
			}
		}
	}
}

func TestHEIFOrientation(t *testing.T) {
	cases := []struct{ rot, mir, want int }{
		{-1, -1, 1}, {1, -1, 8}, {2, -1, 3}, {3, -1, 6},
		{-1, 1, 2}, {-1, 0, 4}, {1, 1, 7}, {1, 0, 5}, {3, 1, 5}, {3, 0, 7}, {2, 1, 4}, {2, 0, 2},
	}
	for _, c := range cases {
		if got := heifOrientation(c.rot, c.mir); got != c.want {
			t.Errorf("irot %d imir %d -> %d, want %d", c.rot, c.mir, got, c.want)
		}
	}
}

// TestJPEGFitScaling: with a fit box, a JPEG comes out at the smallest DCT scale n/8 that is still at
// least twice the fitted size (FitSize), leaving the resize filter a 2× reduction; orientation is taken
// into account; other formats are untouched.
func TestJPEGFitScaling(t *testing.T) {
	tests := []struct {
		file         string
		fitW, fitH   int
		wantW, wantH int
	}{
		{"jpeg_photo.jpg", 0, 0, 280, 184},      // no box: full size
		{"jpeg_photo.jpg", 400, 400, 280, 184},  // already fits
		{"jpeg_photo.jpg", 60, 0, 140, 92},      // fits to 60x39: 4/8 ≥ 120x78, 3/8 (105) is not
		{"jpeg_photo.jpg", 35, 0, 70, 46},       // fits to 35x23: exactly twice at 2/8
		{"jpeg_photo.jpg", 17, 0, 35, 23},       // 1/8
		{"jpeg_photo.jpg", 100, 0, 210, 138},    // 6/8: 210 ≥ 200; 5/8 (175) is not
		{"jpeg_photo.jpg", 200, 100, 280, 184},  // height decides: fits to 152x100, 2× is above full size
		{"jpeg_photo.jpg", 70, 30, 105, 69},     // height decides: fits to 46x30, 3/8 ≥ 92x60, 2/8 (46 high) is not
		{"jpeg_gps_exif.jpg", 100, 0, 210, 138}, // stored 184x280, displayed 280x184: 6/8 as above
		{"png_rgba.png", 10, 10, 60, 40},        // not a JPEG: full size
		{"jpeg_cmyk_icc.jpg", 15, 0, 30, 20},    // CMYK scaled too (60x40 at 4/8)
	}
	for _, tc := range tests {
		img, err := decodeFile(t, tc.file, Options{FitWidth: tc.fitW, FitHeight: tc.fitH})
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		if b := img.Pixels.Bounds(); b.Dx() != tc.wantW || b.Dy() != tc.wantH {
			t.Errorf("%s fit %dx%d: got %dx%d, want %dx%d", tc.file, tc.fitW, tc.fitH, b.Dx(), b.Dy(), tc.wantW, tc.wantH)
		}
	}
	// Scaled pixels are the picture, not garbage: the CMYK red patch at 1/2 scale keeps its colour.
	img, err := decodeFile(t, "jpeg_cmyk_icc.jpg", Options{FitWidth: 15})
	if err != nil {
		t.Fatal(err)
	}
	if got := px(img.Pixels, 5, 5); !near(got, color.NRGBA{237, 39, 45, 255}, 8) {
		t.Errorf("scaled CMYK red patch = %v", got)
	}
}

// TestTruncatedAnywhere cuts every good corpus file at several points: each cut must give an error of a
// known kind with a readable message (or, rarely, a picture when only trailing metadata was lost), never
// a panic or a library's abort.
func TestTruncatedAnywhere(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpus, "*"))
	for _, p := range files {
		name := filepath.Base(p)
		if strings.HasPrefix(name, "bad_") || strings.HasSuffix(name, ".sh") || strings.HasSuffix(name, ".md") {
			continue
		}
		data := mustRead(t, name)
		for _, frac := range []int{1, 10, 30, 50, 70, 90, 99} {
			cut := data[:len(data)*frac/100]
			_, err := DecodeBytes(cut, Options{})
			if err == nil {
				continue
			}
			if !isKind(err) {
				t.Errorf("%s cut at %d%%: error of no known kind: %v", name, frac, err)
			}
			var e *Error
			if !errors.As(err, &e) || e.Msg == "" || strings.Contains(e.Msg, "%!") {
				t.Errorf("%s cut at %d%%: no person-readable message: %v", name, frac, err)
			}
		}
	}
}

// TestConcurrentDecode decodes the corpus from several goroutines at once (the batch engine runs one
// decode per core) and checks every result against a serial decode: the native libraries must not share
// state between calls.
func TestConcurrentDecode(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpus, "*"))
	type result struct {
		pix []byte
		err string
	}
	run := func(data []byte) result {
		img, err := DecodeBytes(data, Options{})
		if err != nil {
			return result{err: err.Error()}
		}
		switch p := img.Pixels.(type) {
		case *image.RGBA:
			return result{pix: p.Pix}
		case *image.NRGBA:
			return result{pix: p.Pix}
		}
		return result{err: "unexpected type"}
	}
	var inputs [][]byte
	var names []string
	var want []result
	for _, p := range files {
		if ext := filepath.Ext(p); ext == ".sh" || ext == ".md" {
			continue
		}
		data := mustRead(t, filepath.Base(p))
		inputs = append(inputs, data)
		names = append(names, filepath.Base(p))
		want = append(want, run(data))
	}
	const workers = 4
	errs := make(chan string, workers*len(inputs))
	done := make(chan struct{})
	for w := 0; w < workers; w++ {
		go func(w int) {
			defer func() { done <- struct{}{} }()
			for k := range inputs {
				i := (k + w*7) % len(inputs) // different order per worker
				got := run(inputs[i])
				if got.err != want[i].err || !bytes.Equal(got.pix, want[i].pix) {
					errs <- names[i]
				}
			}
		}(w)
	}
	for w := 0; w < workers; w++ {
		<-done
	}
	close(errs)
	for name := range errs {
		t.Errorf("concurrent decode differs from serial for input %s", name)
	}
}
