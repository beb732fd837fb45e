// Package encode writes pixels as WebP or AVIF with native libraries: libwebp loaded at run time
// (purego dlopen, no link-time dependency) and libavif through cgo. When a native library cannot be
// used the package falls back to the WASM builds shipped in gen2brain/webp and gen2brain/avif, which
// are several times slower; Backend tells the caller which one runs so the app can warn.
package encode

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"io"

	"imageconverter/converter/meta"
	"imageconverter/functions/wire"
)

// Format is an output format (the one type the app and the service share).
type Format = wire.Format

// Output formats.
const (
	WebP = wire.FormatWebP
	AVIF = wire.FormatAVIF
)

// Backend names reported by Backend.
const (
	BackendNative = "native"
	BackendWASM   = "wasm"
)

// Options are the encoder settings. Values are taken literally (0 is a valid quality and a valid
// WebP method); callers fill defaults first, e.g. from PresetOptions or DefaultOptions.
type Options struct {
	Format   Format
	Quality  int  // 0–100
	Lossless bool // WebP only
	Effort   int  // WebP method 0–6 (default 4); AVIF speed 0–10 (default 6)
	// Threads is how many cores the encoder may use (0 = 1). AVIF: libaom's threads. WebP: above 1,
	// libwebp's multi-threaded mode (thread_level 1: the analysis pass and the alpha plane run beside
	// the main pass), which writes exactly the same bytes as single-threaded.
	Threads int
	Meta    meta.Metadata

	// PixelsRead, if set, is called exactly once per Encode: as soon as the encoder has copied img
	// into its own YUV planes (before the long compression step), or at the latest when Encode
	// returns. The caller may then free or reuse img's pixel buffer, which takes peak memory per
	// file from "RGBA + YUV + encoder state" down to "YUV + encoder state" during compression.
	PixelsRead func()

	// Cancel, if non-nil, stops the encode when it is closed (pass ctx.Done()). Encode then returns
	// an error wrapping context.Canceled and the bytes already written to w are incomplete and must
	// be discarded. The native WebP encoder checks it while compressing (libwebp's progress hook,
	// about once per macroblock row), so a large file stops within milliseconds. The AVIF encoder
	// (libavif 0.11.1 has no abort hook) and the WASM fallbacks only check it before they start.
	Cancel <-chan struct{}
}

// errCanceled is returned, wrapping context.Canceled, when Options.Cancel stopped an encode.
var errCanceled = fmt.Errorf("encoding stopped: %w", context.Canceled)

// cancelled reports whether o.Cancel is closed.
func (o Options) cancelled() bool {
	if o.Cancel == nil {
		return false
	}
	select {
	case <-o.Cancel:
		return true
	default:
		return false
	}
}

// ErrInvalidOptions is wrapped by errors about settings out of range.
var ErrInvalidOptions = errors.New("invalid encoder settings")

// ErrTooLargeForWebP is wrapped (with ErrInvalidOptions) when an image is
// wider or higher than WebP can store.
var ErrTooLargeForWebP = errors.New("too large for WebP")

// ErrEncode is wrapped by errors from the encoders themselves.
var ErrEncode = errors.New("encoding failed")

// Encode writes img to w in opts.Format. Straight-alpha (*image.NRGBA) and premultiplied
// (*image.RGBA) pixels are encoded without a copy; any other image type is converted to NRGBA first.
// Metadata blocks in opts.Meta are written when non-empty. A closed opts.Cancel makes it return an
// error for which errors.Is(err, context.Canceled) holds.
func Encode(w io.Writer, img image.Image, opts Options) error {
	if opts.PixelsRead != nil {
		once := onceFunc(opts.PixelsRead)
		opts.PixelsRead = once
		defer once()
	}
	if err := opts.validate(); err != nil {
		return err
	}
	b := img.Bounds()
	if b.Dx() <= 0 || b.Dy() <= 0 {
		return fmt.Errorf("%w: the image is empty (%dx%d)", ErrInvalidOptions, b.Dx(), b.Dy())
	}
	if opts.cancelled() {
		return errCanceled
	}
	switch opts.Format {
	case WebP:
		if b.Dx() > maxWebPDimension || b.Dy() > maxWebPDimension {
			return fmt.Errorf("%w: %w: WebP cannot hold images larger than %d pixels on a side (this one is %dx%d); choose AVIF or resize",
				ErrInvalidOptions, ErrTooLargeForWebP, maxWebPDimension, b.Dx(), b.Dy())
		}
		return encodeWebP(w, img, opts)
	default:
		return encodeAVIF(w, img, opts)
	}
}

