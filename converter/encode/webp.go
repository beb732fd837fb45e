package encode

import (
	"bytes"
	"fmt"
	"image"
	"io"

	gwebp "github.com/gen2brain/webp"
)

func encodeWebP(w io.Writer, img image.Image, o Options) error {
	hasMeta := len(o.Meta.EXIF) > 0 || len(o.Meta.ICC) > 0 || len(o.Meta.XMP) > 0
	if !hasMeta {
		return encodeWebPPixels(w, img, o)
	}
	// Metadata chunks go around the image data, and the RIFF header holds the total size, so the
	// bitstream is buffered and re-wrapped (compressed output is small next to the pixels).
	// The size is taken first so that img is not used after the encode: the pixels may then be
	// collected as soon as the encoder has read them (Options.PixelsRead).
	width, height := img.Bounds().Dx(), img.Bounds().Dy()
	var buf bytes.Buffer
	if err := encodeWebPPixels(&buf, img, o); err != nil {
		return err
	}
	out, err := addWebPMetadata(buf.Bytes(), width, height, o.Meta)
	if err != nil {
		return err
	}
	if _, err := w.Write(out); err != nil {
		return fmt.Errorf("writing WebP output: %w", err)
	}
	return nil
}

// encodeWebPPixels picks the encoder before calling it, so px is not kept alive here across the
// native encode for a fallback that will not happen (that would defeat Options.PixelsRead).
func encodeWebPPixels(w io.Writer, img image.Image, o Options) error {
	if !webpNativeAvailable() {
		return encodeWebPWASM(w, toNRGBA(img), o)
	}
	return encodeWebPNative(w, img, o)
}

// encodeWebPWASM is the last resort: libwebp compiled to WASM inside gen2brain/webp (about 8x the
// CPU of native). gen2brain treats quality 0 as "default 75", so 0 is sent as 1, the nearest value
// it honours.
func encodeWebPWASM(w io.Writer, px *image.NRGBA, o Options) error {
	q := o.Quality
	if q == 0 {
		q = 1
	}
	if err := gwebp.Encode(w, compactNRGBA(px), gwebp.Options{Quality: q, Lossless: o.Lossless, Method: o.Effort}); err != nil {
		return fmt.Errorf("%w: WebP (WASM fallback): %v", ErrEncode, err)
	}
	return nil
}

func webpBackend() string {
	if ok, _ := webpNativeStatus(); ok {
		return BackendNative
	}
	if gwebp.Dynamic() == nil {
		return BackendNative // gen2brain found a libwebp.so we did not (unlikely, same search)
	}
	return BackendWASM
}

func webpBackendDetail() string {
	ok, detail := webpNativeStatus()
	if ok {
		return detail
	}
	return "WebP uses the slower WASM encoder: " + detail
}
