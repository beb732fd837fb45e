package settings

import (
	"os"

	"imageconverter/converter"
)

// losslessEffort is the quality number lossless WebP is encoded with (cwebp -lossless's default).
const losslessEffort = 75

// Options are the converter options of s (the run sets Folders from the drop).
func (s Settings) Options() converter.Options {
	o := converter.DefaultOptions()
	o.Format = s.Format
	o.Preset = s.Preset
	if s.Preset == PresetCustom {
		// The number chosen, with the balanced preset's effort (encoder speed).
		o.Preset, o.Quality, o.Lossless = converter.DefaultPreset, s.Quality, s.lossless()
		if o.Lossless {
			// Lossless WebP reads "quality" as how hard to compress, not how much to lose: the
			// slider is off then, and cwebp's default for -lossless applies.
			o.Quality = losslessEffort
		}
	}
	o.TargetSize = int64(s.TargetKB) * 1000
	o.NamePattern = s.NamePattern
	o.KeepMetadata = s.KeepMetadata
	o.KeepModTime = s.KeepDates
	o.Existing = converter.Existing(s.Existing)
	// "Overwrite" means the user wants the outputs made again with these
	// settings: without Reconvert an output kept at the source's date looks
	// up to date and is skipped, so changed resize or quality did nothing.
	o.Reconvert = o.Existing == converter.ExistingOverwrite
	if s.Resize {
		o.MaxWidth, o.MaxHeight = s.MaxWidth, s.MaxHeight
	}
	if s.OutputMode == "folder" {
		o.OutputDir = s.OutputDir
	}
	return o
}

// OpenFolder is where "open output folder" goes for a drop of paths: the
// chosen output folder, or the one dropped folder; "" lets the run pick
// from its outputs.
func (s Settings) OpenFolder(paths []string) string {
	if s.OutputMode == "folder" {
		return s.OutputDir
	}
	if len(paths) == 1 {
		if fi, err := os.Stat(paths[0]); err == nil && fi.IsDir() {
			return paths[0]
		}
	}
	return ""
}
