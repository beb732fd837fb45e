package encode

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"imageconverter/converter/meta"
)

// WebP container (RIFF) handling, per the WebP container specification: a file with metadata is
// "extended" — a VP8X chunk first, whose flags announce ICC/alpha/EXIF/XMP, then ICCP, then the image
// data (ALPH + VP8, or VP8L), then EXIF and XMP. Every chunk is FourCC, little-endian uint32 payload
// size, payload, and one zero pad byte when the size is odd; the RIFF size counts everything after
// itself.

// VP8X flag bits (first payload byte).
const (
	vp8xICC   = 0x20
	vp8xAlpha = 0x10
	vp8xEXIF  = 0x08
	vp8xXMP   = 0x04
	vp8xAnim  = 0x02
)

type riffChunk struct {
	fourCC  string
	payload []byte
}

var errBadRIFF = errors.New("malformed WebP container")

// parseWebPChunks splits a WebP file into its chunks (payloads alias data).
func parseWebPChunks(data []byte) ([]riffChunk, error) {
	if len(data) < 12 || string(data[0:4]) != "RIFF" || string(data[8:12]) != "WEBP" {
		return nil, fmt.Errorf("%w: no RIFF/WEBP header", errBadRIFF)
	}
	size := int(binary.LittleEndian.Uint32(data[4:8]))
	if size+8 > len(data) || size < 4 {
		return nil, fmt.Errorf("%w: RIFF size %d does not match the %d bytes present", errBadRIFF, size, len(data))
	}
	body := data[12 : 8+size]
	var chunks []riffChunk
	for len(body) > 0 {
		if len(body) < 8 {
			return nil, fmt.Errorf("%w: truncated chunk header", errBadRIFF)
		}
		n := int(binary.LittleEndian.Uint32(body[4:8]))
		if n > len(body)-8 {
			return nil, fmt.Errorf("%w: chunk %q claims %d bytes, %d left", errBadRIFF, body[0:4], n, len(body)-8)
		}
		chunks = append(chunks, riffChunk{fourCC: string(body[0:4]), payload: body[8 : 8+n]})
		n += n & 1
		if n > len(body)-8 {
			return nil, fmt.Errorf("%w: chunk %q misses its pad byte", errBadRIFF, body[0:4])
		}
		body = body[8+n:]
	}
	return chunks, nil
}

// addWebPMetadata re-wraps an encoder's output (simple VP8/VP8L, or VP8X+ALPH+VP8) as an extended
// file carrying m. width and height are the canvas size.
func addWebPMetadata(encoded []byte, width, height int, m meta.Metadata) ([]byte, error) {
	chunks, err := parseWebPChunks(encoded)
	if err != nil {
		return nil, fmt.Errorf("adding metadata: %w", err)
	}
	var flags byte
	var image []riffChunk // ALPH and VP8/VP8L, in order
	for _, c := range chunks {
		switch c.fourCC {
		case "VP8X":
			if len(c.payload) > 0 {
				flags |= c.payload[0] & (vp8xAlpha | vp8xAnim)
			}
		case "ALPH":
			flags |= vp8xAlpha
			image = append(image, c)
		case "VP8 ":
			image = append(image, c)
		case "VP8L":
			// Lossless header: signature 0x2f, then 14 bits width-1, 14 bits height-1, 1 bit alpha.
			if len(c.payload) >= 5 && binary.LittleEndian.Uint32(c.payload[1:5])>>28&1 == 1 {
				flags |= vp8xAlpha
			}
			image = append(image, c)
		}
	}
	if len(image) == 0 {
		return nil, fmt.Errorf("adding metadata: %w: no image data chunk", errBadRIFF)
	}
	exif := m.EXIF
	if bytes.HasPrefix(exif, []byte("Exif\x00\x00")) {
		exif = exif[6:] // WebP stores the TIFF structure itself, like meta.Metadata promises
	}

	out := make([]riffChunk, 0, len(image)+4)
	vp8x := make([]byte, 10)
	out = append(out, riffChunk{"VP8X", vp8x})
	if len(m.ICC) > 0 {
		flags |= vp8xICC
		out = append(out, riffChunk{"ICCP", m.ICC})
	}
	out = append(out, image...)
	if len(exif) > 0 {
		flags |= vp8xEXIF
		out = append(out, riffChunk{"EXIF", exif})
	}
	if len(m.XMP) > 0 {
		flags |= vp8xXMP
		out = append(out, riffChunk{"XMP ", m.XMP})
	}
	vp8x[0] = flags
	putUint24(vp8x[4:7], uint32(width-1))
	putUint24(vp8x[7:10], uint32(height-1))

	total := 4 // "WEBP"
	for _, c := range out {
		total += 8 + len(c.payload) + len(c.payload)&1
	}
	if total > 0xFFFFFFFF-8 {
		return nil, fmt.Errorf("adding metadata: the file would exceed the 4 GiB WebP limit")
	}
	buf := make([]byte, 0, 8+total)
	buf = append(buf, "RIFF"...)
	buf = binary.LittleEndian.AppendUint32(buf, uint32(total))
	buf = append(buf, "WEBP"...)
	for _, c := range out {
		buf = append(buf, c.fourCC...)
		buf = binary.LittleEndian.AppendUint32(buf, uint32(len(c.payload)))
		buf = append(buf, c.payload...)
		if len(c.payload)&1 == 1 {
			buf = append(buf, 0)
		}
	}
	return buf, nil
}

func putUint24(b []byte, v uint32) {
	b[0], b[1], b[2] = byte(v), byte(v>>8), byte(v>>16)
}
