package converter

import (
	"fmt"
	"image"
	"os"
	"runtime"

	"imageconverter/converter/encode"
)

// Prepared is one photo exactly as Run hands it to the encoder: decoded, oriented, colour-managed and
// resized with the same code, and the encoder settings Run would use for it. Encoding Pixels with
// Encoder (encode.Encode) gives the bytes a conversion of this photo alone writes; package preview
// shows those bytes without writing anything, and its tests compare them with Run's files.
type Prepared struct {
	// Pixels are what the encoder reads: *image.RGBA, *image.NRGBA, or *decode.RGB (an opaque JPEG
	// on the way to WebP). In sRGB unless Encoder.Meta.ICC is set (KeepMetadata kept a profile).
	Pixels image.Image
	// Encoder holds the format, quality, effort, lossless switch, metadata and threads of a
	// one-photo run (every core to the AVIF encoder). Cancel and PixelsRead are left for the caller.
	Encoder encode.Options
	// SourceBytes is the size of the source file.
	SourceBytes int64
	// SourceWidth/SourceHeight are the source's dimensions as stored (before orientation).
	SourceWidth, SourceHeight int

	asked Options // the options as given (an explicit Effort stays explicit in EncoderFor)
}

// SourceError is a photo that cannot be prepared: the Code and the English Reason its FileResult
// would carry in a run (damaged, not a picture, too large, animated, gone…).
type SourceError struct {
	Code   Code
	Reason string
	Err    error // the cause, for logs; nil when the reason says it all
}

func (e *SourceError) Error() string { return e.Reason }

func (e *SourceError) Unwrap() error { return e.Err }

// Prepare decodes and resizes path as Run would with opts (only the options that shape the pixels and
// the encoder matter: Format, Preset, Quality, Effort, Lossless, KeepMetadata, MaxWidth/MaxHeight,
// MaxPixels). It writes nothing. Invalid options are a plain error; everything about the photo is a
// *SourceError.
func Prepare(path string, opts Options) (*Prepared, error) {
	o, err := opts.normalized()
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(path)
	if err != nil {
		code, reason := classify(err)
		return nil, &SourceError{Code: code, Reason: reason, Err: err}
	}
	if fi.IsDir() {
		return nil, &SourceError{Code: CodeNotImage, Reason: "This is a folder, not a photo."}
	}
	cfg, err := probeFile(path)
	if err != nil {
		code, reason := classify(err)
		return nil, &SourceError{Code: code, Reason: reason, Err: err}
	}
	t := Task{Src: path, Size: fi.Size(), ModTime: fi.ModTime(), Format: cfg.Format, Width: cfg.Width, Height: cfg.Height}
	r := &runner{opts: o, fs: o.fs}
	img, err := r.decode(t, fi.Size())
	if err != nil {
		code, reason := classify(err)
		return nil, &SourceError{Code: code, Reason: reason, Err: err}
	}
	p := &Prepared{
		Pixels:      fitInside(img.Pixels, o.MaxWidth, o.MaxHeight),
		SourceBytes: fi.Size(), SourceWidth: cfg.Width, SourceHeight: cfg.Height,
		asked: opts,
	}
	p.Encoder = encoderOptions(o)
	if o.KeepMetadata {
		p.Encoder.Meta = img.Meta
	}
	if b := p.Pixels.Bounds(); b.Dx() <= 0 || b.Dy() <= 0 {
		return nil, &SourceError{Code: CodeCorrupt, Reason: fmt.Sprintf("The picture is empty (%d×%d).", b.Dx(), b.Dy())}
	}
	return p, nil
}

// EncoderFor returns the encoder settings of these pixels with another preset and quality (quality -1:
// the preset's), as a one-photo run with those settings would use them: what a quality slider needs,
// without decoding the photo again. Format, metadata and resize stay those it was prepared with.
func (p *Prepared) EncoderFor(preset string, quality int) (encode.Options, error) {
	o := p.asked
	o.Preset, o.Quality = preset, quality
	o, err := o.normalized()
	if err != nil {
		return encode.Options{}, err
	}
	eo := encoderOptions(o)
	eo.Meta = p.Encoder.Meta
	return eo, nil
}

// encoderOptions are Run's encoder settings for normalised options o when one photo is converted
// (the AVIF encoder then gets every core).
func encoderOptions(o Options) encode.Options {
	return encode.Options{Format: encode.Format(o.Format), Quality: o.Quality, Lossless: o.Lossless,
		Effort: o.Effort, Threads: runtime.NumCPU()}
}
