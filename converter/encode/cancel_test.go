//go:build (unix || windows) && !nodynamic

package encode

import (
	"bytes"
	"context"
	"errors"
	"image"
	"io"
	"testing"
	"time"
)

// noise is incompressible RGBA: the slowest input for the encoder, so a cancel lands mid-encode.
func noise(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	seed := uint32(99)
	for i := range img.Pix {
		seed = seed*1664525 + 1013904223
		img.Pix[i] = uint8(seed >> 24)
	}
	for i := 3; i < len(img.Pix); i += 4 {
		img.Pix[i] = 0xFF
	}
	return img
}

func TestWebPNativeCancelMidEncode(t *testing.T) {
	if !webpNativeAvailable() {
		t.Skip("native libwebp not available")
	}
	img := noise(6000, 4000) // method 6 on this takes many seconds
	cancel := make(chan struct{})
	timer := time.AfterFunc(100*time.Millisecond, func() { close(cancel) })
	defer timer.Stop()
	calls := webpProgressCalls.Load()
	start := time.Now()
	err := Encode(io.Discard, img, Options{Format: WebP, Quality: 80, Effort: 6, Cancel: cancel})
	t.Logf("Encode returned after %v: %v", time.Since(start), err)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Encode error = %v, want one wrapping context.Canceled", err)
	}
	if webpProgressCalls.Load() == calls {
		t.Fatal("the progress hook was never called: the cancel did not go through libwebp")
	}
}

func TestWebPCancelBeforeStart(t *testing.T) {
	cancel := make(chan struct{})
	close(cancel)
	var buf bytes.Buffer
	err := Encode(&buf, photo(t, 64, 64), Options{Format: WebP, Quality: 80, Effort: 4, Cancel: cancel})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Encode error = %v, want one wrapping context.Canceled", err)
	}
	if buf.Len() != 0 {
		t.Fatalf("%d bytes written by a cancelled encode", buf.Len())
	}
}

// An open Cancel channel installs the progress hook but must not change the output.
func TestWebPCancelHookKeepsOutput(t *testing.T) {
	if !webpNativeAvailable() {
		t.Skip("native libwebp not available")
	}
	img := photo(t, 300, 200)
	for _, lossless := range []bool{false, true} {
		o := Options{Format: WebP, Quality: 80, Effort: 4, Lossless: lossless}
		plain := encodeBytes(t, img, o)
		calls := webpProgressCalls.Load()
		o.Cancel = make(chan struct{})
		hooked := encodeBytes(t, img, o)
		if !bytes.Equal(plain, hooked) {
			t.Errorf("lossless=%v: output differs with a Cancel channel (%d vs %d bytes)", lossless, len(plain), len(hooked))
		}
		if webpProgressCalls.Load() == calls {
			t.Errorf("lossless=%v: progress hook not called", lossless)
		}
	}
}
