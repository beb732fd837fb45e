//go:build !cgo

package encode

import (
	"bytes"
	"image"
	"testing"

	gavif "github.com/gen2brain/avif"
	"imageconverter/converter/meta"
)

// Without cgo (AVIF through WASM) the tests read AVIF back with gen2brain/avif. It does not expose
// metadata or the YUV layout, so those fields stay empty and the tests that need them fail loudly:
// metadata is a documented gap of the WASM fallback.
type decodedAVIF struct {
	img      *image.NRGBA
	depth    int
	yuv420   bool
	hasAlpha bool
	meta     meta.Metadata
}

func decodeAVIF(t testing.TB, data []byte) *decodedAVIF {
	t.Helper()
	img, err := gavif.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("decoding our AVIF with gen2brain/avif: %v", err)
	}
	px := toNRGBA(img)
	return &decodedAVIF{img: px, depth: 8, yuv420: true, hasAlpha: !px.Opaque()}
}

// avifNativeBuild: without cgo AVIF goes through WASM.
const avifNativeBuild = false
