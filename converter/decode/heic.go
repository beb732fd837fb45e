package decode

/*
#cgo pkg-config: libheif
#include <stdlib.h>
#include <string.h>
#include <libheif/heif.h>

typedef struct {
	struct heif_context *ctx;
	struct heif_image_handle *h;
	struct heif_image *img;
	int w, h2, alpha, stride;
	const uint8_t *pix;
} ic_heif;

static int ic_heif_err(struct heif_error e, char *msg, int msglen) {
	strncpy(msg, e.message ? e.message : "unknown error", msglen - 1);
	return e.code == heif_error_Unsupported_feature || e.code == heif_error_Unsupported_filetype ? 2 : -1;
}

// ic_heif_decode decodes the primary image to interleaved 8-bit RGBA. libheif applies irot/imir/clap
// itself, so the result is already oriented.
static int ic_heif_decode(ic_heif *a, const void *data, size_t n, char *msg, int msglen) {
	memset(a, 0, sizeof *a);
	a->ctx = heif_context_alloc();
	struct heif_error e = heif_context_read_from_memory_without_copy(a->ctx, data, n, NULL);
	if (e.code) return ic_heif_err(e, msg, msglen);
	if (heif_context_get_number_of_top_level_images(a->ctx) < 1) { strncpy(msg, "no image", msglen - 1); return -1; }
	e = heif_context_get_primary_image_handle(a->ctx, &a->h);
	if (e.code) return ic_heif_err(e, msg, msglen);
	e = heif_decode_image(a->h, &a->img, heif_colorspace_RGB, heif_chroma_interleaved_RGBA, NULL);
	if (e.code) return ic_heif_err(e, msg, msglen);
	a->alpha = heif_image_handle_has_alpha_channel(a->h);
	a->w = heif_image_get_width(a->img, heif_channel_interleaved);
	a->h2 = heif_image_get_height(a->img, heif_channel_interleaved);
	a->pix = heif_image_get_plane_readonly(a->img, heif_channel_interleaved, &a->stride);
	if (!a->pix || a->w <= 0 || a->h2 <= 0) { strncpy(msg, "no pixels", msglen - 1); return -1; }
	return 0;
}

static size_t ic_heif_icc(ic_heif *a, void *dst, size_t cap) {
	if (heif_image_handle_get_color_profile_type(a->h) != heif_color_profile_type_prof) return 0;
	size_t n = heif_image_handle_get_raw_color_profile_size(a->h);
	if (dst && n <= cap) heif_image_handle_get_raw_color_profile(a->h, dst);
	return n;
}

// ic_heif_nclx reads the nclx colour tag (CICP primaries and transfer); 0 when there is none.
static int ic_heif_nclx(ic_heif *a, int *prim, int *trc) {
	struct heif_color_profile_nclx *n = NULL;
	struct heif_error e = heif_image_handle_get_nclx_color_profile(a->h, &n);
	if (e.code || !n) return 0;
	*prim = n->color_primaries; *trc = n->transfer_characteristics;
	heif_nclx_color_profile_free(n);
	return 1;
}

// ic_heif_meta returns the size of the first metadata block of the given type ("Exif", or "mime" with
// content type application/rdf+xml for XMP), copying it into dst when dst is large enough.
static size_t ic_heif_meta(ic_heif *a, const char *type, const char *ctype, void *dst, size_t cap) {
	heif_item_id ids[8];
	int k = heif_image_handle_get_list_of_metadata_block_IDs(a->h, type, ids, 8);
	for (int i = 0; i < k; i++) {
		if (ctype && strcmp(heif_image_handle_get_metadata_content_type(a->h, ids[i]), ctype) != 0) continue;
		size_t n = heif_image_handle_get_metadata_size(a->h, ids[i]);
		if (dst && n <= cap) heif_image_handle_get_metadata(a->h, ids[i], dst);
		return n;
	}
	return 0;
}

static void ic_heif_init(void) { heif_init(NULL); }

static void ic_heif_close(ic_heif *a) {
	if (a->img) heif_image_release(a->img);
	if (a->h) heif_image_handle_release(a->h);
	if (a->ctx) heif_context_free(a->ctx);
}
*/
import "C"

import (
	"encoding/binary"
	"errors"
	"unsafe"
)

func init() {
	// libheif loads its decoder plugins in heif_init; doing it once here keeps concurrent first decodes
	// from racing on its lazy initialisation.
	C.ic_heif_init()
}

// decodeHEIC decodes the primary image of a HEIC/HEIF with the system libheif (libde265 inside).
// Orientation is already applied by libheif (irot/imir), so the EXIF orientation must not be applied again.
func decodeHEIC(data []byte) (*buf, rawMeta, error) {
	var a C.ic_heif
	var msg [200]C.char
	defer C.ic_heif_close(&a)
	switch C.ic_heif_decode(&a, unsafe.Pointer(&data[0]), C.size_t(len(data)), &msg[0], C.int(len(msg))) {
	case 0:
	case 2:
		return nil, rawMeta{}, newErr(ErrUnsupported, "This HEIC photo uses a feature this app cannot read", errors.New("libheif: "+C.GoString(&msg[0])))
	default:
		return nil, rawMeta{}, corrupt(FormatHEIC, "is damaged or cut short", errors.New("libheif: "+C.GoString(&msg[0])))
	}
	w, h, stride := int(a.w), int(a.h2), int(a.stride)
	b := newBuf(w, h, a.alpha != 0)
	src := unsafe.Slice((*byte)(unsafe.Pointer(a.pix)), stride*(h-1)+4*w)
	for y := 0; y < h; y++ {
		copy(b.pix[y*4*w:(y+1)*4*w], src[y*stride:y*stride+4*w])
	}
	var m rawMeta
	m.ICC = heifBlock(func(dst unsafe.Pointer, n C.size_t) C.size_t { return C.ic_heif_icc(&a, dst, n) })
	if len(m.ICC) == 0 { // nclx only: honour Display P3 / BT.2020 as an ICC profile would be
		var prim, trc C.int
		if C.ic_heif_nclx(&a, &prim, &trc) != 0 {
			m.ICC = cicpICC(int(prim), int(trc))
		}
	}
	exifType, mimeType, xmpType := C.CString("Exif"), C.CString("mime"), C.CString("application/rdf+xml")
	defer C.free(unsafe.Pointer(exifType))
	defer C.free(unsafe.Pointer(mimeType))
	defer C.free(unsafe.Pointer(xmpType))
	exif := heifBlock(func(dst unsafe.Pointer, n C.size_t) C.size_t { return C.ic_heif_meta(&a, exifType, nil, dst, n) })
	// HEIF EXIF starts with a 4-byte big-endian offset to the TIFF header.
	if len(exif) >= 4 {
		if off := int(binary.BigEndian.Uint32(exif)); off >= 0 && 4+off < len(exif) {
			m.EXIF = exif[4+off:]
		}
	}
	m.XMP = heifBlock(func(dst unsafe.Pointer, n C.size_t) C.size_t { return C.ic_heif_meta(&a, mimeType, xmpType, dst, n) })
	return b, m, nil
}

// heifBlock calls get once for the size and once to fill a Go buffer of that size.
func heifBlock(get func(unsafe.Pointer, C.size_t) C.size_t) []byte {
	n := int(get(nil, 0))
	if n <= 0 || n > maxICC {
		return nil
	}
	out := make([]byte, n)
	get(unsafe.Pointer(&out[0]), C.size_t(n))
	return out
}
