package meta

import "encoding/binary"

// exifPrefix is the marker that JPEG APP1 and some WebP writers put before the TIFF structure.
const exifPrefix = "Exif\x00\x00"

// tagOrientation is the EXIF/TIFF tag of the orientation (IFD0, SHORT, 1..8).
const tagOrientation = 0x0112

// TrimExifPrefix drops a leading "Exif\0\0" if present, so that EXIF from any container has the form
// Metadata.EXIF documents (starting with the TIFF byte-order mark).
func TrimExifPrefix(b []byte) []byte {
	if len(b) >= len(exifPrefix) && string(b[:len(exifPrefix)]) == exifPrefix {
		return b[len(exifPrefix):]
	}
	return b
}

// Orientation returns the EXIF orientation (1..8) stored in IFD0 of exif, or 1 when there is none or it is
// out of range: an unreadable tag must not rotate a picture. exif may start with "Exif\0\0".
func Orientation(exif []byte) int {
	off, order, ok := findOrientation(TrimExifPrefix(exif))
	if !ok {
		return 1
	}
	v := int(order.Uint16(TrimExifPrefix(exif)[off:]))
	if v < 1 || v > 8 {
		return 1
	}
	return v
}

// ResetOrientation returns a copy of exif with the orientation set to 1 ("as stored"), for writing beside
// pixels that already had the orientation applied; a reader that honours the tag would rotate them twice.
// Without an orientation tag the copy is unchanged. The "Exif\0\0" prefix, if any, is dropped.
func ResetOrientation(exif []byte) []byte {
	b := append([]byte(nil), TrimExifPrefix(exif)...)
	if off, order, ok := findOrientation(b); ok {
		order.PutUint16(b[off:], 1)
	}
	return b
}

// findOrientation returns the offset of the orientation value inside b (a TIFF structure).
func findOrientation(b []byte) (int, binary.ByteOrder, bool) {
	if len(b) < 8 {
		return 0, nil, false
	}
	var order binary.ByteOrder
	switch string(b[:4]) {
	case "II*\x00":
		order = binary.LittleEndian
	case "MM\x00*":
		order = binary.BigEndian
	default:
		return 0, nil, false
	}
	ifd := int(order.Uint32(b[4:8]))
	if ifd < 8 || ifd+2 > len(b) {
		return 0, nil, false
	}
	n := int(order.Uint16(b[ifd:]))
	for i := 0; i < n; i++ {
		e := ifd + 2 + 12*i
		if e+12 > len(b) {
			return 0, nil, false
		}
		if order.Uint16(b[e:]) != tagOrientation {
			continue
		}
		typ, count := order.Uint16(b[e+2:]), order.Uint32(b[e+4:])
		if typ != 3 || count < 1 { // SHORT; the value sits inline in the first two bytes of the value field
			return 0, nil, false
		}
		return e + 8, order, true
	}
	return 0, nil, false
}
