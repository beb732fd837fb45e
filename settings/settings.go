// Package settings keeps the user's choices (format, quality, where outputs
// go, what to do with existing files, metadata, resizing, language) in a
// JSON file and turns them into converter options.
package settings

import (
	"errors"
	"fmt"
	"path/filepath"

	"imageconverter/converter"
	"imageconverter/lifecycle"
	"imageconverter/uierr"
)

// Settings are the user's choices, kept as JSON in the user config dir.
type Settings struct {
	Format       string `json:"format"`       // "webp" or "avif"
	Preset       string `json:"preset"`       // "smallest", "balanced", "best", "auto" (per photo) or "custom" (Quality, Lossless)
	OutputMode   string `json:"outputMode"`   // "beside" (next to originals) or "folder"
	OutputDir    string `json:"outputDir"`    // used when OutputMode is "folder"
	Existing     string `json:"existing"`     // "skip", "overwrite", "rename"
	KeepMetadata bool   `json:"keepMetadata"` // off by default: strips GPS and the like
	Resize       bool   `json:"resize"`
	MaxWidth     int    `json:"maxWidth"`
	MaxHeight    int    `json:"maxHeight"`
	KeepDates    bool   `json:"keepDates"`
	Language     string `json:"language"` // "" follows the OS, else "ko", "en", "ja"
	// CloseAction is what closing the window does while watched folders are
	// on or a run goes: "ask", "background" (keep working, window hidden) or
	// "quit".
	CloseAction  string `json:"closeAction"`
	StartAtLogin bool   `json:"startAtLogin"` // start (in the background) when the user logs in

	// Fine control (plans with wire.FeatureFine). Quality (1–100) and Lossless (WebP only) apply
	// with Preset "custom"; TargetKB (0 = off) with any preset: the quality is lowered until each
	// photo is at most that many kilobytes (1000 bytes, as file managers count).
	Quality  int  `json:"quality"`
	Lossless bool `json:"lossless"`
	TargetKB int  `json:"targetKB"`
	// NamePattern names the outputs: "{name}" (the default) keeps the original's name; {date} and
	// {ext} add its date and extension (converter.CheckNamePattern). Every plan.
	NamePattern string `json:"namePattern"`
}

// PresetCustom is the preset of a numeric quality.
const PresetCustom = "custom"

// Bounds of the target size, in kilobytes: below 10 KB a photo is a thumbnail, and above 100 MB
// no photo needs a cap.
const (
	MinTargetKB = 10
	MaxTargetKB = 100_000
)

// Defaults are the choices of a fresh install.
func Defaults() Settings {
	return Settings{
		Format: "webp", Preset: "balanced", OutputMode: "beside", Existing: "skip",
		MaxWidth: 1920, MaxHeight: 1920, KeepDates: true, CloseAction: lifecycle.Ask,
		Quality: 80, NamePattern: converter.DefaultNamePattern,
	}
}

var (
	oneOfFormat   = map[string]bool{"webp": true, "avif": true}
	oneOfPreset   = map[string]bool{"smallest": true, "balanced": true, "best": true, converter.PresetAuto: true, PresetCustom: true}
	oneOfOutput   = map[string]bool{"beside": true, "folder": true}
	oneOfExisting = map[string]bool{"skip": true, "overwrite": true, "rename": true}
	oneOfLanguage = map[string]bool{"": true, "ko": true, "en": true, "ja": true}
	oneOfClose    = map[string]bool{lifecycle.Ask: true, lifecycle.Background: true, lifecycle.Quit: true}
)

