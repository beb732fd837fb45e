//go:build cgo

package encode

/*
#cgo pkg-config: libavif
#include <avif/avif.h>
#include <string.h>

// ic_avif_image converts 8-bit straight-alpha RGBA to a new YUV 4:2:0 image, as avifenc does for a
// PNG/JPEG input with -y 420: sRGB CICP 1/13/6 when there is no ICC profile, full range. The pixel
// memory is only read, and not needed any more once this returns.
static avifResult ic_avif_image(const uint8_t *rgba, uint32_t w, uint32_t h, uint32_t stride, int has_alpha,
                                const uint8_t *icc, size_t icc_len, const uint8_t *exif, size_t exif_len,
                                const uint8_t *xmp, size_t xmp_len, avifImage **out) {
	avifImage *img = avifImageCreate(w, h, 8, AVIF_PIXEL_FORMAT_YUV420);
	if (!img) return AVIF_RESULT_OUT_OF_MEMORY;
	img->yuvRange = AVIF_RANGE_FULL;
	img->matrixCoefficients = AVIF_MATRIX_COEFFICIENTS_BT601;
	if (icc_len > 0) {
		avifImageSetProfileICC(img, icc, icc_len);
	} else {
		img->colorPrimaries = AVIF_COLOR_PRIMARIES_BT709;
		img->transferCharacteristics = AVIF_TRANSFER_CHARACTERISTICS_SRGB;
	}
	if (exif_len > 0) avifImageSetMetadataExif(img, exif, exif_len);
	if (xmp_len > 0) avifImageSetMetadataXMP(img, xmp, xmp_len);

	avifRGBImage rgb;
	avifRGBImageSetDefaults(&rgb, img);
	rgb.format = AVIF_RGB_FORMAT_RGBA;
	rgb.depth = 8;
	rgb.pixels = (uint8_t *)rgba;
	rgb.rowBytes = stride;
	rgb.ignoreAlpha = has_alpha ? AVIF_FALSE : AVIF_TRUE; // no alpha plane for opaque images
	avifResult r = avifImageRGBToYUV(img, &rgb);
	if (r != AVIF_RESULT_OK) {
		avifImageDestroy(img);
		return r;
	}
	*out = img;
	return AVIF_RESULT_OK;
}

// ic_avif_codec is the AV1 encoder we use: libaom when this libavif has it (measured the best of the
// three Debian's libavif offers, see docs/native-libraries.md), else whatever libavif picks.
static avifCodecChoice ic_avif_codec(void) {
	if (avifCodecName(AVIF_CODEC_CHOICE_AOM, AVIF_CODEC_FLAG_CAN_ENCODE) != NULL) return AVIF_CODEC_CHOICE_AOM;
	return AVIF_CODEC_CHOICE_AUTO;
}

// ic_avif_write encodes img (alpha lossless, as avifenc 0.11's default) and destroys it. On failure
// errbuf gets libavif's diagnostic.
static avifResult ic_avif_write(avifImage *img, int quantizer, int speed, int threads, avifRWData *out,
                                char *errbuf, size_t errlen) {
	avifEncoder *enc = avifEncoderCreate();
	if (!enc) {
		avifImageDestroy(img);
		return AVIF_RESULT_OUT_OF_MEMORY;
	}
	enc->codecChoice = ic_avif_codec();
	enc->maxThreads = threads;
	enc->speed = speed;
	enc->minQuantizer = quantizer;
	enc->maxQuantizer = quantizer;
	enc->minQuantizerAlpha = AVIF_QUANTIZER_LOSSLESS;
	enc->maxQuantizerAlpha = AVIF_QUANTIZER_LOSSLESS;
	avifResult r = avifEncoderWrite(enc, img, out);
	if (r != AVIF_RESULT_OK && errlen > 0) {
		strncpy(errbuf, enc->diag.error, errlen - 1);
		errbuf[errlen - 1] = 0;
	}
	avifEncoderDestroy(enc);
	avifImageDestroy(img);
	return r;
}

// ic_avif_decode is used by the tests to read our output back with the same library.
static avifResult ic_avif_decode(const uint8_t *data, size_t len, avifImage *img, uint8_t *rgba, uint32_t stride, int to_rgb) {
	avifDecoder *dec = avifDecoderCreate();
	if (!dec) return AVIF_RESULT_OUT_OF_MEMORY;
	avifResult r = avifDecoderReadMemory(dec, img, data, len);
	avifDecoderDestroy(dec);
	if (r != AVIF_RESULT_OK || !to_rgb) return r;
	avifRGBImage rgb;
	avifRGBImageSetDefaults(&rgb, img);
	rgb.format = AVIF_RGB_FORMAT_RGBA;
	rgb.depth = 8;
	rgb.pixels = rgba;
	rgb.rowBytes = stride;
	return avifImageYUVToRGB(img, &rgb);
}
*/
import "C"

import (
	"fmt"
	"image"
	"io"
	"unsafe"

	"imageconverter/converter/meta"
)

