package meta

import "regexp"

// XMP can repeat the orientation as tiff:Orientation, as an attribute or as an element.
var (
	xmpOrientAttr = regexp.MustCompile(`(tiff:Orientation\s*=\s*["'])[1-8](["'])`)
	xmpOrientElem = regexp.MustCompile(`(<tiff:Orientation>\s*)[1-8](\s*</tiff:Orientation>)`)
)

// ResetXMPOrientation returns a copy of xmp with any tiff:Orientation set to 1, for the same reason as
// ResetOrientation: the pixels are already turned, and a viewer reading XMP must not turn them again.
func ResetXMPOrientation(xmp []byte) []byte {
	out := xmpOrientAttr.ReplaceAll(xmp, []byte("${1}1${2}"))
	out = xmpOrientElem.ReplaceAll(out, []byte("${1}1${2}"))
	if len(out) == 0 && xmp != nil {
		return []byte{}
	}
	return out
}
