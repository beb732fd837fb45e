package decode

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/png"
	"io"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
	"golang.org/x/image/webp"
)

// Format names, as in Config.Format.
const (
	FormatJPEG = "jpeg"
	FormatPNG  = "png"
	FormatGIF  = "gif"
	FormatBMP  = "bmp"
	FormatTIFF = "tiff"
	FormatWebP = "webp"
	FormatAVIF = "avif"
	FormatHEIC = "heic"
)

// Config is what the header says, before any pixel is decoded.
type Config struct {
	Format        string // one of the Format* constants
	Width, Height int    // as stored (before orientation)
	Animated      bool
}

// Pixels is Width*Height as int64 (no overflow for any 32-bit dimensions).
func (c Config) Pixels() int64 { return int64(c.Width) * int64(c.Height) }

// Sniff tells the format from the first bytes (at least 32 are best), never from a file name.
// It returns "" when the bytes are no format this package reads.
func Sniff(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return FormatJPEG
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return FormatPNG
	case bytes.HasPrefix(head, []byte("GIF87a")), bytes.HasPrefix(head, []byte("GIF89a")):
		return FormatGIF
	case bytes.HasPrefix(head, []byte("BM")) && len(head) >= 18:
		return FormatBMP
	case bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")):
		return FormatTIFF
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		return FormatWebP
	case len(head) >= 12 && string(head[4:8]) == "ftyp":
		return sniffFtyp(head)
	}
	return ""
}

// sniffFtyp reads the ISO-BMFF brands (major + compatible) that fit in head.
func sniffFtyp(head []byte) string {
	size := int(binary.BigEndian.Uint32(head))
	if size < 16 || size > len(head) {
		size = len(head)
	}
	brands := []string{string(head[8:12])}
	for i := 16; i+4 <= size; i += 4 {
		brands = append(brands, string(head[i:i+4]))
	}
	for _, b := range brands { // AVIF files also list mif1, so AVIF brands win
		if b == "avif" || b == "avis" {
			return FormatAVIF
		}
	}
	for _, b := range brands {
		switch b {
		case "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1":
			return FormatHEIC
		}
	}
	return ""
}

// sniffLen is how much Probe reads to recognise a format (ftyp boxes list brands up to here).
const sniffLen = 64

// Probe reads only the header (and, for GIF, WebP and HEIF, the container structure) to tell the format,
// the stored dimensions and whether the image is animated. It never decodes pixels, so it is safe to call
// on a decompression bomb. r is left at an unspecified position.
func Probe(r io.ReadSeeker) (Config, error) {
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return Config{}, fmt.Errorf("probe: rewind: %w", err)
	}
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return Config{}, fmt.Errorf("probe: read header: %w", err)
	}
	head = head[:n]
	if n == 0 {
		return Config{}, newErr(ErrEmpty, "The file is empty (0 bytes)", nil)
	}
	format := Sniff(head)
	if format == "" {
		return Config{}, unknownFormat(head)
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return Config{}, fmt.Errorf("probe: rewind: %w", err)
	}
	cfg := Config{Format: format}
	br := bufio.NewReader(r)
	var ic image.Config
	switch format {
	case FormatJPEG:
		// Our own marker walk rather than image/jpeg's: it accepts every layout libjpeg-turbo decodes
		// (arithmetic coding, 12-bit, junk between markers) and stops at the frame header.
		ic, err = jpegSOF(br)
	case FormatPNG:
		ic, err = png.DecodeConfig(br)
	case FormatGIF:
		ic, err = gif.DecodeConfig(br)
		if err == nil {
			_, _ = r.Seek(0, io.SeekStart)
			var frames int
			frames, err = gifFrames(bufio.NewReader(r))
			cfg.Animated = frames > 1
		}
	case FormatBMP:
		ic, err = bmp.DecodeConfig(br)
		if err != nil && errors.Is(err, bmp.ErrUnsupported) {
			return cfg, newErr(ErrUnsupported, "This BMP uses a layout this app cannot read (only 8-, 24- and 32-bit BMPs are)", err)
		}
	case FormatTIFF:
		ic, err = tiff.DecodeConfig(br)
		var ue tiff.UnsupportedError
		if errors.As(err, &ue) {
			return cfg, newErr(ErrUnsupported, "This TIFF uses a feature this app cannot read ("+string(ue)+")", err)
		}
	case FormatWebP:
		ic, cfg.Animated, err = webpConfig(br)
	case FormatAVIF, FormatHEIC:
		ic, cfg.Animated, err = heifConfig(r)
	}
	if err != nil {
		return cfg, headerErr(format, err)
	}
	cfg.Width, cfg.Height = ic.Width, ic.Height
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return cfg, corrupt(format, "declares no size (0 pixels wide or high)", nil)
	}
	return cfg, nil
}

// unknownFormat names what the bytes are when we can tell, so the message helps a person.
func unknownFormat(head []byte) error {
	msg := "This file is not a picture this app can read"
	switch {
	case bytes.HasPrefix(head, []byte("%PDF")):
		msg = "This is a PDF document, not a picture"
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		msg = "This is a ZIP archive, not a picture"
	case len(head) >= 12 && string(head[4:8]) == "ftyp":
		msg = "This is a video or an ISO media file this app cannot read"
	case bytes.HasPrefix(head, []byte("<svg")), bytes.HasPrefix(head, []byte("<?xml")):
		return newErr(ErrUnsupported, "SVG drawings are not supported", nil)
	case bytes.HasPrefix(head, []byte("8BPS")):
		return newErr(ErrUnsupported, "Photoshop (PSD) files are not supported", nil)
	}
	return newErr(ErrNotImage, msg, nil)
}