func bytesPtr(b []byte) (*C.uint8_t, C.size_t) {
	if len(b) == 0 {
		return nil, 0
	}
	return (*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(b))), C.size_t(len(b))
}

func encodeAVIF(w io.Writer, img image.Image, o Options) error {
	if !avifNativeEncoder() {
		return encodeAVIFWASM(w, img, o)
	}
	px := toNRGBA(img)
	hasAlpha := 0
	if !px.Opaque() {
		hasAlpha = 1
	}
	icc, iccLen := bytesPtr(o.Meta.ICC)
	exif, exifLen := bytesPtr(o.Meta.EXIF)
	xmp, xmpLen := bytesPtr(o.Meta.XMP)
	var yuv *C.avifImage
	r := C.ic_avif_image((*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(px.Pix))),
		C.uint32_t(px.Rect.Dx()), C.uint32_t(px.Rect.Dy()), C.uint32_t(px.Stride), C.int(hasAlpha),
		icc, iccLen, exif, exifLen, xmp, xmpLen, &yuv)
	if r != C.AVIF_RESULT_OK {
		return fmt.Errorf("%w: libavif RGB to YUV: %s", ErrEncode, C.GoString(C.avifResultToString(r)))
	}
	o.pixelsRead()
	var out C.avifRWData
	var errbuf [256]C.char
	r = C.ic_avif_write(yuv, C.int(avifQuantizer(o.Quality)), C.int(o.Effort), C.int(avifThreads(o)),
		&out, &errbuf[0], C.size_t(len(errbuf)))
	if r != C.AVIF_RESULT_OK {
		msg := C.GoString(C.avifResultToString(r))
		if d := C.GoString(&errbuf[0]); d != "" {
			msg += ": " + d
		}
		return fmt.Errorf("%w: libavif: %s", ErrEncode, msg)
	}
	defer C.avifRWDataFree(&out)
	if _, err := w.Write(unsafe.Slice((*byte)(unsafe.Pointer(out.data)), int(out.size))); err != nil {
		return fmt.Errorf("writing AVIF output: %w", err)
	}
	return nil
}

// avifNativeEncoder reports whether the linked libavif has an AV1 encoder (libaom, rav1e or SVT);
// a libavif built decode-only would fail every encode.
func avifNativeEncoder() bool {
	return C.avifCodecName(C.AVIF_CODEC_CHOICE_AUTO, C.AVIF_CODEC_FLAG_CAN_ENCODE) != nil
}

func avifBackend() string {
	if avifNativeEncoder() {
		return BackendNative
	}
	return BackendWASM
}

func avifBackendDetail() string {
	v := C.GoString(C.avifVersion())
	if !avifNativeEncoder() {
		return "AVIF uses the slower WASM encoder: libavif " + v + " has no AV1 encoder"
	}
	codec := C.GoString(C.avifCodecName(C.ic_avif_codec(), C.AVIF_CODEC_FLAG_CAN_ENCODE))
	return fmt.Sprintf("libavif %s (cgo) with the %s encoder", v, codec)
}

// decodedAVIF is what the tests inspect after a round trip.
type decodedAVIF struct {
	img      *image.NRGBA
	depth    int
	yuv420   bool
	hasAlpha bool
	meta     meta.Metadata
}

// decodeAVIFNative decodes data with libavif (tests use it to check what Encode wrote).
func decodeAVIFNative(data []byte) (*decodedAVIF, error) {
	p, n := bytesPtr(data)
	img := C.avifImageCreateEmpty()
	if img == nil {
		return nil, fmt.Errorf("libavif: out of memory")
	}
	defer C.avifImageDestroy(img)
	if r := C.ic_avif_decode(p, n, img, nil, 0, 0); r != C.AVIF_RESULT_OK {
		return nil, fmt.Errorf("libavif decode: %s", C.GoString(C.avifResultToString(r)))
	}
	w, h := int(img.width), int(img.height)
	// Decode a second time into our buffer (the first pass told us the size). Simple, and test-only.
	out := image.NewNRGBA(image.Rect(0, 0, w, h))
	img2 := C.avifImageCreateEmpty()
	defer C.avifImageDestroy(img2)
	if r := C.ic_avif_decode(p, n, img2, (*C.uint8_t)(unsafe.Pointer(&out.Pix[0])), C.uint32_t(out.Stride), 1); r != C.AVIF_RESULT_OK {
		return nil, fmt.Errorf("libavif decode to RGB: %s", C.GoString(C.avifResultToString(r)))
	}
	cp := func(d C.avifRWData) []byte {
		if d.size == 0 {
			return nil
		}
		return C.GoBytes(unsafe.Pointer(d.data), C.int(d.size))
	}
	return &decodedAVIF{
		img:      out,
		depth:    int(img.depth),
		yuv420:   img.yuvFormat == C.AVIF_PIXEL_FORMAT_YUV420,
		hasAlpha: img.alphaPlane != nil,
		meta:     meta.Metadata{ICC: cp(img.icc), EXIF: cp(img.exif), XMP: cp(img.xmp)},
	}, nil
}
