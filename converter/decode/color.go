package decode

/*
#cgo pkg-config: lcms2
#cgo LDFLAGS: -lm
#include <math.h>
#include <stdint.h>
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

// ---- Fast path for matrix/shaper RGB profiles (Adobe RGB, Display P3, ProPhoto, most camera profiles).
// lcms2 2.14 runs these at ~20-40 ns per pixel here; the same maths with three 256-entry input curves, one
// 3x3 matrix and a 4096-entry sRGB output table is a few ns. Result equals lcms2's relative colorimetric
// (which is what perceptual means for matrix/shaper profiles) within 1 step; see TestFastMatrixShaper.

typedef struct {
	float lin[3][256]; // input: 8-bit code -> linear light
	float m[9];        // source RGB (linear) -> sRGB RGB (linear), via the D50 PCS
	uint8_t out[4097]; // linear light in 1/4096 steps -> sRGB 8-bit code
} ic_fast;

static int ic_inv3(const double a[9], double r[9]) {
	double det = a[0]*(a[4]*a[8]-a[5]*a[7]) - a[1]*(a[3]*a[8]-a[5]*a[6]) + a[2]*(a[3]*a[7]-a[4]*a[6]);
	if (det > -1e-12 && det < 1e-12) return -1;
	r[0] = (a[4]*a[8]-a[5]*a[7])/det; r[1] = (a[2]*a[7]-a[1]*a[8])/det; r[2] = (a[1]*a[5]-a[2]*a[4])/det;
	r[3] = (a[5]*a[6]-a[3]*a[8])/det; r[4] = (a[0]*a[8]-a[2]*a[6])/det; r[5] = (a[2]*a[3]-a[0]*a[5])/det;
	r[6] = (a[3]*a[7]-a[4]*a[6])/det; r[7] = (a[1]*a[6]-a[0]*a[7])/det; r[8] = (a[0]*a[4]-a[1]*a[3])/det;
	return 0;
}

// ic_colorants fills the matrix whose columns are the profile's red, green and blue colorants (XYZ, D50).
static int ic_colorants(cmsHPROFILE p, double m[9]) {
	cmsTagSignature tags[3] = {cmsSigRedColorantTag, cmsSigGreenColorantTag, cmsSigBlueColorantTag};
	for (int c = 0; c < 3; c++) {
		cmsCIEXYZ *xyz = (cmsCIEXYZ *)cmsReadTag(p, tags[c]);
		if (!xyz) return -1;
		m[c] = xyz->X; m[3 + c] = xyz->Y; m[6 + c] = xyz->Z;
	}
	return 0;
}

static int ic_fast_build(const void *icc, cmsUInt32Number n, ic_fast *f) {
	cmsHPROFILE p = cmsOpenProfileFromMem(icc, n);
	if (!p) return -1;
	int rc = -1;
	cmsHPROFILE s = cmsCreate_sRGBProfile();
	double src[9], dst[9], inv[9];
	cmsTagSignature trc[3] = {cmsSigRedTRCTag, cmsSigGreenTRCTag, cmsSigBlueTRCTag};
	if (cmsGetColorSpace(p) != cmsSigRgbData || !cmsIsMatrixShaper(p)) goto done;
	if (ic_colorants(p, src) || ic_colorants(s, dst) || ic_inv3(dst, inv)) goto done;
	for (int c = 0; c < 3; c++) {
		cmsToneCurve *t = (cmsToneCurve *)cmsReadTag(p, trc[c]);
		if (!t) goto done;
		for (int i = 0; i < 256; i++) f->lin[c][i] = cmsEvalToneCurveFloat(t, i / 255.0f);
	}
	for (int r = 0; r < 3; r++)
		for (int c = 0; c < 3; c++)
			f->m[3*r + c] = (float)(inv[3*r]*src[c] + inv[3*r + 1]*src[3 + c] + inv[3*r + 2]*src[6 + c]);
	for (int i = 0; i <= 4096; i++) {
		double v = i / 4096.0;
		v = v <= 0.0031308 ? 12.92 * v : 1.055 * pow(v, 1 / 2.4) - 0.055;
		f->out[i] = (uint8_t)(v * 255 + 0.5);
	}
	rc = 0;
done:
	cmsCloseProfile(s);
	cmsCloseProfile(p);
	return rc;
}

static inline uint8_t ic_fast_out(const ic_fast *f, float v) {
	if (v <= 0) return f->out[0];
	if (v >= 1) return f->out[4096];
	return f->out[(int)(v * 4096 + 0.5f)];
}

// ic_fast_run converts RGBA pixels in place; alpha untouched.
static void ic_fast_run(const ic_fast *f, uint8_t *p, size_t npix) {
	const float *m = f->m;
	for (size_t i = 0; i < npix; i++, p += 4) {
		float r = f->lin[0][p[0]], g = f->lin[1][p[1]], b = f->lin[2][p[2]];
		p[0] = ic_fast_out(f, m[0]*r + m[1]*g + m[2]*b);
		p[1] = ic_fast_out(f, m[3]*r + m[4]*g + m[5]*b);
		p[2] = ic_fast_out(f, m[6]*r + m[7]*g + m[8]*b);
	}
}

// ic_rgb_fast converts with the fast path; returns -1 (nothing done) when the profile is not a plain
// matrix/shaper one, so the caller falls back to a full lcms2 transform.
static int ic_rgb_fast(const void *icc, cmsUInt32Number n, uint8_t *p, size_t npix) {
	ic_fast *f = malloc(sizeof *f);
	if (!f) return -1;
	int rc = ic_fast_build(icc, n, f);
	if (rc == 0) ic_fast_run(f, p, npix);
	free(f);
	return rc;
}

// ic_cicp_icc builds a matrix/shaper ICC profile equivalent to CICP (ITU-T H.273) colour primaries and
// transfer characteristics, for pictures tagged that way instead of with an ICC profile (AVIF, HEIC
// nclx). Handled: primaries 9 (BT.2020), 11 (DCI-P3), 12 (Display P3); transfer 13 (sRGB) and
// 1/6/14/15 (BT.709 family). Returns 1 with a malloc'd profile in *out, 0 when not handled (or sRGB
// already), -1 on failure.
static int ic_cicp_icc(int prim, int trc, void **out, cmsUInt32Number *n) {
	cmsCIExyY white = {0.3127, 0.3290, 1.0}; // D65
	cmsCIExyYTRIPLE p;
	switch (prim) {
	case 9:
		p = (cmsCIExyYTRIPLE){{0.708, 0.292, 1}, {0.170, 0.797, 1}, {0.131, 0.046, 1}};
		break;
	case 11:
		white = (cmsCIExyY){0.314, 0.351, 1.0}; // DCI white; primaries as Display P3
		// fall through
	case 12:
		p = (cmsCIExyYTRIPLE){{0.680, 0.320, 1}, {0.265, 0.690, 1}, {0.150, 0.060, 1}};
		break;
	default:
		return 0;
	}
	// Parametric type 4: Y = (aX+b)^g for X >= d, Y = cX below.
	static const double srgb[5] = {2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045};
	static const double bt709[5] = {1 / 0.45, 1 / 1.099, 0.099 / 1.099, 1 / 4.5, 0.081};
	const double *par;
	switch (trc) {
	case 13: par = srgb; break;
	case 1: case 6: case 14: case 15: par = bt709; break;
	default: return 0;
	}
	cmsToneCurve *c = cmsBuildParametricToneCurve(NULL, 4, par);
	if (!c) return -1;
	cmsToneCurve *curves[3] = {c, c, c};
	cmsHPROFILE h = cmsCreateRGBProfile(&white, &p, curves);
	cmsFreeToneCurve(c);
	if (!h) return -1;
	cmsUInt32Number size = 0;
	void *buf = NULL;
	int rc = -1;
	if (cmsSaveProfileToMem(h, NULL, &size) && size > 0 && (buf = malloc(size)) != NULL &&
	    cmsSaveProfileToMem(h, buf, &size)) {
		*out = buf; *n = size; rc = 1;
	} else {
		free(buf);
	}
	cmsCloseProfile(h);
	return rc;
}

static void ic_init(void) { cmsSetLogErrorHandler(ic_silent); }
*/
import "C"

