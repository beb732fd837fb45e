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
	img, err := gwebp.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return toNRGBA(img), nil
}
