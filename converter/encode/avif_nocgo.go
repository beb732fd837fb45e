//go:build !cgo

package encode

import (
	"image"
	"io"
)

// Without cgo there is no libavif binding: every AVIF goes through WASM (see avif_wasm.go).

func encodeAVIF(w io.Writer, img image.Image, o Options) error { return encodeAVIFWASM(w, img, o) }

func avifBackend() string { return BackendWASM }

func avifBackendDetail() string {
	return "AVIF uses the slower WASM encoder: this build has no cgo, so the native libavif binding is left out"
}
