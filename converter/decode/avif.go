package decode

/*
#cgo pkg-config: libavif
#include <stdlib.h>
#include <string.h>
#include <avif/avif.h>

// libavif 1.0 renamed avifImageMirror.mode to axis (same meaning); Windows builds use 1.x.
#if AVIF_VERSION_MAJOR >= 1
#define IC_IMIR_AXIS(im) ((im)->imir.axis)
#else
#define IC_IMIR_AXIS(im) ((im)->imir.mode)
#endif

typedef struct {
	avifDecoder *d;
	int w, h, alpha, rot, mir; // rot: irot angle (x90 anticlockwise) or -1; mir: imir mode or -1
	int prim, trc;             // CICP colour primaries and transfer characteristics
	const uint8_t *icc, *exif, *xmp;
	size_t iccLen, exifLen, xmpLen;
} ic_avif;

static int ic_avif_open(ic_avif *a, const uint8_t *data, size_t n, uint32_t maxPixels, char *msg, int msglen) {
	memset(a, 0, sizeof *a);
	a->d = avifDecoderCreate();
	if (!a->d) { strncpy(msg, "out of memory", msglen - 1); return -1; }
	a->d->imageSizeLimit = maxPixels;
	a->d->maxThreads = 1; // the batch engine runs one decode per core already
	avifResult r = avifDecoderSetIOMemory(a->d, data, n);
	if (r == AVIF_RESULT_OK) r = avifDecoderParse(a->d);
	if (r == AVIF_RESULT_OK && a->d->imageCount > 1) { strncpy(msg, "animated", msglen - 1); return 2; }
	if (r == AVIF_RESULT_OK) r = avifDecoderNextImage(a->d);
	if (r != AVIF_RESULT_OK) {
		strncpy(msg, avifResultToString(r), msglen - 1);
		return r == AVIF_RESULT_TRUNCATED_DATA ? 3 : -1;
	}
	avifImage *im = a->d->image;
	a->w = im->width; a->h = im->height; a->alpha = im->alphaPlane != NULL;
	a->rot = (im->transformFlags & AVIF_TRANSFORM_IROT) ? im->irot.angle : -1;
	a->mir = (im->transformFlags & AVIF_TRANSFORM_IMIR) ? IC_IMIR_AXIS(im) : -1;
	a->prim = im->colorPrimaries; a->trc = im->transferCharacteristics;
	a->icc = im->icc.data; a->iccLen = im->icc.size;
	a->exif = im->exif.data; a->exifLen = im->exif.size;
	a->xmp = im->xmp.data; a->xmpLen = im->xmp.size;
	return 0;
}

static int ic_avif_rgba(ic_avif *a, uint8_t *dst, char *msg, int msglen) {
	avifRGBImage rgb;
	avifRGBImageSetDefaults(&rgb, a->d->image);
	rgb.format = AVIF_RGB_FORMAT_RGBA;
	rgb.depth = 8;
	rgb.pixels = dst;
	rgb.rowBytes = 4 * a->w;
	avifResult r = avifImageYUVToRGB(a->d->image, &rgb);
	if (r != AVIF_RESULT_OK) { strncpy(msg, avifResultToString(r), msglen - 1); return -1; }
	return 0;
}

static void ic_avif_close(ic_avif *a) { if (a->d) avifDecoderDestroy(a->d); a->d = NULL; }
*/
import "C"

import (
	"errors"
	"unsafe"
)

// decodeAVIF decodes the primary image with the system libavif (dav1d/aom inside) to 8-bit RGBA and turns
// its irot/imir transform into an EXIF-style orientation (HEIF says these win over EXIF).
func decodeAVIF(data []byte, maxPixels int64) (*buf, rawMeta, int, error) {
	var a C.ic_avif
	var msg [200]C.char
	defer C.ic_avif_close(&a)
	// libavif's own limit is checked on the sizes it parses itself, before it allocates planes.
	limit := C.uint32_t(C.AVIF_DEFAULT_IMAGE_SIZE_LIMIT)
	if maxPixels > 0 && maxPixels < int64(limit) {
		limit = C.uint32_t(maxPixels)
	}
	switch C.ic_avif_open(&a, (*C.uint8_t)(unsafe.Pointer(&data[0])), C.size_t(len(data)), limit, &msg[0], C.int(len(msg))) {
	case 0:
	case 2:
		return nil, rawMeta{}, 1, newErr(ErrAnimated, "This AVIF is an animation; animated images are not supported yet", nil)
	case 3:
		return nil, rawMeta{}, 1, truncated(FormatAVIF, errors.New(C.GoString(&msg[0])))
	default:
		return nil, rawMeta{}, 1, corrupt(FormatAVIF, "is damaged or uses a feature this app cannot read", errors.New("libavif: "+C.GoString(&msg[0])))
	}
	b := newBuf(int(a.w), int(a.h), a.alpha != 0)
	if C.ic_avif_rgba(&a, (*C.uint8_t)(unsafe.Pointer(&b.pix[0])), &msg[0], C.int(len(msg))) != 0 {
		return nil, rawMeta{}, 1, corrupt(FormatAVIF, "could not be converted to RGB", errors.New("libavif: "+C.GoString(&msg[0])))
	}
	var m rawMeta
	m.ICC = C.GoBytes(unsafe.Pointer(a.icc), C.int(a.iccLen))
	if len(m.ICC) == 0 { // tagged by CICP only (avifenc's default): honour Display P3 / BT.2020
		m.ICC = cicpICC(int(a.prim), int(a.trc))
	}
	m.EXIF = C.GoBytes(unsafe.Pointer(a.exif), C.int(a.exifLen))
	m.XMP = C.GoBytes(unsafe.Pointer(a.xmp), C.int(a.xmpLen))
	m.Metadata = trimEmpty(m.Metadata)
	return b, m, heifOrientation(int(a.rot), int(a.mir)), nil
}

// heifOrientation maps irot (angle x 90° anticlockwise, -1 = none) and imir (0 = top-bottom,
// 1 = left-right, -1 = none), applied rotation first, to one EXIF orientation.
func heifOrientation(rot, mir int) int {
	// Rotations as EXIF: anticlockwise 90 = 8, 180 = 3, 270 = 6.
	r := [4]int{1, 8, 3, 6}[rot&3]
	if rot < 0 {
		r = 1
	}
	if mir < 0 {
		return r
	}
	// Rotation then mirror, composed; precomputed for left-right (mir=1) and top-bottom (mir=0).
	lr := map[int]int{1: 2, 8: 7, 3: 4, 6: 5}
	tb := map[int]int{1: 4, 8: 5, 3: 2, 6: 7}
	if mir == 1 {
		return lr[r]
	}
	return tb[r]
}
