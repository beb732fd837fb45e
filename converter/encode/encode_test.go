package encode

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"imageconverter/converter/meta"
)

func TestBackendsAreNative(t *testing.T) {
	// The build machine and CI have libwebp and libavif; falling back to WASM there means the
	// library search is broken, which is exactly what this test is for.
	for _, f := range []Format{WebP, AVIF} {
		want := BackendNative
		if f == AVIF && !avifNativeBuild || f == WebP && !webpNativeBuild {
			want = BackendWASM // CGO_ENABLED=0 / -tags nodynamic: documented fallbacks
		}
		if got := Backend(f); got != want {
			t.Errorf("Backend(%s) = %q (%s), want %s", f, got, BackendDetail(f), want)
		}
		t.Logf("%s: %s", f, BackendDetail(f))
	}
}

func TestOptionsValidation(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 4, 4))
	bad := []Options{
		{Format: "png", Quality: 80},
		{Format: WebP, Quality: 101, Effort: 4},
		{Format: WebP, Quality: -1, Effort: 4},
		{Format: WebP, Quality: 80, Effort: 7},
		{Format: AVIF, Quality: 70, Effort: 11},
		{Format: AVIF, Quality: 70, Effort: 6, Lossless: true},
		{Format: AVIF, Quality: 70, Effort: 6, Threads: -2},
	}
	for _, o := range bad {
		err := Encode(&bytes.Buffer{}, img, o)
		if !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("Encode(%+v) = %v, want ErrInvalidOptions", o, err)
		}
	}
	if err := Encode(&bytes.Buffer{}, image.NewNRGBA(image.Rect(0, 0, 0, 5)), DefaultOptions(WebP)); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("empty image: %v, want ErrInvalidOptions", err)
	}
	if err := Encode(&bytes.Buffer{}, image.NewNRGBA(image.Rect(0, 0, 16384, 1)), DefaultOptions(WebP)); !errors.Is(err, ErrInvalidOptions) || !strings.Contains(err.Error(), "16383") {
		t.Errorf("too wide for WebP: %v", err)
	}
}

func TestPresetOptions(t *testing.T) {
	for _, f := range []Format{WebP, AVIF} {
		prevQ := -1
		for _, p := range Presets {
			o, err := PresetOptions(f, p)
			if err != nil {
				t.Fatal(err)
			}
			if err := o.validate(); err != nil {
				t.Errorf("%s/%s: %v", f, p, err)
			}
			if o.Quality <= prevQ {
				t.Errorf("%s/%s: quality %d not above the previous preset's %d", f, p, o.Quality, prevQ)
			}
			prevQ = o.Quality
		}
	}
	if o := DefaultOptions(WebP); o.Quality != 80 || o.Effort != 4 {
		t.Errorf("WebP default = %+v, want quality 80 method 4 (the product's default)", o)
	}
	if o := DefaultOptions(AVIF); o.Quality < 60 || o.Quality > 80 || o.Effort != 8 {
		t.Errorf("AVIF default = %+v, want quality 60–80 speed 8 (the product's default)", o)
	}
	if _, err := PresetOptions(WebP, "tiny"); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("unknown preset: %v", err)
	}
}

// Every preset of both formats: decodes back to the same size with quality above a floor, and
// better presets give higher PSNR and larger files.
func TestPresetsRoundTrip(t *testing.T) {
	src := photo(t, 640, 400)
	// Floors measured on this image with libwebp 1.2.4 / libavif 0.11.1 + aom 3.6 (WebP 32.5 / 33.7 /
	// 38.0 dB, AVIF 34.9 / 36.3 / 38.6 dB) and set ~1 dB below, so a wrong colour matrix, a lost
	// chroma plane or a quality mapping error fails. The image's built-in noise caps PSNR near 40.
	floors := map[Format]map[Preset]float64{
		WebP: {PresetSmallest: 31.5, PresetBalanced: 32.7, PresetBest: 37},
		AVIF: {PresetSmallest: 33.8, PresetBalanced: 35.3, PresetBest: 37.6},
	}
	for _, f := range []Format{WebP, AVIF} {
		prevPSNR, prevSize := 0.0, 0
		for _, p := range Presets {
			o, _ := PresetOptions(f, p)
			o.Threads = 2
			data := encodeBytes(t, src, o)
			var got *image.NRGBA
			if f == WebP {
				got = decodeWebP(t, data)
			} else {
				got = decodeAVIF(t, data).img
			}
			if got.Rect.Dx() != 640 || got.Rect.Dy() != 400 {
				t.Fatalf("%s/%s: decoded %v, want 640x400", f, p, got.Rect)
			}
			q := psnr(src, got)
			t.Logf("%s/%s (q%d e%d): %d bytes, PSNR %.2f dB", f, p, o.Quality, o.Effort, len(data), q)
			if q < floors[f][p] {
				t.Errorf("%s/%s: PSNR %.2f dB below floor %.1f", f, p, q, floors[f][p])
			}
			if q <= prevPSNR || len(data) <= prevSize {
				t.Errorf("%s/%s: PSNR %.2f / %d bytes not above the previous preset's %.2f / %d", f, p, q, len(data), prevPSNR, prevSize)
			}
			prevPSNR, prevSize = q, len(data)
		}
	}
}

