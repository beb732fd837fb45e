package decode

import (
	"encoding/binary"
	"errors"
	"image"
	"io"
)

// maxMetaBox bounds how much of a HEIF/AVIF 'meta' box Probe reads; real ones are a few KiB (Exif and
// XMP live in 'mdat'), so anything larger is treated as damage rather than read into memory.
const maxMetaBox = 16 << 20

// heifConfig walks the top-level ISO-BMFF boxes: the image size is the largest 'ispe' (image spatial
// extents) property in 'meta', which for tiled (grid) HEIC photos is the full picture and never less
// than the primary image, so the pixel limit errs on the safe side. A 'moov' box means an image sequence.
func heifConfig(r io.ReadSeeker) (image.Config, bool, error) {
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return image.Config{}, false, err
	}
	var w, h int
	animated, sawMeta := false, false
	var hdr [16]byte
	for {
		if _, err := io.ReadFull(r, hdr[:8]); err != nil {
			if errors.Is(err, io.EOF) && sawMeta {
				break
			}
			return image.Config{}, false, err
		}
		size := int64(binary.BigEndian.Uint32(hdr[:4]))
		typ := string(hdr[4:8])
		hl := int64(8)
		switch size {
		case 1:
			if _, err := io.ReadFull(r, hdr[8:16]); err != nil {
				return image.Config{}, false, err
			}
			size = int64(binary.BigEndian.Uint64(hdr[8:16]))
			hl = 16
		case 0: // box runs to the end of the file
			if !sawMeta {
				return image.Config{}, false, errors.New("no 'meta' box")
			}
			size = -1
		}
		if size != -1 && size < hl {
			return image.Config{}, false, errors.New("bad box size")
		}
		switch typ {
		case "moov":
			animated = true
		case "meta":
			if size == -1 || size-hl > maxMetaBox {
				return image.Config{}, false, errors.New("'meta' box too large")
			}
			body := make([]byte, size-hl)
			if _, err := io.ReadFull(r, body); err != nil {
				return image.Config{}, false, err
			}
			sawMeta = true
			if len(body) < 4 {
				return image.Config{}, false, errors.New("short 'meta' box")
			}
			walkBoxes(body[4:], func(t string, b []byte) { // full box: skip version/flags
				if t == "ispe" && len(b) >= 12 {
					bw := int(binary.BigEndian.Uint32(b[4:8]))
					bh := int(binary.BigEndian.Uint32(b[8:12]))
					if int64(bw)*int64(bh) > int64(w)*int64(h) {
						w, h = bw, bh
					}
				}
			})
			continue
		}
		if size == -1 {
			break
		}
		if _, err := r.Seek(size-hl, io.SeekCurrent); err != nil {
			return image.Config{}, false, err
		}
	}
	if w == 0 || h == 0 {
		return image.Config{}, animated, errors.New("no image size ('ispe') in the header")
	}
	return image.Config{Width: w, Height: h}, animated, nil
}

// walkBoxes calls fn for every box in b, descending into the containers that hold image properties.
func walkBoxes(b []byte, fn func(typ string, body []byte)) {
	for len(b) >= 8 {
		size := int(binary.BigEndian.Uint32(b[:4]))
		typ := string(b[4:8])
		hl := 8
		if size == 1 {
			if len(b) < 16 {
				return
			}
			s64 := binary.BigEndian.Uint64(b[8:16])
			if s64 > uint64(len(b)) {
				return
			}
			size, hl = int(s64), 16
		} else if size == 0 {
			size = len(b)
		}
		if size < hl || size > len(b) {
			return
		}
		body := b[hl:size]
		switch typ {
		case "iprp", "ipco":
			walkBoxes(body, fn)
		default:
			fn(typ, body)
		}
		b = b[size:]
	}
}
