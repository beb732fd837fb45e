//go:build !(unix || windows) || nodynamic

package encode

import (
	"bytes"
	"image"

	gwebp "github.com/gen2brain/webp"
)

// webpNativeBuild: the nodynamic tag leaves the libwebp binding out; WebP goes through WASM.
const webpNativeBuild = false

func decodeWebPNative(data []byte) (*image.NRGBA, error) {
	// DecodeAll goes through libwebp's RGBA output; Decode returns YCbCr that Go converts with the
	// wrong (JPEG) matrix, even for lossless files.
	all, err := gwebp.DecodeAll(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return toNRGBA(all.Image[0]), nil
}
