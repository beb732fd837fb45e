package decode

/*
#cgo pkg-config: libwebp
#include <webp/decode.h>

static int ic_webp_info(const uint8_t *data, size_t n, int *w, int *h, int *alpha, int *anim) {
	WebPBitstreamFeatures f;
	if (WebPGetFeatures(data, n, &f) != VP8_STATUS_OK) return -1;
	*w = f.width; *h = f.height; *alpha = f.has_alpha; *anim = f.has_animation;
	return 0;
}
*/
import "C"

import (
	"errors"
	"unsafe"
)

// decodeWebP decodes a still WebP with libwebp straight into RGBA (non-premultiplied, as libwebp gives it).
func decodeWebP(data []byte, maxPx int64) (*buf, error) {
	p := (*C.uint8_t)(unsafe.Pointer(&data[0]))
	n := C.size_t(len(data))
	var w, h, alpha, anim C.int
	if C.ic_webp_info(p, n, &w, &h, &alpha, &anim) != 0 {
		return nil, corrupt(FormatWebP, "is damaged", errors.New("libwebp: cannot read the bitstream header"))
	}
	if anim != 0 {
		return nil, newErr(ErrAnimated, "This WebP is animated; animated images are not supported yet", nil)
	}
	if int64(w)*int64(h) > maxPx {
		return nil, newErr(ErrTooLarge, "The image is too large", nil)
	}
	b := newBuf(int(w), int(h), alpha != 0)
	if C.WebPDecodeRGBAInto(p, n, (*C.uint8_t)(unsafe.Pointer(&b.pix[0])), C.size_t(len(b.pix)), C.int(4*w)) == nil {
		return nil, corrupt(FormatWebP, "is damaged or cut short", errors.New("libwebp: decoding failed"))
	}
	return b, nil
}
