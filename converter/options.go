package converter

import (
	"fmt"
	"runtime"
	"strings"

	"imageconverter/converter/decode"
	"imageconverter/converter/encode"
)

// Existing says what to do when the output file already exists and is not an up-to-date conversion.
type Existing string

const (
	ExistingSkip      Existing = "skip"      // leave the existing file alone and report the source as skipped (default)
	ExistingOverwrite Existing = "overwrite" // replace the existing file atomically
	ExistingRename    Existing = "rename"    // write "name (1).webp", "name (2).webp", … instead
)

// Defaults, in one place. DefaultOptions returns them; the desktop app and cmd/convert start from it.
const (
	DefaultFormat = "webp"
	// DefaultPreset decides Quality and Effort when they are left at -1: encode's "balanced", which is
	// WebP quality 80 method 4 and AVIF quality 70 speed 8.
	DefaultPreset = string(encode.PresetBalanced)
	// DefaultMaxPixels is the decompression-bomb limit: images whose header declares more pixels are
	// refused before any pixel is decoded (the decoder's default, 200 MP: above any camera, about
	// 800 MiB as RGBA).
	DefaultMaxPixels int64 = decode.DefaultMaxPixels
	// DefaultPixelBudget bounds how many pixels are being converted at once across all workers. Decoding
	// and encoding cost roughly 10–12 bytes per pixel at peak, so 64 MP keeps the batch near 700 MiB
	// whatever the worker count, while two ordinary 24 MP photos still run side by side.
	DefaultPixelBudget int64 = 64_000_000
)

// Options controls a batch. Start from DefaultOptions and change what you need: the zero value is
// not the default (several defaults are "on").
type Options struct {
	// Format is the output format: "webp" or "avif".
	Format string
	// Preset is "smallest", "balanced" or "best" (encode.Presets), or PresetAuto; "" means
	// DefaultPreset. It supplies Quality and Effort where those are -1; an explicit Quality or Effort
	// wins over the preset (with PresetAuto an explicit Quality turns the search off).
	Preset string
	// Quality is 0–100 (lossy); -1 takes it from the preset (WebP 80, AVIF 70 for balanced).
	Quality int
	// Lossless asks for lossless WebP (an error for AVIF, and with TargetSize).
	Lossless bool
	// TargetSize, when above 0, is the most bytes an output should have: the quality is lowered from
	// Quality (or the preset's) until the file fits, by a bisection on quality (a few encodes). When
	// even quality 0 is larger, that smallest file is written and its result says so (CodeTargetMissed).
	TargetSize int64
	// Effort is the WebP method 0–6 or the AVIF speed 0–10; -1 takes it from the preset (4 / 8).
	Effort int

	// KeepMetadata writes EXIF (orientation reset to 1), ICC and XMP into the output. Default false:
	// metadata is stripped, which removes GPS position, camera serials and the like.
	KeepMetadata bool
	// MaxWidth/MaxHeight fit the image inside this box (Lanczos), keeping the aspect ratio and never
	// enlarging. 0 means no limit on that side.
	MaxWidth, MaxHeight int

	// OutputDir "" writes next to each original. Otherwise outputs go below OutputDir: a dropped file
	// lands directly in it, a dropped folder F is mirrored as OutputDir/F/<same sub-folders>.
	OutputDir string
	// NamePattern names the outputs ("" = DefaultNamePattern, "{name}"); see CheckNamePattern.
	NamePattern string
	// Existing applies when the output path is taken by a file that is not an up-to-date conversion
	// (default ExistingSkip).
	Existing Existing
	// Reconvert converts again even when the output is already up to date (exists and is not older
	// than the source). Default false: those files are skipped as "already converted".
	Reconvert bool
	// SkipIfLarger keeps the original and writes nothing when the output would not be smaller
	// (default true); the file is reported as skipped with the sizes.
	SkipIfLarger bool
	// KeepModTime gives the output the original's modification time (default true).
	KeepModTime bool

	// Workers is the number of files converted in parallel (default: number of CPU cores).
	Workers int
	// MaxPixels refuses images whose header declares more pixels (default DefaultMaxPixels).
	MaxPixels int64
	// PixelBudget is the most pixels in flight at once across workers (default DefaultPixelBudget).
	// An image larger than the whole budget runs alone.
	PixelBudget int64

	// Folders allows folder paths (walked recursively). When false, a folder given to Plan is refused
	// with a per-path result (code CodeFolderNotAllowed) instead of being silently ignored.
	Folders bool

	// fs writes the outputs (nil: the disk); probe watches a run (nil). Tests set them.
	fs    outputFS
	probe *probe
	// autoQuality is set by normalized for PresetAuto without an explicit Quality: each photo's
	// quality is searched (converter/autoquality); Quality then holds the balanced one.
	autoQuality bool
}

