package encode

import (
	"fmt"
	"image"
	"io"

	gavif "github.com/gen2brain/avif"
)

// encodeAVIFWASM is the last resort when no native libavif encoder is available (a build without
// cgo, e.g. cross-compiled): libavif+aom compiled to WASM in gen2brain/avif, about 9x slower than
// avifenc. It cannot write metadata. gen2brain treats quality 0 as its default, so 0 is sent as 1.
func encodeAVIFWASM(w io.Writer, img image.Image, o Options) error {
	q := o.Quality
	if q == 0 {
		q = 1
	}
	opts := gavif.Options{Quality: q, QualityAlpha: 100, Speed: o.Effort}
	if err := gavif.Encode(w, compactNRGBA(toNRGBA(img)), opts); err != nil {
		return fmt.Errorf("%w: AVIF (WASM fallback): %v", ErrEncode, err)
	}
	return nil
}
