package decode

import (
	"bytes"
	"errors"
	"image"
	"strings"
	"testing"
)

// pixelsOf returns the decoded pixel bytes, whatever the image type.
func pixelsOf(t *testing.T, img *Image) []byte {
	t.Helper()
	switch p := img.Pixels.(type) {
	case *image.RGBA:
		return p.Pix
	case *image.NRGBA:
		return p.Pix
	}
	t.Fatalf("unexpected pixel type %T", img.Pixels)
	return nil
}

// TestJPEGMissingOnlyEOI: a JPEG that lost only its 2-byte end marker has all its pixels and decodes
// to the same picture as the whole file (it used to be refused as "cut short"); one that lost scan data
// is still refused.
func TestJPEGMissingOnlyEOI(t *testing.T) {
	for _, name := range []string{"jpeg_photo.jpg", "jpeg_progressive.jpg", "jpeg_baseline.jpg", "jpeg_cmyk_icc.jpg"} {
		t.Run(name, func(t *testing.T) {
			data := mustRead(t, name)
			if !bytes.HasSuffix(data, []byte{0xFF, 0xD9}) {
				t.Fatalf("%s does not end with EOI", name)
			}
			whole, err := DecodeBytes(data, Options{})
			if err != nil {
				t.Fatal(err)
			}
			cut := bytes.Clone(data[:len(data)-2])
			img, err := DecodeBytes(cut, Options{})
			if err != nil {
				t.Fatalf("without EOI: %v", err)
			}
			if !bytes.Equal(pixelsOf(t, img), pixelsOf(t, whole)) {
				t.Fatal("pixels differ from the whole file's")
			}
			if !bytes.Equal(cut, data[:len(data)-2]) {
				t.Fatal("the caller's bytes were changed")
			}
			// Scan data missing as well: still cut short.
			_, err = DecodeBytes(data[:len(data)-40], Options{})
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "cut short") {
				t.Fatalf("40 bytes short: %v", err)
			}
		})
	}
}
