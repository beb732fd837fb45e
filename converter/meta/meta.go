// Package meta carries the metadata blocks of an image (EXIF, ICC, XMP) from the decoder to the encoder.
package meta

// Metadata holds raw metadata blocks. Nil slices mean "absent".
// EXIF is the TIFF-structured payload (starting "II*\x00" or "MM\x00*"), without the "Exif\x00\x00" prefix.
type Metadata struct {
	EXIF []byte
	ICC  []byte
	XMP  []byte
}
