package converter

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// inputExts are the extensions the walk picks up (lower case). Anything else is ignored silently and
// counted in Plan.Ignored. A file with one of these extensions but other content is still decoded by
// content ("wrong extension" works); one that is not an image at all fails with a reason.
var inputExts = map[string]bool{
	".jpg": true, ".jpeg": true, ".jpe": true, ".jfif": true,
	".png": true, ".gif": true, ".bmp": true, ".tif": true, ".tiff": true,
	".webp": true, ".avif": true, ".heic": true, ".heif": true,
}

// outputExts are the formats we write; used to recognise our own earlier outputs.
var outputExts = map[string]bool{".webp": true, ".avif": true}

// systemDirNames are folder names the walk never enters (compared case-insensitively): recycle bins,
// OS indexes, archive debris, package caches full of icons. Hidden folders (".name", and on Windows the
// hidden/system attribute) are skipped as well. A folder the user names explicitly is always walked.
var systemDirNames = map[string]bool{
	"$recycle.bin":              true,
	"recycler":                  true,
	"system volume information": true,
	"$windows.~bt":              true,
	"$windows.~ws":              true,
	"lost+found":                true,
	"__macosx":                  true,
	"@eadir":                    true, // Synology thumbnails
	"#recycle":                  true, // Synology recycle bin
	"node_modules":              true,
}

// isInputExt reports whether name has an extension we try to convert.
func isInputExt(name string) bool { return inputExts[strings.ToLower(filepath.Ext(name))] }

// skipDirName reports whether the walk should not enter the folder with this base name.
func skipDirName(name string) bool {
	return strings.HasPrefix(name, ".") || systemDirNames[strings.ToLower(name)]
}

// homeSystemDirs are whole folders of the user's home that hold application data rather than photos:
// macOS ~/Library (caches and app icons by the thousand) and Windows ~/AppData. They are only skipped
// when reached by walking, not when named explicitly.
func homeSystemDirs() map[string]bool {
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return nil
	}
	m := map[string]bool{}
	switch runtime.GOOS {
	case "darwin":
		m[filepath.Join(home, "Library")] = true
	case "windows":
		m[filepath.Join(home, "AppData")] = true
	}
	return m
}

// stem is the file name without its extension.
func stem(name string) string { return strings.TrimSuffix(name, filepath.Ext(name)) }

// ownOutputs returns the names in one folder listing that look like our earlier outputs: a .webp/.avif
// file whose stem is shared by a convertible file of another format in the same folder ("IMG_1.jpg" and
// "IMG_1.webp"). Walking never converts those again, whatever the target format.
func ownOutputs(names []string) map[string]bool {
	sources := map[string]bool{}
	for _, n := range names {
		ext := strings.ToLower(filepath.Ext(n))
		if inputExts[ext] && !outputExts[ext] {
			sources[stem(n)] = true
		}
	}
	own := map[string]bool{}
	for _, n := range names {
		if outputExts[strings.ToLower(filepath.Ext(n))] && sources[stem(n)] {
			own[n] = true
		}
	}
	return own
}
