package decode

/*
#cgo pkg-config: lcms2
#include <stdlib.h>
#include <string.h>
#include <lcms2.h>

// Profile colour spaces as returned by ic_space.
enum { IC_UNKNOWN = 0, IC_RGB = 1, IC_GRAY = 2, IC_CMYK = 3, IC_SRGB = 4 };

// Gray read from the first byte of an RGBA pixel, the other three skipped.
#define IC_TYPE_GRAY_IN_RGBA (COLORSPACE_SH(PT_GRAY)|EXTRA_SH(3)|CHANNELS_SH(1)|BYTES_SH(1))

static void ic_silent(cmsContext c, cmsUInt32Number code, const char *text) {}

static int ic_space(const void *icc, cmsUInt32Number n) {
	cmsHPROFILE p = cmsOpenProfileFromMem(icc, n);
	if (!p) return IC_UNKNOWN;
	int r = IC_UNKNOWN;
	switch (cmsGetColorSpace(p)) {
	case cmsSigRgbData: {
		char desc[128] = {0};
		cmsGetProfileInfoASCII(p, cmsInfoDescription, "en", "US", desc, sizeof desc);
		// A profile that calls itself sRGB is what we would convert to: skip the work.
		r = strncmp(desc, "sRGB", 4) == 0 ? IC_SRGB : IC_RGB;
		break;
	}
	case cmsSigGrayData: r = IC_GRAY; break;
	case cmsSigCmykData: r = IC_CMYK; break;
	default: break;
	}
	cmsCloseProfile(p);
	return r;
}

// ic_to_srgb converts w x h pixels from the profile's space to sRGB RGBA. kind: IC_RGB (RGBA in, in place
// allowed, alpha untouched), IC_GRAY (gray in the first byte of RGBA, in place), IC_CMYK (4-byte CMYK in,
// inverted = Adobe-style). Returns 0 on success.
static int ic_to_srgb(const void *icc, cmsUInt32Number n, int kind, int inverted,
                      const void *in, void *out, int w, int h) {
	cmsHPROFILE src = cmsOpenProfileFromMem(icc, n);
	if (!src) return -1;
	cmsHPROFILE dst = cmsCreate_sRGBProfile();
	cmsUInt32Number fin = TYPE_RGBA_8, intent = INTENT_PERCEPTUAL;
	cmsUInt32Number flags = kind == IC_CMYK ? cmsFLAGS_BLACKPOINTCOMPENSATION : 0;
	if (kind == IC_GRAY) fin = IC_TYPE_GRAY_IN_RGBA;
	if (kind == IC_CMYK) fin = inverted ? TYPE_CMYK_8_REV : TYPE_CMYK_8;
	cmsHTRANSFORM t = cmsCreateTransform(src, fin, dst, TYPE_RGBA_8, intent, flags);
	cmsCloseProfile(src);
	cmsCloseProfile(dst);
	if (!t) return -2;
	cmsDoTransformLineStride(t, in, out, w, h, 4 * w, 4 * w, 0, 0);
	cmsDeleteTransform(t);
	return 0;
}

static void ic_init(void) { cmsSetLogErrorHandler(ic_silent); }
*/
import "C"

import (
	"errors"
	"unsafe"
)

func init() {
	// lcms prints damaged-profile complaints to stderr by default; we handle failure by return value.
	C.ic_init()
}

// profileKind is the colour space an embedded ICC profile describes.
type profileKind int

const (
	profileUnknown profileKind = C.IC_UNKNOWN
	profileRGB     profileKind = C.IC_RGB
	profileGray    profileKind = C.IC_GRAY
	profileCMYK    profileKind = C.IC_CMYK
	profileSRGB    profileKind = C.IC_SRGB
)

func iccKind(icc []byte) profileKind {
	if len(icc) < 128 { // shorter than the ICC header: not a profile
		return profileUnknown
	}
	return profileKind(C.ic_space(unsafe.Pointer(&icc[0]), C.cmsUInt32Number(len(icc))))
}

// toSRGB converts b in place from the colour space of icc to sRGB. Only RGB and gray profiles apply to
// RGBA pixels; anything else (or a profile lcms cannot read) leaves the pixels alone.
func toSRGB(b *buf, icc []byte, kind profileKind) error {
	if kind != profileRGB && kind != profileGray {
		return nil
	}
	if len(b.pix) == 0 {
		return nil
	}
	p := unsafe.Pointer(&b.pix[0])
	if C.ic_to_srgb(unsafe.Pointer(&icc[0]), C.cmsUInt32Number(len(icc)), C.int(kind), 0, p, p, C.int(b.w), C.int(b.h)) != 0 {
		return errors.New("lcms2: cannot build a colour transform from the embedded profile")
	}
	return nil
}

// cmykToRGBA converts 4-byte CMYK (inverted when the JPEG has an Adobe marker, as Photoshop writes it) to
// opaque RGBA. With a readable CMYK profile lcms2 does it; without one the plain formula
// R = 255·(1−C)(1−K) is used, which is what browsers show for untagged CMYK.
func cmykToRGBA(cmyk, rgba []byte, w, h int, icc []byte, inverted bool) error {
	if len(cmyk) == 0 {
		return nil
	}
	if iccKind(icc) == profileCMYK {
		inv := 0
		if inverted {
			inv = 1
		}
		if C.ic_to_srgb(unsafe.Pointer(&icc[0]), C.cmsUInt32Number(len(icc)), C.IC_CMYK, C.int(inv),
			unsafe.Pointer(&cmyk[0]), unsafe.Pointer(&rgba[0]), C.int(w), C.int(h)) == 0 {
			for i := 3; i < len(rgba); i += 4 { // lcms leaves the output's extra channel untouched
				rgba[i] = 0xFF
			}
			return nil
		}
	}
	for i := 0; i+3 < len(cmyk); i += 4 {
		c, m, y, k := uint32(cmyk[i]), uint32(cmyk[i+1]), uint32(cmyk[i+2]), uint32(cmyk[i+3])
		if !inverted {
			c, m, y, k = 255-c, 255-m, 255-y, 255-k
		}
		// now c, m, y, k are the "amount of white left" (255 = no ink)
		rgba[i] = uint8((c*k + 127) / 255)
		rgba[i+1] = uint8((m*k + 127) / 255)
		rgba[i+2] = uint8((y*k + 127) / 255)
		rgba[i+3] = 0xFF
	}
	return nil
}
