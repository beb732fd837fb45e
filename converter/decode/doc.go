// Package decode turns any supported input file into sRGB pixels with the EXIF orientation applied, and
// refuses files it must not try: empty, damaged, animated, or larger than the pixel limit.
//
// # Flow
//
// Probe reads the header only (format by magic bytes, never by file name; stored dimensions; animation)
// so that the batch engine can refuse decompression bombs and plan its pixel budget before any pixel
// memory exists. Decode probes again, checks Options.MaxPixels (DefaultMaxPixels = 200 MP when 0), reads
// the file, decodes, converts colour, orients, and returns *image.RGBA (opaque) or *image.NRGBA
// (transparent), both 4 bytes per pixel with stride 4*width.
//
// # Decoders
//
//   - JPEG: libjpeg-turbo through the TurboJPEG API (cgo, libturbojpeg), decoding straight into the RGBA
//     buffer; there is no YCbCr→RGBA pass in Go. About 6–7× faster than image/jpeg + draw on a 4 MP
//     photo (BenchmarkJPEGTurbo vs BenchmarkJPEGStdlib). A JPEG that ends early ("Premature end") is
//     an error rather than a picture with a grey bottom; other libjpeg warnings are tolerated.
//     With Options.FitWidth/FitHeight (the resize box the caller will apply) a JPEG is decoded at the
//     smallest libjpeg-turbo scale n/8 (1/8 … 6/8, scaled IDCT) that still leaves the caller's filter
//     at least a 2× reduction, which saves time and most of the memory when photos are shrunk for
//     screens without giving up the quality of a full-size Lanczos resize.
//   - WebP: libwebp (cgo) straight into RGBA. AVIF: libavif 0.11 (cgo), with irot/imir applied.
//     HEIC/HEIF: libheif (cgo), which applies irot/imir/clap itself.
//   - PNG, GIF, BMP, TIFF: the Go standard library and golang.org/x/image (all PngSuite kinds decode;
//     16-bit is reduced to 8 bits, as every encoder here takes 8-bit input).
//
// # Colour
//
// lcms2 (cgo) converts to sRGB: RGB and gray ICC profiles (perceptual intent), and CMYK JPEGs with
// their CMYK profile (perceptual + black point compensation). Matrix/shaper RGB profiles (Adobe RGB,
// Display P3 from phones, ProPhoto, most camera profiles) take a fast path built from the profile's own
// curves and colorants by lcms2: three input tables, a 3×3 matrix and a 4096-step sRGB output table. It
// is within 1 step of lcms2's transform on every channel (TestFastMatrixShaper) and about 7× faster
// (BenchmarkICCToSRGB: ~19 ms for a 4 MP photo against ~150 ms with cmsDoTransform on this machine). A profile that names itself "sRGB…" is
// taken as sRGB and skipped. CMYK without a profile uses R = 255·(1−C)(1−K) (what browsers show).
// A JPEG with an Adobe APP14 marker stores CMYK inverted (Photoshop's convention; ImageMagick and libjpeg
// write it too); this is honoured in both routes. With Options.KeepMetadata and an RGB profile, the
// pixels stay as they are and the profile is returned in Image.Meta.ICC for the encoder to embed: no
// conversion loss and the look is the same in any colour-managed viewer. CMYK and gray profiles are
// always converted (WebP/AVIF carry RGB pixels) and not returned.
//
// # Metadata
//
// EXIF, ICC and XMP are read from JPEG (APP1 Exif, APP2 ICC_PROFILE chunks joined in order, APP1 XMP),
// PNG (eXIf, zlib iCCP, iTXt XML:com.adobe.xmp), WebP (EXIF, ICCP, "XMP " chunks), AVIF and HEIC (via
// the libraries). TIFF: only the orientation tag is used; its EXIF is not carried. The orientation is
// always applied to the pixels; with KeepMetadata the EXIF comes back with orientation reset to 1 (see
// package meta), without it Image.Meta is empty (GPS and camera data are dropped).
//
// # Errors
//
// Every error wraps one of ErrCorrupt, ErrNotImage, ErrEmpty, ErrUnsupported, ErrAnimated, ErrTooLarge (errors.Is) and reads as
// a sentence, e.g. "This JPEG file is cut short (incomplete download or copy?)". A file whose name lies
// about its format is decoded by content; ExtensionMismatch gives the engine a note to show if it wants.
//
// # Limits
//
// HEIF's Config.Width/Height is the coded size (largest 'ispe'), which can be a little larger than the
// displayed picture (clean-aperture crop) — on the safe side for the pixel limit. Native decoders check
// their own reading of the header against the limit again before they allocate (libavif via
// imageSizeLimit). FuzzDecode runs Probe+Decode on mutated corpus files.
package decode