// Real photos from the shared corpus (converter/testdata, made by its make.sh) at the Balanced
// preset: same size back, and quality floors a little under what they measured.
func TestCorpusImagesBalanced(t *testing.T) {
	for _, c := range []struct {
		file  string
		floor map[Format]float64
	}{
		{"jpeg_photo.jpg", map[Format]float64{WebP: 37, AVIF: 38.5}}, // measured 38.6 / 40.4 dB
		// 60×40 flat colour patches with sharp edges and alpha: 4:2:0 chroma smears the edges, so
		// this one measures ~28 dB at Balanced; a broken conversion scores under 20.
		{"png_rgba.png", map[Format]float64{WebP: 26.5, AVIF: 26.5}},
	} {
		src := loadTestImage(t, c.file)
		for _, f := range []Format{WebP, AVIF} {
			data := encodeBytes(t, src, DefaultOptions(f))
			var got *image.NRGBA
			if f == WebP {
				got = decodeWebP(t, data)
			} else {
				got = decodeAVIF(t, data).img
			}
			if got.Rect.Size() != src.Rect.Size() {
				t.Fatalf("%s → %s: decoded %v, want %v", c.file, f, got.Rect.Size(), src.Rect.Size())
			}
			q := psnr(src, got)
			t.Logf("%s → %s: %d bytes, PSNR %.2f dB", c.file, f, len(data), q)
			if q < c.floor[f] {
				t.Errorf("%s → %s: PSNR %.2f below %.1f", c.file, f, q, c.floor[f])
			}
		}
	}
}

func TestWebPLosslessRoundTripExact(t *testing.T) {
	for name, src := range map[string]*image.NRGBA{
		"photo": photo(t, 300, 200),
		"alpha": gradientAlpha(97, 61), // odd sizes
	} {
		data := encodeBytes(t, src, Options{Format: WebP, Quality: 75, Effort: 4, Lossless: true})
		if string(data[12:16]) != "VP8L" {
			t.Fatalf("%s: first chunk %q, want VP8L", name, data[12:16])
		}
		got := decodeWebP(t, data)
		// The nodynamic build's test decoder returns premultiplied pixels, which cannot restore the
		// exact colour of translucent pixels; there only opaque colour is compared.
		minAlpha := byte(1)
		if !webpNativeBuild {
			minAlpha = 255
		}
		for i := 0; i < len(src.Pix); i += 4 {
			a := src.Pix[i+3]
			if got.Pix[i+3] != a || (a >= minAlpha && !bytes.Equal(got.Pix[i:i+3], src.Pix[i:i+3])) {
				// RGB under alpha 0 is invisible and libwebp may change it (exact=0, like cwebp).
				t.Fatalf("%s: pixel %d = %v, want %v", name, i/4, got.Pix[i:i+4], src.Pix[i:i+4])
			}
		}
	}
}

