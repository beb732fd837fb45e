package decode

/*
#cgo pkg-config: libturbojpeg
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>

// ic_jpeg_header reads the frame header. Returns 0, or -1 with msg filled.
static int ic_jpeg_header(tjhandle h, const unsigned char *src, unsigned long n,
                          int *w, int *hh, int *cs, char *msg, int msglen) {
	int sub;
	if (tjDecompressHeader3(h, src, n, w, hh, &sub, cs) != 0) {
		strncpy(msg, tjGetErrorStr2(h), msglen - 1);
		return -1;
	}
	return 0;
}

// ic_jpeg_decode decodes straight into dst (pitch bytes per row) in pixel format pf.
// Returns 0 on success, 1 when it decoded with a warning (msg says which), -1 on failure.
static int ic_jpeg_decode(tjhandle h, const unsigned char *src, unsigned long n,
                          unsigned char *dst, int w, int pitch, int hh, int pf, char *msg, int msglen) {
	int rc = tjDecompress2(h, src, n, dst, w, pitch, hh, pf, TJFLAG_LIMITSCANS);
	if (rc != 0) {
		strncpy(msg, tjGetErrorStr2(h), msglen - 1);
		return tjGetErrorCode(h) == TJERR_WARNING ? 1 : -1;
	}
	return 0;
}
*/
import "C"

import (
	"errors"
	"strings"
	"unsafe"
)

// decodeJPEG decodes with libjpeg-turbo (TurboJPEG API) directly into the final RGBA buffer, so there is
// no YCbCr→RGBA pass in Go. CMYK/YCCK files are decoded to CMYK and converted with their ICC profile, or
// a plain formula without one. It returns the pixels and whether they still need the ICC profile applied
// (never for CMYK: that conversion already used it).
func decodeJPEG(data []byte, m rawMeta, maxPx int64, scale int) (*buf, bool, error) {
	var b *buf
	cmyk, err := turboDecode(data, maxPx, scale, false, func(w, h int) []byte {
		b = newBuf(w, h, false)
		return b.pix // CMYK is 4 bytes per pixel too: decoded into the same buffer and converted in place
	})
	if err != nil {
		return nil, false, err
	}
	if !cmyk {
		return b, true, nil
	}
	if err := cmykToRGBA(b.pix, b.pix, b.w, b.h, m.ICC, m.adobe); err != nil {
		return nil, false, err
	}
	return b, false, nil
}

// errCMYK is returned by turboDecode in RGB mode for CMYK/YCCK files, which need the 4-byte route.
var errCMYK = errors.New("CMYK JPEG")

// turboDecode decodes data at scale n/8 (8 = full size) into the buffer alloc returns for the scaled size: RGBA
// (A = 0xFF) or CMYK, 4 bytes per pixel, or with rgb set 3-byte RGB (CMYK files then give errCMYK
// before anything is allocated). It reports whether the pixels are CMYK.
func turboDecode(data []byte, maxPx int64, scale int, rgb bool, alloc func(w, h int) []byte) (bool, error) {
	h := C.tjInitDecompress()
	if h == nil {
		return false, errors.New("libjpeg-turbo: cannot create a decompressor")
	}
	defer C.tjDestroy(h)
	// Some writers (and cut-off copies) lose just the 2-byte end-of-image marker while every pixel is
	// there; other readers open such files. Decode them with the marker put back: if libjpeg-turbo still
	// warns, scan data is missing too and the file is reported as cut short below. The copy is of the
	// compressed bytes and only for such files.
	patched := false
	if !hasEOI(data) {
		data, patched = append(data[:len(data):len(data)], 0xFF, 0xD9), true
	}
	var msg [200]C.char
	src := (*C.uchar)(unsafe.Pointer(&data[0]))
	n := C.ulong(len(data))
	var w, hh, cs C.int
	if C.ic_jpeg_header(h, src, n, &w, &hh, &cs, &msg[0], C.int(len(msg))) != 0 {
		return false, jpegErr(C.GoString(&msg[0]))
	}
	if int64(w)*int64(hh) > maxPx { // libjpeg-turbo's own reading of the header is the one that allocates
		return false, newErr(ErrTooLarge, "The image is too large", nil)
	}
	cmyk := cs == C.TJCS_CMYK || cs == C.TJCS_YCCK
	if cmyk && rgb {
		return true, errCMYK
	}
	if scale < 8 {
		// Asking for exactly TJSCALED's size makes TurboJPEG pick scale n/8.
		w, hh = C.int(scaledJPEG(int(w), scale)), C.int(scaledJPEG(int(hh), scale))
	}
	dst := alloc(int(w), int(hh))
	pf, bpp := C.int(C.TJPF_RGBA), C.int(4) // libjpeg-turbo fills A with 0xFF
	switch {
	case cmyk:
		pf = C.TJPF_CMYK
	case rgb:
		pf, bpp = C.TJPF_RGB, 3
	}
	rc := C.ic_jpeg_decode(h, src, n, (*C.uchar)(unsafe.Pointer(&dst[0])), w, bpp*w, hh, pf, &msg[0], C.int(len(msg)))
	if rc != 0 {
		s := C.GoString(&msg[0])
		// A warning is usually harmless (extraneous bytes between markers is common in camera files), but
		// a premature end means the bottom of the picture is missing: say so instead of writing grey rows.
		// Any failure or warning with the end-of-image marker missing is a cut-off file: libjpeg-turbo
		// then complains about whatever it met last (a Huffman table, a marker length), not the end.
		if patched {
			return false, truncated(FormatJPEG, errors.New(s))
		}
		if rc < 0 || strings.Contains(s, "Premature end") {
			return false, jpegErr(s)
		}
	}
	return cmyk, nil
}

func jpegErr(s string) error {
	switch {
	case strings.Contains(s, "Premature end"):
		return truncated(FormatJPEG, errors.New(s))
	case strings.Contains(s, "Unsupported"), strings.Contains(s, "not supported"):
		return newErr(ErrUnsupported, "This JPEG uses a feature this app cannot read", errors.New(s))
	}
	return corrupt(FormatJPEG, "is damaged", errors.New(s))
}

// hasEOI reports whether the end-of-image marker is near the end (some writers append a few bytes).
func hasEOI(data []byte) bool {
	tail := data[max(0, len(data)-64):]
	for i := len(tail) - 2; i >= 0; i-- {
		if tail[i] == 0xFF && tail[i+1] == 0xD9 {
			return true
		}
	}
	return false
}