func headerErr(format string, err error) error {
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return truncated(format, err)
	}
	return corrupt(format, "has a damaged header", err)
}

func skipToFF(r *bufio.Reader) error {
	for {
		b, err := r.ReadByte()
		if err != nil {
			return err
		}
		if b == 0xFF {
			return nil
		}
	}
}

// jpegSOF walks JPEG markers up to the first frame header (SOFn) and returns its dimensions.
func jpegSOF(r *bufio.Reader) (image.Config, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:2]); err != nil {
		return image.Config{}, err
	}
	for {
		if _, err := io.ReadFull(r, hdr[:2]); err != nil {
			return image.Config{}, err
		}
		for hdr[0] == 0xFF && hdr[1] == 0xFF { // fill bytes
			b, err := r.ReadByte()
			if err != nil {
				return image.Config{}, err
			}
			hdr[1] = b
		}
		if hdr[0] != 0xFF {
			// Junk between segments: like libjpeg, skip to the next 0xFF and read a marker there.
			if hdr[1] != 0xFF {
				if err := skipToFF(r); err != nil {
					return image.Config{}, err
				}
			}
			hdr[0] = 0xFF
			b, err := r.ReadByte()
			if err != nil {
				return image.Config{}, err
			}
			hdr[1] = b
			for hdr[1] == 0xFF {
				if hdr[1], err = r.ReadByte(); err != nil {
					return image.Config{}, err
				}
			}
			if hdr[1] == 0 { // a stuffed 0xFF00 is data, not a marker
				return image.Config{}, errors.New("marker expected")
			}
		}
		m := hdr[1]
		if m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7) {
			continue
		}
		if _, err := io.ReadFull(r, hdr[2:4]); err != nil {
			return image.Config{}, err
		}
		n := int(binary.BigEndian.Uint16(hdr[2:4])) - 2
		if n < 0 {
			return image.Config{}, errors.New("bad segment length")
		}
		isSOF := m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC
		if isSOF {
			var sof [5]byte
			if n < 5 {
				return image.Config{}, errors.New("short frame header")
			}
			if _, err := io.ReadFull(r, sof[:]); err != nil {
				return image.Config{}, err
			}
			return image.Config{
				Height: int(binary.BigEndian.Uint16(sof[1:3])),
				Width:  int(binary.BigEndian.Uint16(sof[3:5])),
			}, nil
		}
		if _, err := r.Discard(n); err != nil {
			return image.Config{}, err
		}
	}
}

// gifFrames counts image descriptors, stopping at 2: it skips every data sub-block without running LZW.
func gifFrames(r *bufio.Reader) (int, error) {
	var lsd [13]byte // header (6) + logical screen descriptor (7)
	if _, err := io.ReadFull(r, lsd[:]); err != nil {
		return 0, err
	}
	if lsd[10]&0x80 != 0 {
		if _, err := r.Discard(3 << (int(lsd[10]&7) + 1)); err != nil {
			return 0, err
		}
	}
	frames := 0
	for {
		b, err := r.ReadByte()
		if err != nil {
			if frames > 0 { // many writers leave out the trailer; the decoder judges a cut-off frame
				return frames, nil
			}
			return frames, err
		}
		switch b {
		case 0x3B: // trailer
			return frames, nil
		case 0x21: // extension: label, then sub-blocks
			if _, err := r.ReadByte(); err != nil {
				return frames, err
			}
			if err := skipSubBlocks(r); err != nil {
				return frames, err
			}
		case 0x2C: // image descriptor
			frames++
			if frames > 1 {
				return frames, nil
			}
			var d [9]byte
			if _, err := io.ReadFull(r, d[:]); err != nil {
				return frames, err
			}
			if d[8]&0x80 != 0 {
				if _, err := r.Discard(3 << (int(d[8]&7) + 1)); err != nil {
					return frames, err
				}
			}
			if _, err := r.ReadByte(); err != nil { // LZW minimum code size
				return frames, nil
			}
			if err := skipSubBlocks(r); err != nil {
				return frames, nil // frame data cut short: gif.Decode reports it as such
			}
		default:
			// Garbage after the first frame: the stdlib decoder stops there too; one frame is still one.
			if frames > 0 {
				return frames, nil
			}
			return frames, fmt.Errorf("unexpected GIF block 0x%02x", b)
		}
	}
}

func skipSubBlocks(r *bufio.Reader) error {
	for {
		n, err := r.ReadByte()
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		if _, err := r.Discard(int(n)); err != nil {
			return err
		}
	}
}

// webpConfig reads the VP8X canvas (and its animation flag) or, for simple files, the VP8/VP8L header.
func webpConfig(r *bufio.Reader) (image.Config, bool, error) {
	b, err := r.Peek(30)
	if err != nil {
		return image.Config{}, false, err
	}
	if string(b[12:16]) == "VP8X" {
		flags := b[20]
		w := 1 + (int(b[24]) | int(b[25])<<8 | int(b[26])<<16)
		h := 1 + (int(b[27]) | int(b[28])<<8 | int(b[29])<<16)
		return image.Config{Width: w, Height: h}, flags&0x02 != 0, nil
	}
	ic, err := webp.DecodeConfig(r)
	return ic, false, err
}
