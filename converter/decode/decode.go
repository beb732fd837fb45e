package decode

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/png"
	"io"
	"math/bits"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"

	"imageconverter/converter/meta"
)

// DefaultMaxPixels is the decompression-bomb limit when Options.MaxPixels is 0: 200 megapixels covers the
// largest phone and camera sensors sold today (200 MP phones, 150 MP medium format) while refusing files
// that would need more than 800 MiB of RGBA just to hold.
const DefaultMaxPixels = 200_000_000

// Options steer Decode.
type Options struct {
	// KeepMetadata returns EXIF (orientation reset to 1) and XMP in Image.Meta. An RGB ICC profile is then
	// kept too, with the pixels left in that colour space (the encoder embeds it; no double conversion).
	// Without it every picture comes out in sRGB and Meta is empty (GPS and camera data are stripped).
	KeepMetadata bool
	// MaxPixels refuses larger declared dimensions before any pixel is decoded (0 = DefaultMaxPixels).
	MaxPixels int64
	// FitWidth, FitHeight (optional, 0 = no bound on that side) tell that the caller will shrink the
	// picture to fit this box after decoding (never enlarging; FitSize says to what size). A JPEG may
	// then be decoded at a reduced scale n/8 (1/8 … 6/8) by libjpeg-turbo's scaled IDCT — the smallest
	// that still leaves the caller's filter at least a 2× reduction (see jpegScale) — so the resize
	// starts from up to 16× fewer pixels. Other formats ignore them. The result is always larger than
	// the fitted size, so the caller's resize stays the one that sets the final size.
	FitWidth, FitHeight int
	// RGB lets an opaque JPEG come back as *RGB (3 bytes per pixel, as cwebp holds it) instead of
	// *image.RGBA when nothing has to be done to its pixels after decoding (no orientation, no colour
	// conversion; a reduced scale is fine): a quarter less pixel memory. The encoder imports it directly.
	RGB bool
}

// FitSize is the size a w×h picture gets when it is fitted into maxW×maxH (0 = no bound on that
// side): scaled down keeping the aspect ratio, never enlarged, each side rounded and at least 1.
// The decoder's reduced-scale JPEG decoding never goes below it, and the batch engine resizes to it.
func FitSize(w, h, maxW, maxH int) (int, int) {
	if (maxW <= 0 || w <= maxW) && (maxH <= 0 || h <= maxH) {
		return w, h
	}
	scale := 1.0
	if maxW > 0 && w > maxW {
		scale = float64(maxW) / float64(w)
	}
	if maxH > 0 && float64(h)*scale > float64(maxH) {
		scale = float64(maxH) / float64(h)
	}
	bound := func(limit, size int) int {
		if limit <= 0 {
			return size
		}
		return limit
	}
	return max(1, min(bound(maxW, w), int(float64(w)*scale+0.5))), max(1, min(bound(maxH, h), int(float64(h)*scale+0.5)))
}

// jpegScales are the libjpeg-turbo scaling factors n/8 the decoder uses, smallest first. libjpeg-turbo
// has every n/8 (its IDCT computes an n×n block straight from the 8×8 coefficients, a clean low-pass);
// 7/8 is left out because it decodes slower than full size (no SIMD for it), so a full decode and a
// larger resize is as cheap.
var jpegScales = []int{1, 2, 3, 4, 5, 6}

// jpegScale picks the smallest libjpeg-turbo scale n/8 that keeps a w x h picture (as displayed) at
// least twice as large as fitting it into fitW x fitH will make it; 8 (full size) when no box is set
// or no smaller scale is large enough.
//
// Why twice and not just "at least the fitted size": the scaled IDCT only drops frequencies inside
// each 8×8 block, so a picture decoded right down to the target keeps some aliasing that a real
// filter would have removed. Measured on the bench corpus (docs/native-libraries.md), decoding to the
// target gave WebP files 0.001 SSIM below a full-size Lanczos resize (and below vips thumbnail);
// leaving the Lanczos filter at least a 2× reduction — libvips' own rule for its shrink-on-load —
// matches it, and libjpeg-turbo's n/8 steps still let a 24 MP photo bound for 1920 decode at 6/8.
func jpegScale(w, h, fitW, fitH int) int {
	tw, th := FitSize(w, h, fitW, fitH)
	if tw == w && th == h {
		return 8
	}
	for _, n := range jpegScales {
		if scaledJPEG(w, n) >= 2*tw && scaledJPEG(h, n) >= 2*th {
			return n
		}
	}
	return 8
}