// Backend reports which implementation encodes f: BackendNative or BackendWASM.
func Backend(f Format) string {
	switch f {
	case WebP:
		return webpBackend()
	case AVIF:
		return avifBackend()
	}
	return ""
}

// BackendDetail explains Backend in a sentence, e.g. which library file was loaded or why the
// native library could not be used. Meant for logs and the app's "about" panel.
func BackendDetail(f Format) string {
	switch f {
	case WebP:
		return webpBackendDetail()
	case AVIF:
		return avifBackendDetail()
	}
	return fmt.Sprintf("unknown format %q", f)
}

// maxWebPDimension is the largest width or height the WebP bitstream can carry.
const maxWebPDimension = 16383

func (o Options) validate() error {
	switch o.Format {
	case WebP:
		if o.Effort < 0 || o.Effort > 6 {
			return fmt.Errorf("%w: WebP effort (method) %d is out of range 0–6", ErrInvalidOptions, o.Effort)
		}
	case AVIF:
		if o.Effort < 0 || o.Effort > 10 {
			return fmt.Errorf("%w: AVIF effort (speed) %d is out of range 0–10", ErrInvalidOptions, o.Effort)
		}
		if o.Lossless {
			return fmt.Errorf("%w: lossless is only available for WebP", ErrInvalidOptions)
		}
	default:
		return fmt.Errorf("%w: output format %q is not supported (use webp or avif)", ErrInvalidOptions, o.Format)
	}
	if o.Quality < 0 || o.Quality > 100 {
		return fmt.Errorf("%w: quality %d is out of range 0–100", ErrInvalidOptions, o.Quality)
	}
	if o.Threads < 0 {
		return fmt.Errorf("%w: encoder threads %d must not be negative", ErrInvalidOptions, o.Threads)
	}
	return nil
}

// rgbImage is an opaque picture stored 3 bytes per pixel, row after row (decode.RGB): libwebp imports
// it as cwebp imports a JPEG, and it takes a quarter less memory than RGBA while waiting for the encoder.
type rgbImage interface {
	image.Image
	RGBPixels() (pix []byte, stride int)
}

// toNRGBA returns img as straight-alpha pixels, copying only when img is neither *image.NRGBA nor an
// opaque *image.RGBA (for opaque pixels premultiplied and straight alpha are the same bytes).
func toNRGBA(img image.Image) *image.NRGBA {
	switch m := img.(type) {
	case *image.NRGBA:
		return m
	case *image.RGBA:
		if m.Opaque() {
			return &image.NRGBA{Pix: m.Pix, Stride: m.Stride, Rect: m.Rect}
		}
	case rgbImage:
		pix, stride := m.RGBPixels()
		b := m.Bounds()
		w, h := b.Dx(), b.Dy()
		dst := image.NewNRGBA(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			src, out := pix[y*stride:y*stride+3*w], dst.Pix[y*dst.Stride:]
			for x := 0; x < w; x++ {
				out[4*x], out[4*x+1], out[4*x+2], out[4*x+3] = src[3*x], src[3*x+1], src[3*x+2], 0xFF
			}
		}
		return dst
	}
	b := img.Bounds()
	dst := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	// draw.Src into NRGBA converts through the colour model, which un-premultiplies.
	draw.Draw(dst, dst.Rect, img, b.Min, draw.Src)
	return dst
}

// onceFunc is sync.OnceFunc without the panic re-raising semantics we do not need.
func onceFunc(f func()) func() {
	done := false
	return func() {
		if !done {
			done = true
			f()
		}
	}
}

// pixelsRead calls o.PixelsRead when set.
func (o Options) pixelsRead() {
	if o.PixelsRead != nil {
		o.PixelsRead()
	}
}

// compactNRGBA returns px with Rect at the origin and no row padding, copying only when needed.
// The WASM encoders assume that layout (they ignore Stride and Rect.Min).
func compactNRGBA(px *image.NRGBA) *image.NRGBA {
	w, h := px.Rect.Dx(), px.Rect.Dy()
	if px.Rect.Min == (image.Point{}) && px.Stride == 4*w && len(px.Pix) == 4*w*h {
		return px
	}
	dst := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		copy(dst.Pix[y*dst.Stride:(y+1)*dst.Stride], px.Pix[y*px.Stride:y*px.Stride+4*w])
	}
	return dst
}
