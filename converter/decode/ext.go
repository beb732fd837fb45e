package decode

import (
	"path/filepath"
	"strings"
)

// extensions lists the file-name endings each format is known by.
var extensions = map[string][]string{
	FormatJPEG: {".jpg", ".jpeg", ".jpe", ".jfif"},
	FormatPNG:  {".png"},
	FormatGIF:  {".gif"},
	FormatBMP:  {".bmp", ".dib"},
	FormatTIFF: {".tif", ".tiff"},
	FormatWebP: {".webp"},
	FormatAVIF: {".avif"},
	FormatHEIC: {".heic", ".heif", ".hif"},
}

// ExtensionMismatch tells whether a file's name claims another format than its content. Decoding always
// goes by content (a PNG named .jpg converts fine); the engine may show this as a note so a person learns
// why, say, a ".jpg" kept its transparency. It returns a sentence, or "" when the name fits or has no
// image extension at all.
func ExtensionMismatch(name, format string) string {
	ext := strings.ToLower(filepath.Ext(name))
	if ext == "" {
		return ""
	}
	known := false
	for f, exts := range extensions {
		for _, e := range exts {
			if e == ext {
				if f == format {
					return ""
				}
				known = true
			}
		}
	}
	if !known {
		return ""
	}
	return "The name ends in " + ext + " but the file is really a " + formatLabelLong(format) + "; it was read as " + formatLabelLong(format)
}

func formatLabelLong(f string) string {
	switch f {
	case FormatJPEG:
		return "JPEG"
	case FormatPNG:
		return "PNG"
	case FormatBMP:
		return "BMP"
	case FormatTIFF:
		return "TIFF"
	}
	return formatLabel(f)
}