// PresetAuto is the automatic quality: per photo, the lowest quality whose result keeps the photo's
// look (mean SSIM at or above autoquality.Threshold), searched on a sample of it before the photo
// is encoded, between the bounds of autoquality.For. Effort is the balanced preset's.
const PresetAuto = "auto"

// DefaultOptions returns the documented defaults: WebP, balanced preset (quality 80, method 4), strip metadata, no resize,
// next to the originals, skip existing, skip if larger, keep modification time, one worker per core,
// folders allowed.
func DefaultOptions() Options {
	return Options{
		Format:       DefaultFormat,
		Quality:      -1,
		Effort:       -1,
		Existing:     ExistingSkip,
		SkipIfLarger: true,
		KeepModTime:  true,
		Workers:      runtime.NumCPU(),
		MaxPixels:    DefaultMaxPixels,
		PixelBudget:  DefaultPixelBudget,
		Folders:      true,
	}
}

// normalized validates o and fills "use the default" values (negative or zero where documented).
// Errors are sentences a person can act on; cmd/convert prints them as usage errors.
func (o Options) normalized() (Options, error) {
	if o.fs == nil {
		o.fs = diskFS{}
	}
	o.Format = strings.ToLower(strings.TrimSpace(o.Format))
	if o.Format == "" {
		o.Format = DefaultFormat
	}
	switch o.Format {
	case "webp", "avif":
	default:
		return o, fmt.Errorf("output format %q is not supported (use webp or avif)", o.Format)
	}
	if o.Preset == "" {
		o.Preset = DefaultPreset
	}
	knobs := strings.ToLower(o.Preset)
	if knobs == PresetAuto {
		knobs = string(encode.PresetBalanced) // the effort, and the quality the search starts from
	}
	preset, err := encode.PresetOptions(encode.Format(o.Format), encode.Preset(knobs))
	if err != nil {
		return o, fmt.Errorf("preset %q is not one of smallest, balanced, best, auto", o.Preset)
	}
	// Normalising twice (Plan, then Run) keeps the search on: Quality is filled by then.
	o.autoQuality = strings.EqualFold(o.Preset, PresetAuto) && (o.Quality < 0 || o.autoQuality) && !o.Lossless
	if o.Quality < 0 {
		o.Quality = preset.Quality
	}
	if o.Effort < 0 {
		o.Effort = preset.Effort
	}
	if o.Lossless && o.Format != "webp" {
		return o, fmt.Errorf("lossless is only available for WebP")
	}
	if o.TargetSize < 0 {
		return o, fmt.Errorf("the target size must not be negative")
	}
	if o.Lossless && o.TargetSize > 0 {
		return o, fmt.Errorf("a target size needs lossy compression: lossless files cannot be made smaller by lowering the quality")
	}
	if err := CheckNamePattern(o.NamePattern); err != nil {
		return o, err
	}
	if o.Quality > 100 {
		return o, fmt.Errorf("quality %d is out of range (0–100)", o.Quality)
	}
	maxEffort := 6
	if o.Format == "avif" {
		maxEffort = 10
	}
	if o.Effort > maxEffort {
		return o, fmt.Errorf("effort %d is out of range for %s (0–%d)", o.Effort, o.Format, maxEffort)
	}
	if o.MaxWidth < 0 || o.MaxHeight < 0 {
		return o, fmt.Errorf("maximum width and height must not be negative")
	}
	switch o.Existing {
	case "":
		o.Existing = ExistingSkip
	case ExistingSkip, ExistingOverwrite, ExistingRename:
	default:
		return o, fmt.Errorf("existing-file policy %q is not one of skip, overwrite, rename", o.Existing)
	}
	if o.Workers <= 0 {
		o.Workers = runtime.NumCPU()
	}
	if o.MaxPixels <= 0 {
		o.MaxPixels = DefaultMaxPixels
	}
	if o.PixelBudget <= 0 {
		o.PixelBudget = DefaultPixelBudget
	}
	return o, nil
}

// FineControl reports whether o asks for what plans sell as fine control (wire.FeatureFine): a
// numeric quality instead of a preset's, lossless WebP, or a target size. An explicit Effort alone is
// not: no plan rule covers it (cmd/convert sets it; the app never does).
func (o Options) FineControl() bool { return o.Quality >= 0 || o.Lossless || o.TargetSize > 0 }

// ext is the output file extension including the dot.
func (o Options) ext() string { return "." + o.Format }