func TestAlphaPreserved(t *testing.T) {
	src := gradientAlpha(128, 96)
	for _, f := range []Format{WebP, AVIF} {
		data := encodeBytes(t, src, DefaultOptions(f))
		var got *image.NRGBA
		if f == WebP {
			got = decodeWebP(t, data)
			if !bytes.Contains(data[:64], []byte("ALPH")) {
				t.Errorf("WebP: no ALPH chunk for a transparent image")
			}
		} else {
			d := decodeAVIF(t, data)
			if !d.hasAlpha {
				t.Errorf("AVIF: no alpha plane for a transparent image")
			}
			got = d.img
		}
		// Both encoders keep alpha lossless at these settings (alpha_q 100 / alpha quantizer 0).
		for i := 3; i < len(src.Pix); i += 4 {
			if got.Pix[i] != src.Pix[i] {
				t.Fatalf("%s: alpha of pixel %d = %d, want %d", f, i/4, got.Pix[i], src.Pix[i])
			}
		}
		// Opaque input must not grow an alpha channel.
		data = encodeBytes(t, photo(t, 64, 64), DefaultOptions(f))
		if f == WebP && string(data[12:16]) != "VP8 " {
			t.Errorf("WebP: opaque image written as %q, want a simple VP8 file", data[12:16])
		}
		if f == AVIF && decodeAVIF(t, data).hasAlpha {
			t.Errorf("AVIF: opaque image got an alpha plane")
		}
	}
}

func TestPremultipliedInputIsUnpremultiplied(t *testing.T) {
	// Half-transparent pure red stored premultiplied: (128,0,0,128). Straight colour is (255,0,0).
	src := image.NewRGBA(image.Rect(0, 0, 32, 32))
	for i := 0; i < len(src.Pix); i += 4 {
		copy(src.Pix[i:], []byte{128, 0, 0, 128})
	}
	for _, f := range []Format{WebP, AVIF} {
		data := encodeBytes(t, src, DefaultOptions(f))
		var got *image.NRGBA
		if f == WebP {
			got = decodeWebP(t, data)
		} else {
			got = decodeAVIF(t, data).img
		}
		c := got.NRGBAAt(16, 16)
		if c.R < 240 || c.A < 126 || c.A > 130 {
			t.Errorf("%s: centre pixel %v, want about {255 0 0 128}", f, c)
		}
	}
}

func TestSubImageEncodesItsOwnRegion(t *testing.T) {
	full := photo(t, 200, 200)
	sub := full.SubImage(image.Rect(50, 60, 150, 130)).(*image.NRGBA)
	got := decodeWebP(t, encodeBytes(t, sub, Options{Format: WebP, Quality: 90, Effort: 4, Lossless: true}))
	if got.Rect.Dx() != 100 || got.Rect.Dy() != 70 {
		t.Fatalf("decoded %v, want 100x70", got.Rect)
	}
	if p := psnr(sub, got); !math.IsInf(p, 1) {
		t.Errorf("lossless sub-image differs from its region (PSNR %.1f)", p)
	}
	// The WASM fallbacks ignore Stride and Rect.Min; Encode must hand them a compact copy.
	var buf bytes.Buffer
	if err := encodeWebPWASM(&buf, sub, Options{Format: WebP, Quality: 90, Effort: 4, Lossless: true}); err != nil {
		t.Fatal(err)
	}
	if p := psnr(sub, decodeWebP(t, buf.Bytes())); !math.IsInf(p, 1) {
		t.Errorf("WASM: lossless sub-image differs from its region (PSNR %.1f)", p)
	}
	// A non-NRGBA/RGBA type goes through the generic conversion.
	gray := image.NewGray(image.Rect(0, 0, 20, 10))
	for i := range gray.Pix {
		gray.Pix[i] = uint8(i * 3)
	}
	g := decodeWebP(t, encodeBytes(t, gray, Options{Format: WebP, Quality: 90, Effort: 4, Lossless: true}))
	if c := g.NRGBAAt(7, 3); c != (color.NRGBA{R: gray.Pix[67], G: gray.Pix[67], B: gray.Pix[67], A: 255}) {
		t.Errorf("gray pixel = %v, want %d", c, gray.Pix[67])
	}
}

