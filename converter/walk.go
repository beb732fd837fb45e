package converter

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
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

// packageExts are folder extensions of macOS packages and bundles: Finder shows them as one file, and
// inside are an application's private data (the Photos library's originals and thumbnails, Lightroom's
// previews). Writing .webp files in there would corrupt a library, so they are never entered when
// walking, on every OS (a library copied to a Windows disk is still one). Named explicitly they are.
var packageExts = map[string]bool{
	".photoslibrary": true, ".photolibrary": true, ".aplibrary": true, ".migratedaplibrary": true,
	".migratedphotolibrary": true, ".lrdata": true, ".lrlibrary": true, ".lrcat-data": true,
	".app": true, ".bundle": true, ".framework": true, ".plugin": true, ".kext": true, ".pkg": true,
	".mpkg": true, ".xcassets": true, ".imovielibrary": true, ".fcpbundle": true, ".tvlibrary": true,
	".musiclibrary": true, ".rtfd": true, ".pages": true, ".numbers": true, ".key": true,
	".sparsebundle": true, ".photosmigrator": true, ".cocatalog": true, ".cosessiondb": true,
}

// skipDirName reports whether the walk should not enter the folder with this base name.
func skipDirName(name string) bool {
	return strings.HasPrefix(name, ".") || systemDirNames[strings.ToLower(name)] ||
		packageExts[strings.ToLower(filepath.Ext(name))]
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
//
// A .webp next to an .avif of the same stem (or the reverse) is one original and our conversion of it:
// the output is the one not older than the other (with KeepModTime both times are equal, and then the
// one in the target format, targetExt, is the output). Without this, every run converted the original
// again and, finding its own earlier output in the way, wrote "x (1).webp", "x (2).webp", …
// modTime reads a file's time (it follows symlinks, as the walk does); ok false if it can't.
//
// With a name pattern other than "{name}" (pattern; "" is the default) the outputs of a source are
// named by the pattern: "IMG_1.jpg" with "{name}-small" owns "IMG_1-small.webp". A file named by an
// earlier, different pattern is not recognised.
func ownOutputs(names []string, targetExt, pattern string, modTime func(name string) (time.Time, bool)) map[string]bool {
	sources := map[string]bool{}
	byStem := map[string][]string{} // output-format names per stem
	for _, n := range names {
		ext := strings.ToLower(filepath.Ext(n))
		switch {
		case outputExts[ext]:
			byStem[stem(n)] = append(byStem[stem(n)], n)
		case inputExts[ext]:
			var mod time.Time
			if usesDate(pattern) {
				if mod, _ = modTime(n); mod.IsZero() {
					continue
				}
			}
			out := OutputStem(pattern, n, mod)
			sources[out] = true
			// The second of two sources sharing a stem ("a.jpg", "a.png") is written as "a-png.webp".
			sources[out+"-"+strings.ToLower(ext[1:])] = true
		}
	}
	own := map[string]bool{}
	for s, outs := range byStem {
		if sources[s] {
			for _, n := range outs {
				own[n] = true
			}
			continue
		}
		if len(outs) != 2 || strings.EqualFold(filepath.Ext(outs[0]), filepath.Ext(outs[1])) {
			continue // a lone file, or names differing only in case (two files only where case matters)
		}
		a, b := outs[0], outs[1]
		if !strings.EqualFold(filepath.Ext(a), targetExt) {
			a, b = b, a // a is now the one in the target format
		}
		ta, okA := modTime(a)
		tb, okB := modTime(b)
		if !okA || !okB {
			continue
		}
		if !ta.Add(upToDateSlack).Before(tb) { // a not older than b: a was converted from b
			own[a] = true
		} else { // b clearly newer: b was converted from a
			own[b] = true
		}
	}
	return own
}