// scaledJPEG is libjpeg-turbo's size of a side at scale n/8 (TJSCALED: rounded up).
func scaledJPEG(size, n int) int { return (size*n + 7) / 8 }

// Image is a decoded picture ready for the encoder.
type Image struct {
	// Pixels is *image.RGBA when opaque, *image.NRGBA when it has transparency; EXIF/HEIF orientation
	// already applied; sRGB unless Meta.ICC is set.
	Pixels image.Image
	Meta   meta.Metadata // only filled when KeepMetadata
	Config Config        // from the header: dimensions as stored, before orientation
}

// Decode reads a whole picture: Probe first (so too-large and animated files are refused before any
// pixel memory is allocated), then the format's decoder, colour conversion to sRGB (ICC profiles, CMYK),
// and orientation.
func Decode(r io.ReadSeeker, opts Options) (*Image, error) {
	cfg, maxPx, err := check(r, opts)
	if err != nil {
		return nil, err
	}
	// One allocation of the exact size (io.ReadAll would grow and copy).
	size, err := r.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, fmt.Errorf("decode: find the file size: %w", err)
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("decode: rewind: %w", err)
	}
	data := make([]byte, size)
	if _, err := io.ReadFull(r, data); err != nil {
		return nil, fmt.Errorf("decode: read file: %w", err)
	}
	return decodeChecked(data, cfg, maxPx, opts)
}

// DecodeBytes is Decode for a file already in memory; it does not copy data (and does not keep it).
func DecodeBytes(data []byte, opts Options) (*Image, error) {
	cfg, maxPx, err := check(bytes.NewReader(data), opts)
	if err != nil {
		return nil, err
	}
	return decodeChecked(data, cfg, maxPx, opts)
}

// check probes and refuses what must not be decoded: too large (before any allocation) or animated.
func check(r io.ReadSeeker, opts Options) (Config, int64, error) {
	cfg, err := Probe(r)
	if err != nil {
		return cfg, 0, err
	}
	maxPx := opts.MaxPixels
	if maxPx <= 0 {
		maxPx = DefaultMaxPixels
	}
	if cfg.Pixels() > maxPx {
		return cfg, maxPx, newErr(ErrTooLarge, fmt.Sprintf("The image is too large: %d × %d pixels is %.0f megapixels, the limit is %.0f",
			cfg.Width, cfg.Height, float64(cfg.Pixels())/1e6, float64(maxPx)/1e6), nil)
	}
	if cfg.Animated {
		return cfg, maxPx, newErr(ErrAnimated, fmt.Sprintf("This %s is animated; animated images are not supported yet, so it was not converted",
			formatLabel(cfg.Format)), nil)
	}
	return cfg, maxPx, nil
}

func decodeChecked(data []byte, cfg Config, maxPx int64, opts Options) (*Image, error) {
	if opts.RGB && cfg.Format == FormatJPEG {
		if img, err := decodeJPEGRGB(data, cfg, maxPx, opts); img != nil || err != nil {
			return img, err
		}
	}
	b, m, o, needICC, err := decodePixels(data, cfg, maxPx, opts)
	if err != nil {
		return nil, err
	}
	// Defence in depth: a decoder must not return more than the header promised.
	if int64(b.w)*int64(b.h) > maxPx {
		return nil, newErr(ErrTooLarge, "The image is larger than its header says", nil)
	}

	keptICC := false
	if needICC && len(m.ICC) > 0 {
		switch kind := iccKind(m.ICC); {
		case kind == profileSRGB:
			keptICC = opts.KeepMetadata
		case kind == profileRGB && opts.KeepMetadata:
			keptICC = true // pixels stay in their profile; the encoder embeds it
		case kind == profileRGB || kind == profileGray:
			if err := toSRGB(b, m.ICC, kind); err != nil {
				return nil, newErr(ErrCorrupt, "The colour profile inside this picture is damaged", err)
			}
		}
	}
	b = orient(b, o)

	return &Image{Pixels: b.image(), Config: cfg, Meta: keptMeta(m, keptICC, opts)}, nil
}

