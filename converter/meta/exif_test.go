package meta

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// tiffWithOrientation builds a minimal EXIF (TIFF) block: IFD0 with Make, Orientation and a GPS pointer.
func tiffWithOrientation(order binary.ByteOrder, o uint16) []byte {
	var b bytes.Buffer
	if order == binary.LittleEndian {
		b.WriteString("II*\x00")
	} else {
		b.WriteString("MM\x00*")
	}
	_ = binary.Write(&b, order, uint32(8))
	_ = binary.Write(&b, order, uint16(3))
	entry := func(tag, typ uint16, count, val uint32) {
		_ = binary.Write(&b, order, tag)
		_ = binary.Write(&b, order, typ)
		_ = binary.Write(&b, order, count)
		_ = binary.Write(&b, order, val)
	}
	entry(0x010F, 2, 4, 0) // Make, value ignored
	// SHORT values sit left-justified in the 4-byte field.
	var v [4]byte
	order.PutUint16(v[:], o)
	_ = binary.Write(&b, order, uint16(tagOrientation))
	_ = binary.Write(&b, order, uint16(3))
	_ = binary.Write(&b, order, uint32(1))
	b.Write(v[:])
	entry(0x8825, 4, 1, 0) // GPS IFD pointer
	_ = binary.Write(&b, order, uint32(0))
	return b.Bytes()
}

func TestOrientation(t *testing.T) {
	for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		for o := uint16(1); o <= 8; o++ {
			exif := tiffWithOrientation(order, o)
			if got := Orientation(exif); got != int(o) {
				t.Errorf("%v orientation %d: got %d", order, o, got)
			}
			if got := Orientation(append([]byte("Exif\x00\x00"), exif...)); got != int(o) {
				t.Errorf("%v orientation %d with Exif prefix: got %d", order, o, got)
			}
		}
	}
}

func TestOrientationInvalid(t *testing.T) {
	cases := map[string][]byte{
		"empty":        nil,
		"not tiff":     []byte("hello world, not exif"),
		"out of range": tiffWithOrientation(binary.BigEndian, 9),
		"zero":         tiffWithOrientation(binary.LittleEndian, 0),
		"truncated":    tiffWithOrientation(binary.LittleEndian, 6)[:20],
		"bad ifd":      []byte("II*\x00\xff\xff\xff\x7f"),
	}
	for name, b := range cases {
		if got := Orientation(b); got != 1 {
			t.Errorf("%s: got %d, want 1", name, got)
		}
	}
}

func TestResetOrientation(t *testing.T) {
	orig := tiffWithOrientation(binary.BigEndian, 6)
	keep := append([]byte(nil), orig...)
	out := ResetOrientation(append([]byte("Exif\x00\x00"), orig...))
	if Orientation(out) != 1 {
		t.Errorf("reset copy has orientation %d", Orientation(out))
	}
	if !bytes.Equal(orig, keep) || Orientation(orig) != 6 {
		t.Error("ResetOrientation changed its input")
	}
	if len(out) != len(orig) || !bytes.HasPrefix(out, []byte("MM\x00*")) {
		t.Errorf("reset copy should be the TIFF block without prefix, same length: %d vs %d", len(out), len(orig))
	}
	// Everything but the two orientation bytes is unchanged (GPS pointer and all).
	diff := 0
	for i := range out {
		if out[i] != orig[i] {
			diff++
		}
	}
	if diff != 1 {
		t.Errorf("%d bytes differ, want exactly 1 (6 -> 1 in the low byte)", diff)
	}
	noTag := []byte("II*\x00\x08\x00\x00\x00\x00\x00")
	if got := ResetOrientation(noTag); !bytes.Equal(got, noTag) {
		t.Error("EXIF without orientation was changed")
	}
}
