package decode

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"io"
	"sort"

	"imageconverter/converter/meta"
)

// rawMeta is what the container holds besides pixels. It is collected for every decode because the ICC
// profile and the orientation are needed for the pixels even when the caller strips metadata.
type rawMeta struct {
	meta.Metadata
	adobe bool // JPEG APP14 "Adobe" present: CMYK samples are stored inverted
}

// maxICC bounds an inflated PNG iCCP profile; real profiles are at most a few MiB.
const maxICC = 16 << 20

// jpegMeta walks the markers before the first scan (SOS) and collects EXIF (APP1 "Exif"), XMP (APP1
// Adobe XMP namespace), the ICC profile (APP2 "ICC_PROFILE", possibly split over several markers, joined in
// sequence order) and the Adobe APP14 marker. A damaged marker chain just ends the walk: libjpeg-turbo
// is the judge of whether the file decodes.
func jpegMeta(b []byte) rawMeta {
	var m rawMeta
	type iccChunk struct {
		seq  int
		data []byte
	}
	var chunks []iccChunk
	i := 2
	for i+4 <= len(b) {
		if b[i] != 0xFF {
			break
		}
		mk := b[i+1]
		if mk == 0xFF { // fill byte
			i++
			continue
		}
		if mk == 0xD8 || (mk >= 0xD0 && mk <= 0xD7) || mk == 0x01 {
			i += 2
			continue
		}
		if mk == 0xDA || mk == 0xD9 { // start of scan / end of image
			break
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			break
		}
		seg := b[i+4 : i+2+n]
		switch mk {
		case 0xE1:
			switch {
			case bytes.HasPrefix(seg, []byte("Exif\x00\x00")) && m.EXIF == nil:
				m.EXIF = seg[6:]
			case bytes.HasPrefix(seg, []byte("http://ns.adobe.com/xap/1.0/\x00")) && m.XMP == nil:
				m.XMP = seg[len("http://ns.adobe.com/xap/1.0/\x00"):]
			}
		case 0xE2:
			if bytes.HasPrefix(seg, []byte("ICC_PROFILE\x00")) && len(seg) > 14 {
				chunks = append(chunks, iccChunk{int(seg[12]), seg[14:]})
			}
		case 0xEE:
			if bytes.HasPrefix(seg, []byte("Adobe")) {
				m.adobe = true
			}
		}
		i += 2 + n
	}
	if len(chunks) > 0 {
		sort.SliceStable(chunks, func(a, c int) bool { return chunks[a].seq < chunks[c].seq })
		for _, c := range chunks {
			m.ICC = append(m.ICC, c.data...)
		}
	}
	return m
}

// pngMeta reads the eXIf, iCCP (zlib) and iTXt "XML:com.adobe.xmp" chunks. eXIf after IDAT is accepted:
// older writers put it there.
func pngMeta(b []byte) rawMeta {
	var m rawMeta
	i := 8
	for i+12 <= len(b) {
		n := int(binary.BigEndian.Uint32(b[i:]))
		if n < 0 || i+12+n > len(b) {
			break
		}
		typ := string(b[i+4 : i+8])
		data := b[i+8 : i+8+n]
		switch typ {
		case "eXIf":
			if m.EXIF == nil {
				m.EXIF = meta.TrimExifPrefix(data)
			}
		case "iCCP":
			// name (1-79 bytes) NUL, compression method (0 = zlib), compressed profile
			if z := bytes.IndexByte(data, 0); z > 0 && z+2 <= len(data) && data[z+1] == 0 {
				if icc, err := inflate(data[z+2:], maxICC); err == nil {
					m.ICC = icc
				}
			}
		case "iTXt":
			if x, ok := pngXMP(data); ok && m.XMP == nil {
				m.XMP = x
			}
		case "IEND":
			return m
		}
		i += 12 + n
	}
	return m
}

// pngXMP decodes an iTXt chunk if its keyword is the XMP one:
// keyword NUL, compression flag, method, language NUL, translated keyword NUL, text.
func pngXMP(data []byte) ([]byte, bool) {
	const kw = "XML:com.adobe.xmp\x00"
	if !bytes.HasPrefix(data, []byte(kw)) || len(data) < len(kw)+2 {
		return nil, false
	}
	compressed := data[len(kw)] == 1
	rest := data[len(kw)+2:]
	for k := 0; k < 2; k++ { // language tag, translated keyword
		z := bytes.IndexByte(rest, 0)
		if z < 0 {
			return nil, false
		}
		rest = rest[z+1:]
	}
	if compressed {
		x, err := inflate(rest, maxICC)
		return x, err == nil
	}
	return rest, true
}

func inflate(b []byte, limit int64) ([]byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	out, err := io.ReadAll(io.LimitReader(zr, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(out)) > limit {
		return nil, io.ErrShortBuffer
	}
	return out, nil
}

// webpMeta reads the ICCP, EXIF and "XMP " chunks of a RIFF WebP (extended format, VP8X).
func webpMeta(b []byte) rawMeta {
	var m rawMeta
	i := 12
	for i+8 <= len(b) {
		n := int(binary.LittleEndian.Uint32(b[i+4:]))
		if n < 0 || i+8+n > len(b) {
			break
		}
		data := b[i+8 : i+8+n]
		switch string(b[i : i+4]) {
		case "ICCP":
			m.ICC = data
		case "EXIF":
			m.EXIF = meta.TrimExifPrefix(data) // some writers keep the JPEG "Exif\0\0" prefix
		case "XMP ":
			m.XMP = data
		}
		i += 8 + n + n&1 // chunks are padded to an even size
	}
	return m
}
