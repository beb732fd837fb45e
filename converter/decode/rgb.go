package decode

import (
	"image"
	"image/color"

	"imageconverter/converter/meta"
)

// RGB is an opaque picture stored as 3 bytes per pixel (R, G, B), row after row: what Options.RGB
// returns for JPEGs. It satisfies image.Image for generic code; encoders read Pix directly.
type RGB struct {
	Pix    []byte
	Stride int // bytes per row: 3 × width
	Rect   image.Rectangle
}

// ColorModel is RGBA (opaque): At returns color.RGBA with A = 0xFF.
func (p *RGB) ColorModel() color.Model { return color.RGBAModel }

// Bounds is the picture's rectangle.
func (p *RGB) Bounds() image.Rectangle { return p.Rect }

// Opaque is always true: there is no alpha channel.
func (p *RGB) Opaque() bool { return true }

// At is the pixel at (x, y), for generic image code (slow; encoders use Pix).
func (p *RGB) At(x, y int) color.Color {
	if !(image.Point{x, y}.In(p.Rect)) {
		return color.RGBA{}
	}
	i := (y-p.Rect.Min.Y)*p.Stride + (x-p.Rect.Min.X)*3
	return color.RGBA{p.Pix[i], p.Pix[i+1], p.Pix[i+2], 0xFF}
}

// RGBPixels gives the encoder the buffer and its stride without a type dependency on this package.
func (p *RGB) RGBPixels() ([]byte, int) { return p.Pix, p.Stride }

// decodeJPEGRGB decodes a JPEG straight to *RGB when its pixels need nothing after decoding: stored
// upright, not CMYK, and no colour profile to convert from (none, sRGB, or an RGB one that
// KeepMetadata keeps). It returns nil, nil when the file needs the 4-byte route instead.
func decodeJPEGRGB(data []byte, cfg Config, maxPx int64, opts Options) (*Image, error) {
	m := jpegMeta(data)
	if meta.Orientation(m.EXIF) != 1 {
		return nil, nil
	}
	keptICC := false
	if len(m.ICC) > 0 {
		switch kind := iccKind(m.ICC); {
		case kind == profileSRGB:
			keptICC = opts.KeepMetadata
		case kind == profileRGB && opts.KeepMetadata:
			keptICC = true
		case kind == profileRGB || kind == profileGray:
			return nil, nil // converted to sRGB on the 4-byte route
		}
	}
	var px *RGB
	_, err := turboDecode(data, maxPx, jpegScale(cfg.Width, cfg.Height, opts.FitWidth, opts.FitHeight), true, func(w, h int) []byte {
		px = &RGB{Pix: make([]byte, 3*w*h), Stride: 3 * w, Rect: image.Rect(0, 0, w, h)}
		return px.Pix
	})
	if err == errCMYK {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if int64(px.Rect.Dx())*int64(px.Rect.Dy()) > maxPx { // defence in depth, as decodeChecked
		return nil, newErr(ErrTooLarge, "The image is larger than its header says", nil)
	}
	return &Image{Pixels: px, Config: cfg, Meta: keptMeta(m, keptICC, opts)}, nil
}