// Codes of settings a person can get wrong in the UI.
var (
	codeOutputFolderMissing = uierr.Declare("output_folder_missing")
	codeResizeOutOfRange    = uierr.Declare("resize_out_of_range")
	codeSettingInvalid      = uierr.Declare("setting_invalid") // a value the UI never offers
	codeQualityOutOfRange   = uierr.Declare("quality_out_of_range")
	codeLosslessWebPOnly    = uierr.Declare("lossless_webp_only")
	codeTargetOutOfRange    = uierr.Declare("target_out_of_range")
	codeTargetLossless      = uierr.Declare("target_lossless")
	// One code per kind of bad name pattern (converter.NameError's codes).
	codeNamePattern = map[string]uierr.Code{
		converter.NameNeedsName:    uierr.Declare("name_pattern_needs_name"),
		converter.NameUnknownToken: uierr.Declare("name_pattern_unknown_token"),
		converter.NameSeparator:    uierr.Declare("name_pattern_separator"),
		converter.NameForbidden:    uierr.Declare("name_pattern_forbidden"),
		converter.NameTooLong:      uierr.Declare("name_pattern_too_long"),
		converter.NameEdge:         uierr.Declare("name_pattern_edge"),
	}
)

// Validate says, as a sentence with a code the UI translates, what is
// wrong with s.
func (s Settings) Validate() error {
	invalid := func(what, v string) error {
		return uierr.With(codeSettingInvalid, "Unknown "+what+".", v, nil)
	}
	switch {
	case !oneOfFormat[s.Format]:
		return invalid("output format", s.Format)
	case !oneOfPreset[s.Preset]:
		return invalid("quality preset", s.Preset)
	case !oneOfOutput[s.OutputMode]:
		return invalid("output location", s.OutputMode)
	case s.OutputMode == "folder" && !filepath.IsAbs(s.OutputDir):
		return uierr.New(codeOutputFolderMissing, "Choose a folder for the converted files.")
	case !oneOfExisting[s.Existing]:
		return invalid("choice for existing files", s.Existing)
	case s.Resize && (s.MaxWidth < 16 || s.MaxHeight < 16 || s.MaxWidth > 65535 || s.MaxHeight > 65535):
		return uierr.New(codeResizeOutOfRange, "The maximum width and height must be between 16 and 65535 pixels.")
	case !oneOfLanguage[s.Language]:
		return invalid("language", s.Language)
	case !oneOfClose[s.CloseAction]:
		return invalid("choice for closing the window", s.CloseAction)
	case s.Quality < 1 || s.Quality > 100:
		return uierr.New(codeQualityOutOfRange, "The quality must be between 1 and 100.")
	case s.lossless() && s.Format != "webp":
		return uierr.New(codeLosslessWebPOnly, "Lossless is available for WebP only: choose WebP, or turn lossless off.")
	case s.TargetKB != 0 && (s.TargetKB < MinTargetKB || s.TargetKB > MaxTargetKB):
		return uierr.New(codeTargetOutOfRange, fmt.Sprintf("The target size must be between %d KB and %d KB.", MinTargetKB, MaxTargetKB))
	case s.TargetKB != 0 && s.lossless():
		return uierr.New(codeTargetLossless, "A target size needs lossy compression: turn lossless off, or the target size.")
	}
	return NamePatternError(s.NamePattern)
}

// NamePatternError is what is wrong with a name pattern, as a sentence with a code the UI
// translates; nil when it can name files.
func NamePatternError(pattern string) error {
	var ne *converter.NameError
	if err := converter.CheckNamePattern(pattern); errors.As(err, &ne) {
		return uierr.With(codeNamePattern[ne.Code], ne.Reason, pattern, nil)
	} else if err != nil {
		return uierr.With(codeSettingInvalid, err.Error(), pattern, nil)
	}
	return nil
}

// lossless: lossless is part of the custom preset.
func (s Settings) lossless() bool { return s.Preset == PresetCustom && s.Lossless }

// Fine reports whether s asks for fine control (wire.FeatureFine): a numeric quality, lossless or a
// target size. The run refuses it on a plan without the feature.
func (s Settings) Fine() bool { return s.Preset == PresetCustom || s.TargetKB > 0 }