import (
	"errors"
	"sync"
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
	if kind == profileRGB && C.ic_rgb_fast(unsafe.Pointer(&icc[0]), C.cmsUInt32Number(len(icc)), (*C.uint8_t)(p), C.size_t(b.w*b.h)) == 0 {
		return nil
	}
	if C.ic_to_srgb(unsafe.Pointer(&icc[0]), C.cmsUInt32Number(len(icc)), C.int(kind), 0, p, p, C.int(b.w), C.int(b.h)) != 0 {
		return errors.New("lcms2: cannot build a colour transform from the embedded profile")
	}
	return nil
}

// cmykToRGBA converts 4-byte CMYK (cmyk and rgba may be the same buffer; inverted when the JPEG has an Adobe marker, as Photoshop writes it) to
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

// cicpProfiles caches the profiles cicpICC builds, by primaries and transfer: a batch of phone
// photos all carry the same tag. The slices are shared and must not be modified.
var cicpProfiles sync.Map // [2]int → []byte (nil: not handled)

// cicpICC returns an ICC profile equivalent to the CICP colour primaries and transfer characteristics
// of a picture that has no ICC profile, or nil when they are sRGB-like, unspecified or not handled
// (the pixels are then taken as sRGB, as before). Without it a Display P3 or BT.2020 AVIF/HEIC was
// written with its numbers unchanged and looked washed out. The profile is treated as if embedded: the
// pixels are converted to sRGB, or with KeepMetadata the profile is written into the output.
func cicpICC(primaries, transfer int) []byte {
	key := [2]int{primaries, transfer}
	if v, ok := cicpProfiles.Load(key); ok {
		return v.([]byte)
	}
	var out unsafe.Pointer
	var n C.cmsUInt32Number
	var icc []byte
	if C.ic_cicp_icc(C.int(primaries), C.int(transfer), &out, &n) == 1 {
		icc = C.GoBytes(out, C.int(n))
		C.free(out)
	}
	cicpProfiles.Store(key, icc)
	return icc
}

// toSRGBLCMS converts RGB pixels with a full lcms2 transform, bypassing the fast path; the tests hold
// the fast path to it.
func toSRGBLCMS(b *buf, icc []byte) int {
	p := unsafe.Pointer(&b.pix[0])
	return int(C.ic_to_srgb(unsafe.Pointer(&icc[0]), C.cmsUInt32Number(len(icc)), C.IC_RGB, 0, p, p, C.int(b.w), C.int(b.h)))
}
