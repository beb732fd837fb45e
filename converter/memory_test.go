package converter

import (
	"context"
	"fmt"
	"image"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"imageconverter/converter/decode"
)

// pixBytes is the pixel buffer of a decoded image (RGBA, NRGBA or RGB, as decode returns). It runs on
// a worker goroutine, so it reports with Errorf (Fatalf there would hang the batch).
func pixBytes(t testing.TB, im image.Image) []byte {
	switch p := im.(type) {
	case *image.RGBA:
		return p.Pix
	case *image.NRGBA:
		return p.Pix
	case *decode.RGB:
		return p.Pix
	}
	t.Errorf("decoded pixels are %T", im)
	return make([]byte, 1)
}

// TestDecodedPixelsFreedBeforeCompression checks the memory contract of convert: once the encoder has
// read the pixels (encode.Options.PixelsRead), nothing in the engine or the encoder still references
// the decoded buffer, so the garbage collector can free it while the long compression step runs. A
// cleanup is attached to each decoded buffer; inside PixelsRead (before compression) the test collects
// garbage and waits for that cleanup. Any reference kept alive on the way — the engine's variables, a
// fallback path holding the pixels across the native call, the metadata path — makes it fail.
func TestDecodedPixelsFreedBeforeCompression(t *testing.T) {
	for _, tc := range []struct {
		format string
		meta   bool
	}{{"webp", false}, {"webp", true}, {"avif", false}} {
		t.Run(fmt.Sprintf("%s_meta=%v", tc.format, tc.meta), func(t *testing.T) {
			dir := t.TempDir()
			const n = 3
			for i := range n {
				writeNoiseJPEG(t, filepath.Join(dir, fmt.Sprintf("p%d.jpg", i)), 640, 480, int64(i))
			}
			o := testOptions()
			o.Workers = 1 // one image in flight: the freed buffer is the one PixelsRead is called for
			o.Format, o.KeepMetadata, o.SkipIfLarger = tc.format, tc.meta, false
			o.Effort = map[string]int{"webp": 0, "avif": 10}[tc.format]

			var mu sync.Mutex
			var freed chan struct{}
			freedInTime, decoded := 0, 0
			o.probe = &probe{}
			o.probe.decoded = func(img *decode.Image) {
				ch := make(chan struct{})
				mu.Lock()
				freed, decoded = ch, decoded+1
				mu.Unlock()
				pix := pixBytes(t, img.Pixels)
				runtime.AddCleanup(&pix[0], func(ch chan struct{}) { close(ch) }, ch)
			}
			o.probe.pixelsRead = func() {
				mu.Lock()
				ch := freed
				mu.Unlock()
				deadline := time.After(5 * time.Second)
				for {
					runtime.GC()
					select {
					case <-ch:
						mu.Lock()
						freedInTime++
						mu.Unlock()
						return
					case <-deadline:
						return
					case <-time.After(20 * time.Millisecond):
					}
				}
			}

			s := convertAll(t, o, dir)
			if s.Converted != n {
				t.Fatalf("converted %d of %d: %+v", s.Converted, n, s.Files)
			}
			if decoded != n || freedInTime != n {
				t.Fatalf("%d images decoded, %d of them freed before compression started; want %d and %d", decoded, freedInTime, n, n)
			}
		})
	}
}

// TestResizeDecodesJPEGAtReducedScale checks that MaxWidth/MaxHeight reach the decoder, so a JPEG that
// will be shrunk is decoded by libjpeg-turbo at a reduced scale n/8 instead of at full size, and that
// the output still has exactly the fitted size.
func TestResizeDecodesJPEGAtReducedScale(t *testing.T) {
	dir := t.TempDir()
	writeSmoothJPEG(t, filepath.Join(dir, "big.jpg"), 2400, 1600)
	o := testOptions()
	o.MaxWidth, o.MaxHeight, o.SkipIfLarger, o.Effort = 500, 500, false, 0
	var w, h int
	o.probe = &probe{decoded: func(img *decode.Image) {
		b := img.Pixels.Bounds()
		w, h = b.Dx(), b.Dy()
	}}
	p, err := Plan(context.Background(), []string{dir}, o)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Run(context.Background(), p.Tasks, p.Options, nil)
	if err != nil || s.Converted != 1 {
		t.Fatalf("%v %+v", err, s.Files)
	}
	// 2400×1600 into 500×500 is 500×333: 4/8 scale (1200×800) is the smallest at least twice that.
	if w != 1200 || h != 800 {
		t.Errorf("decoded at %d×%d, want 1200×800 (4/8 scale)", w, h)
	}
	if r := s.Files[0]; r.Width != 500 || r.Height != 333 {
		t.Errorf("output %d×%d, want 500×333", r.Width, r.Height)
	}
}
