package preview

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"imageconverter/converter"
)

// The preview is only worth showing if it is what the conversion will write. For every kind of source
// that changes the pixels before the encoder (EXIF orientation, a colour profile converted to sRGB,
// transparency, a JPEG big enough to be resized), both formats, with and without resize, with a
// preset and with an explicit quality, and with metadata kept: the bytes the preview encoded are the
// bytes converter.Convert wrote to disk for that photo alone. One preview session per photo walks
// through all the settings, so switching format and quality in the window is covered too.
func TestPreviewBytesAreTheConversionsFile(t *testing.T) {
	dir := t.TempDir()
	photo := filepath.Join(dir, "camera.jpg")
	writeJPEG(t, photo, syntheticPhoto(900, 600, 1), 90)
	sources := []struct{ name, path string }{
		{"camera-size JPEG", photo},
		{"real photo", testdata(t, dir, "jpeg_photo.jpg")},
		{"EXIF orientation 6", testdata(t, dir, "jpeg_orient6.jpg")},
		{"Adobe RGB profile", testdata(t, dir, "jpeg_adobergb.jpg")},
		{"PNG with transparency", testdata(t, dir, "png_rgba.png")},
		{"GPS EXIF and XMP", testdata(t, dir, "jpeg_gps_exif.jpg")},
	}
	type shape struct {
		name         string
		maxW, maxH   int
		keepMetadata bool
	}
	shapes := []shape{{name: "as is"}, {name: "resized", maxW: 400, maxH: 300}, {name: "metadata kept", keepMetadata: true}}
	type quality struct {
		preset  string
		quality int // -1: the preset's
	}
	qualities := []quality{{"balanced", -1}, {"smallest", 55}, {"best", -1}, {converter.PresetAuto, -1}}

	for _, src := range sources {
		for _, sh := range shapes {
			t.Run(src.name+"/"+sh.name, func(t *testing.T) {
				base := converter.DefaultOptions()
				base.MaxWidth, base.MaxHeight, base.KeepMetadata = sh.maxW, sh.maxH, sh.keepMetadata
				base.SkipIfLarger = false // a tiny test picture may grow; the bytes are what matter here

				store := New(Config{})
				info, err := store.Open(src.path, base)
				if err != nil {
					t.Fatal(err)
				}
				defer store.Close(info.Token)
				for _, format := range []string{"webp", "avif"} {
					for _, q := range qualities {
						if q.preset == converter.PresetAuto && sh.name != "as is" {
							continue // the search costs six encodes; once per source is enough
						}
						opts := base
						opts.Format, opts.Preset, opts.Quality = format, q.preset, q.quality
						want := convertOne(t, src.path, opts)

						res, err := store.Encode(context.Background(), info.Token, Request{Format: format, Preset: q.preset, Quality: max(q.quality, 0)})
						if err != nil {
							t.Fatalf("%s %+v: %v", format, q, err)
						}
						got := store.encoded(info.Token, res)
						if !bytes.Equal(got, want) {
							t.Errorf("%s %+v: the preview encoded %d bytes that differ from the %d bytes converted", format, q, len(got), len(want))
						}
						if res.Bytes != int64(len(want)) || res.Estimate {
							t.Errorf("%s %+v: preview says %d bytes (estimate %v), the file has %d", format, q, res.Bytes, res.Estimate, len(want))
						}
					}
				}
			})
		}
	}
}

// convertOne converts path alone with opts into a fresh folder and returns the file it wrote.
func convertOne(t *testing.T, path string, opts converter.Options) []byte {
	t.Helper()
	opts.OutputDir = t.TempDir()
	sum, _, err := converter.Convert(context.Background(), []string{path}, opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Files) != 1 || sum.Files[0].Status != converter.StatusConverted {
		t.Fatalf("the conversion did not write a file: %+v", sum.Files)
	}
	b, err := os.ReadFile(sum.Files[0].Dst)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// testdata copies a file of the converter's corpus into dir.
func testdata(t testing.TB, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "converter", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// syntheticPhoto is a picture with what photos have: smooth gradients, edges and fine noise, so the
// encoders' choices depend on quality as they do for a real photo.
func syntheticPhoto(w, h int, seed int64) *image.RGBA {
	rng := rand.New(rand.NewSource(seed))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			r := 40 + 160*x/w
			g := 60 + 120*y/h
			b := 200 - 150*(x+y)/(w+h)
			if (x/37+y/29)%5 == 0 { // hard-edged patches
				r, g = 230-r/3, 40+g/4
			}
			n := rng.Intn(25) - 12
			img.Set(x, y, color.RGBA{clamp(r + n), clamp(g + n), clamp(b + n), 255})
		}
	}
	return img
}

func clamp(v int) uint8 { return uint8(min(255, max(0, v))) }

func writeJPEG(t testing.TB, path string, img image.Image, quality int) {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(fmt.Errorf("write %s: %w", path, err))
	}
}