// keptMeta is the metadata returned with the pixels: none unless opts.KeepMetadata.
func keptMeta(m rawMeta, keptICC bool, opts Options) meta.Metadata {
	if !opts.KeepMetadata {
		return meta.Metadata{}
	}
	// Copies, not slices of data: the file's bytes must not stay alive (or be shared with a
	// DecodeBytes caller) for as long as the metadata is.
	md := trimEmpty(meta.Metadata{XMP: bytes.Clone(meta.ResetXMPOrientation(m.XMP))})
	if len(m.EXIF) > 0 {
		md.EXIF = meta.ResetOrientation(m.EXIF)
	}
	if keptICC {
		md.ICC = bytes.Clone(m.ICC)
	}
	return md
}

// decodePixels runs the format's decoder. It returns the pixels, the container metadata, the
// orientation still to apply, and whether an embedded ICC profile still has to be honoured.
func decodePixels(data []byte, cfg Config, maxPx int64, opts Options) (*buf, rawMeta, int, bool, error) {
	switch cfg.Format {
	case FormatJPEG:
		m := jpegMeta(data)
		o := meta.Orientation(m.EXIF)
		w, h := cfg.Width, cfg.Height
		if o >= 5 { // the box applies to the picture as displayed
			w, h = h, w
		}
		b, needICC, err := decodeJPEG(data, m, maxPx, jpegScale(w, h, opts.FitWidth, opts.FitHeight))
		return b, m, o, needICC, err
	case FormatWebP:
		m := webpMeta(data)
		b, err := decodeWebP(data, maxPx)
		return b, m, meta.Orientation(m.EXIF), true, err
	case FormatAVIF:
		b, m, o, err := decodeAVIF(data, maxPx)
		return b, m, o, true, err
	case FormatHEIC:
		b, m, err := decodeHEIC(data)
		return b, m, 1, true, err
	case FormatPNG:
		m := pngMeta(data)
		im, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			// Go reports a cut-off PNG as "not enough pixel data"; a file without its IEND trailer
			// was cut short, which is the more useful thing to tell a person.
			if !bytes.Contains(data[max(0, len(data)-32):], []byte("IEND")) {
				return nil, m, 1, false, truncated(FormatPNG, err)
			}
			return nil, m, 1, false, stdErr(FormatPNG, err)
		}
		return fromImage(im), m, meta.Orientation(m.EXIF), true, nil
	case FormatGIF:
		im, err := gif.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, rawMeta{}, 1, false, stdErr(FormatGIF, err)
		}
		return fromImage(im), rawMeta{}, 1, false, nil
	case FormatBMP:
		im, err := bmp.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, rawMeta{}, 1, false, stdErr(FormatBMP, err)
		}
		return fromImage(im), rawMeta{}, 1, false, nil
	case FormatTIFF:
		im, err := tiff.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, rawMeta{}, 1, false, stdErr(FormatTIFF, err)
		}
		// A TIFF file is itself a TIFF structure: its IFD0 orientation tag is read like EXIF's. Its EXIF
		// as a whole is not carried (it would be the whole file).
		return fromImage(im), rawMeta{}, meta.Orientation(data), false, nil
	}
	return nil, rawMeta{}, 1, false, newErr(ErrUnsupported, "This kind of file is not supported", nil)
}

func stdErr(format string, err error) error {
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return truncated(format, err)
	case errors.As(err, new(png.UnsupportedError)), errors.As(err, new(tiff.UnsupportedError)), errors.Is(err, bmp.ErrUnsupported):
		return newErr(ErrUnsupported, formatName(format)+" file uses a feature this app cannot read", err)
	}
	return corrupt(format, "is damaged", err)
}

func formatLabel(f string) string {
	switch f {
	case FormatGIF:
		return "GIF"
	case FormatWebP:
		return "WebP"
	case FormatAVIF:
		return "AVIF"
	case FormatHEIC:
		return "HEIC"
	}
	return "image"
}

func trimEmpty(m meta.Metadata) meta.Metadata {
	if len(m.EXIF) == 0 {
		m.EXIF = nil
	}
	if len(m.ICC) == 0 {
		m.ICC = nil
	}
	if len(m.XMP) == 0 {
		m.XMP = nil
	}
	return m
}