var testMeta = meta.Metadata{
	// A minimal little-endian TIFF/EXIF block: one IFD with Orientation = 1. Odd length (37) on
	// purpose, to exercise the RIFF pad byte.
	EXIF: append([]byte("II*\x00\x08\x00\x00\x00\x01\x00\x12\x01\x03\x00\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00"), []byte("padding-odd")...),
	ICC:  bytes.Repeat([]byte{0x42}, 3144), // stands in for a profile; containers do not parse it
	XMP:  []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>`),
}

func TestWebPMetadataChunks(t *testing.T) {
	for name, src := range map[string]image.Image{"opaque": photo(t, 120, 80), "alpha": gradientAlpha(120, 80)} {
		for _, lossless := range []bool{false, true} {
			o := DefaultOptions(WebP)
			o.Lossless = lossless
			o.Meta = testMeta
			data := encodeBytes(t, src, o)
			chunks, err := parseWebPChunks(data)
			if err != nil {
				t.Fatalf("%s lossless=%v: %v", name, lossless, err)
			}
			if got := binary.LittleEndian.Uint32(data[4:8]); int(got) != len(data)-8 {
				t.Errorf("RIFF size %d, file has %d bytes after it", got, len(data)-8)
			}
			var order []string
			for _, c := range chunks {
				order = append(order, c.fourCC)
			}
			want := "VP8X ICCP VP8  EXIF XMP "
			switch {
			case lossless:
				want = "VP8X ICCP VP8L EXIF XMP "
			case name == "alpha":
				want = "VP8X ICCP ALPH VP8  EXIF XMP "
			}
			if strings.Join(order, " ") != want {
				t.Fatalf("%s lossless=%v: chunks %q, want %q", name, lossless, strings.Join(order, " "), want)
			}
			x := chunks[0].payload
			flags := byte(vp8xICC | vp8xEXIF | vp8xXMP)
			if name == "alpha" {
				flags |= vp8xAlpha
			}
			w := 1 + int(x[4]) | int(x[5])<<8 | int(x[6])<<16
			h := 1 + int(x[7]) | int(x[8])<<8 | int(x[9])<<16
			if len(x) != 10 || x[0] != flags || w != 120 || h != 80 {
				t.Errorf("%s lossless=%v: VP8X %x, want flags %#x canvas 120x80", name, lossless, x, flags)
			}
			if !bytes.Equal(chunks[1].payload, testMeta.ICC) || !bytes.Equal(chunks[len(chunks)-2].payload, testMeta.EXIF) ||
				!bytes.Equal(chunks[len(chunks)-1].payload, testMeta.XMP) {
				t.Errorf("%s lossless=%v: metadata payloads changed", name, lossless)
			}
			got := decodeWebP(t, data) // an independent decoder accepts the extended file
			if got.Rect.Dx() != 120 {
				t.Errorf("decoded width %d", got.Rect.Dx())
			}
			checkWithLibwebpTools(t, data, name, lossless)
		}
	}
}

// checkWithLibwebpTools runs webpinfo and webpmux (package "webp") on data when they are installed.
func checkWithLibwebpTools(t *testing.T, data []byte, name string, lossless bool) {
	t.Helper()
	if _, err := exec.LookPath("webpinfo"); err != nil {
		if os.Getenv("IC_REQUIRE_SERVICES") == "1" {
			t.Fatalf("webpinfo not installed (apt-get install webp)")
		}
		t.Log("webpinfo not installed; container checked by our parser only")
		return
	}
	path := filepath.Join(t.TempDir(), "meta.webp")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("webpinfo", path).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "No error detected") {
		t.Errorf("%s lossless=%v: webpinfo: %v\n%s", name, lossless, err, out)
	}
	out, err = exec.Command("webpmux", "-info", path).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ICC profile") || !strings.Contains(string(out), "EXIF metadata") ||
		!strings.Contains(string(out), "XMP metadata") || !strings.Contains(string(out), "Canvas size: 120 x 80") {
		t.Errorf("%s lossless=%v: webpmux -info: %v\n%s", name, lossless, err, out)
	}
}

func TestMetadataAbsentByDefault(t *testing.T) {
	src := photo(t, 64, 48)
	data := encodeBytes(t, src, DefaultOptions(WebP))
	for _, tag := range []string{"VP8X", "EXIF", "ICCP", "XMP "} {
		if bytes.Contains(data, []byte(tag)) {
			t.Errorf("WebP without metadata contains %q", tag)
		}
	}
	d := decodeAVIF(t, encodeBytes(t, src, DefaultOptions(AVIF)))
	if d.meta.EXIF != nil || d.meta.ICC != nil || d.meta.XMP != nil {
		t.Errorf("AVIF without metadata has %d/%d/%d bytes of EXIF/ICC/XMP", len(d.meta.EXIF), len(d.meta.ICC), len(d.meta.XMP))
	}
}

func TestAVIFMetadata(t *testing.T) {
	if !avifNativeBuild {
		t.Skip("the WASM AVIF fallback (CGO_ENABLED=0) writes no metadata; documented in docs/native-libraries.md")
	}
	o := DefaultOptions(AVIF)
	o.Meta = testMeta
	d := decodeAVIF(t, encodeBytes(t, photo(t, 64, 48), o))
	if !bytes.Equal(d.meta.ICC, testMeta.ICC) || !bytes.Equal(d.meta.EXIF, testMeta.EXIF) || !bytes.Equal(d.meta.XMP, testMeta.XMP) {
		t.Errorf("AVIF metadata did not survive: EXIF %d/%d ICC %d/%d XMP %d/%d bytes",
			len(d.meta.EXIF), len(testMeta.EXIF), len(d.meta.ICC), len(testMeta.ICC), len(d.meta.XMP), len(testMeta.XMP))
	}
	if d.depth != 8 || !d.yuv420 {
		t.Errorf("AVIF depth %d yuv420 %v, want 8-bit 4:2:0", d.depth, d.yuv420)
	}
}

func TestAddWebPMetadataRejectsGarbage(t *testing.T) {
	for _, in := range [][]byte{nil, []byte("RIFF\x04\x00\x00\x00WEBP"), []byte("RIFF\xff\x00\x00\x00WEBPVP8 ")} {
		if _, err := addWebPMetadata(in, 1, 1, testMeta); err == nil {
			t.Errorf("addWebPMetadata(%q) accepted garbage", in)
		}
	}
}

func TestAVIFQuantizerMapping(t *testing.T) {
	for q, want := range map[int]int{0: 63, 50: 32, 70: 19, 80: 13, 85: 9, 100: 0} {
		if got := avifQuantizer(q); got != want {
			t.Errorf("avifQuantizer(%d) = %d, want %d", q, got, want)
		}
	}
}

// The WASM fallbacks must keep working: they are what a user gets when the native libraries are
// missing. Small images only: the WASM runtimes are slow to start.
func TestWASMFallbacks(t *testing.T) {
	src := gradientAlpha(48, 32)
	var buf bytes.Buffer
	if err := encodeWebPWASM(&buf, src, Options{Format: WebP, Quality: 80, Effort: 4}); err != nil {
		t.Fatal(err)
	}
	got := decodeWebP(t, buf.Bytes())
	if got.Rect.Dx() != 48 || got.NRGBAAt(47, 31).A != 255 || got.NRGBAAt(0, 0).A != 0 {
		t.Errorf("WASM WebP: %v alpha corners %d/%d", got.Rect, got.NRGBAAt(0, 0).A, got.NRGBAAt(47, 31).A)
	}
	if testing.Short() {
		t.Skip("AVIF WASM fallback skipped in -short mode")
	}
	buf.Reset()
	if err := encodeAVIFWASM(&buf, photo(t, 48, 32), Options{Format: AVIF, Quality: 70, Effort: 10}); err != nil {
		t.Fatal(err)
	}
	if d := decodeAVIF(t, buf.Bytes()); d.img.Rect.Dx() != 48 {
		t.Errorf("WASM AVIF decoded as %v", d.img.Rect)
	}
}

// PixelsRead fires once, after which the encoder must not look at the pixels again: scribbling over
// the buffer in the callback must not change the output.
func TestPixelsReadReleasesTheBuffer(t *testing.T) {
	for _, f := range []Format{WebP, AVIF} {
		for _, withMeta := range []bool{false, true} {
			o := DefaultOptions(f)
			if withMeta {
				o.Meta = testMeta
			}
			want := encodeBytes(t, photo(t, 96, 64), o)
			src := photo(t, 96, 64)
			calls := 0
			o.PixelsRead = func() {
				calls++
				for i := range src.Pix {
					src.Pix[i] = 0
				}
			}
			got := encodeBytes(t, src, o)
			if calls != 1 {
				t.Errorf("%s meta=%v: PixelsRead called %d times, want 1", f, withMeta, calls)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s meta=%v: output changed after the pixels were released (%d vs %d bytes)", f, withMeta, len(got), len(want))
			}
		}
	}
	calls := 0
	err := Encode(&bytes.Buffer{}, photo(t, 8, 8), Options{Format: WebP, Quality: 500, PixelsRead: func() { calls++ }})
	if err == nil || calls != 1 {
		t.Errorf("invalid options: err %v, PixelsRead called %d times, want an error and 1 call", err, calls)
	}
}
