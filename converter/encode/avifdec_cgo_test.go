//go:build cgo

package encode

import "testing"

func decodeAVIF(t testing.TB, data []byte) *decodedAVIF {
	t.Helper()
	d, err := decodeAVIFNative(data)
	if err != nil {
		t.Fatalf("decoding our AVIF with libavif: %v", err)
	}
	return d
}

// avifNativeBuild: this build encodes AVIF with the cgo libavif binding.
const avifNativeBuild = true
