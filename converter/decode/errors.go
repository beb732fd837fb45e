package decode

import "errors"

// The kinds of failure a caller can branch on with errors.Is. Every error returned by Probe and Decode
// wraps exactly one of them; its Error() text is a sentence a person can read in the app's file list.
var (
	// ErrUnsupported: a kind of file this app cannot read (yet).
	ErrUnsupported = errors.New("this kind of file is not supported")
	// ErrAnimated: an animated GIF/WebP/AVIF. It is refused rather than silently flattened to one frame.
	ErrAnimated = errors.New("animated images are not supported yet")
	// ErrTooLarge: the dimensions declared in the header exceed Options.MaxPixels (checked before decoding).
	ErrTooLarge = errors.New("the image is too large")
	// ErrCorrupt: a picture of a known kind that is cut short or damaged.
	ErrCorrupt = errors.New("the picture is damaged")
	// ErrNotImage: the bytes are not a picture at all (a text file, a PDF, a video…).
	ErrNotImage = errors.New("the file is not a picture")
	// ErrEmpty: the file has no bytes (an interrupted copy or download).
	ErrEmpty = errors.New("the file is empty")
)

// Error is the concrete error: Msg is for a person, Kind for errors.Is, Cause (if any) for the log.
type Error struct {
	Kind  error
	Msg   string
	Cause error
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return e.Msg + " (" + e.Cause.Error() + ")"
	}
	return e.Msg
}

// Unwrap lets errors.Is see both the kind and the underlying cause.
func (e *Error) Unwrap() []error {
	if e.Cause != nil {
		return []error{e.Kind, e.Cause}
	}
	return []error{e.Kind}
}

func newErr(kind error, msg string, cause error) error {
	return &Error{Kind: kind, Msg: msg, Cause: cause}
}

func corrupt(format, what string, cause error) error {
	return newErr(ErrCorrupt, formatName(format)+" file "+what, cause)
}

func truncated(format string, cause error) error {
	return newErr(ErrCorrupt, formatName(format)+" file is cut short (incomplete download or copy?)", cause)
}

// formatName is the name a person knows the format by.
func formatName(f string) string {
	switch f {
	case FormatJPEG:
		return "This JPEG"
	case FormatPNG:
		return "This PNG"
	case FormatGIF:
		return "This GIF"
	case FormatBMP:
		return "This BMP"
	case FormatTIFF:
		return "This TIFF"
	case FormatWebP:
		return "This WebP"
	case FormatAVIF:
		return "This AVIF"
	case FormatHEIC:
		return "This HEIC"
	}
	return "This"
}