// image wraps the buffer without copying: RGBA when opaque (identical bytes), NRGBA otherwise.
func (b *buf) image() image.Image {
	r := image.Rect(0, 0, b.w, b.h)
	if b.alpha && !b.opaque() {
		return &image.NRGBA{Pix: b.pix, Stride: 4 * b.w, Rect: r}
	}
	return &image.RGBA{Pix: b.pix, Stride: 4 * b.w, Rect: r}
}

// opaque reports whether every alpha is 255, so a "has alpha" file with none used is treated as opaque.
func (b *buf) opaque() bool {
	w := b.words()
	var acc uint32 = 0xFFFFFFFF
	mask := uint32(0xFF) << 24
	if bits.ReverseBytes32(1) == 1 { // big-endian host: A is the lowest byte of the word
		mask = 0xFF
	}
	for _, p := range w {
		acc &= p
		if acc&mask != mask {
			return false
		}
	}
	return true
}

// fromImage turns a freshly decoded standard-library image into a 4-byte RGBA (non-premultiplied)
// buffer, reusing its pixel memory when the layout allows (it may modify im).
func fromImage(im image.Image) *buf {
	r := im.Bounds()
	w, h := r.Dx(), r.Dy()
	switch s := im.(type) {
	case *image.NRGBA:
		b := &buf{w: w, h: h, alpha: true}
		if s.Stride == 4*w && r.Min == (image.Point{}) {
			b.pix = s.Pix[:4*w*h]
			return b
		}
		b.pix = make([]byte, 4*w*h)
		for y := 0; y < h; y++ {
			copy(b.pix[y*4*w:], s.Pix[s.PixOffset(r.Min.X, r.Min.Y+y):][:4*w])
		}
		return b
	case *image.RGBA:
		b := &buf{w: w, h: h, alpha: false}
		if s.Stride == 4*w && r.Min == (image.Point{}) {
			// Every caller passes a picture it has just decoded and owns: take its buffer (an RGB PNG
			// decodes to RGBA) instead of holding two copies, un-premultiplying in place below.
			b.pix = s.Pix[:4*w*h]
		} else {
			b.pix = make([]byte, 4*w*h)
			for y := 0; y < h; y++ {
				copy(b.pix[y*4*w:], s.Pix[s.PixOffset(r.Min.X, r.Min.Y+y):][:4*w])
			}
		}
		for i := 3; i < len(b.pix); i += 4 {
			if b.pix[i] != 0xFF { // premultiplied with transparency: un-premultiply
				b.alpha = true
				a := uint32(b.pix[i])
				if a != 0 {
					b.pix[i-3] = uint8(uint32(b.pix[i-3]) * 255 / a)
					b.pix[i-2] = uint8(uint32(b.pix[i-2]) * 255 / a)
					b.pix[i-1] = uint8(uint32(b.pix[i-1]) * 255 / a)
				}
			}
		}
		return b
	case *image.Gray:
		b := newBuf(w, h, false)
		for y := 0; y < h; y++ {
			row := s.Pix[s.PixOffset(r.Min.X, r.Min.Y+y):][:w]
			o := b.pix[y*4*w:]
			for x, g := range row {
				o[4*x], o[4*x+1], o[4*x+2], o[4*x+3] = g, g, g, 0xFF
			}
		}
		return b
	case *image.Paletted:
		b := newBuf(w, h, false)
		var lut [256][4]byte
		for i, c := range s.Palette {
			n := nrgba(c)
			lut[i] = n
			if n[3] != 0xFF {
				b.alpha = true
			}
		}
		for y := 0; y < h; y++ {
			row := s.Pix[s.PixOffset(r.Min.X, r.Min.Y+y):][:w]
			o := b.pix[y*4*w:]
			for x, idx := range row {
				copy(o[4*x:4*x+4], lut[idx][:])
			}
		}
		return b
	}
	// 16-bit and other models: the generic route (8 bits kept, as every encoder here takes 8-bit input).
	b := newBuf(w, h, true)
	i := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			n := nrgba(im.At(x, y))
			copy(b.pix[i:i+4], n[:])
			i += 4
		}
	}
	return b
}

func nrgba(c interface{ RGBA() (r, g, b, a uint32) }) [4]byte {
	r, g, bl, a := c.RGBA()
	if a == 0 {
		return [4]byte{}
	}
	if a != 0xFFFF {
		r, g, bl = r*0xFFFF/a, g*0xFFFF/a, bl*0xFFFF/a
	}
	return [4]byte{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), uint8(a >> 8)}
}
