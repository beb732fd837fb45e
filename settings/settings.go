// Package settings keeps the user's choices (format, quality, where outputs
// go, what to do with existing files, metadata, resizing, language) in a
// JSON file and turns them into converter options.
package settings

import (
	"path/filepath"

	"imageconverter/converter"
	"imageconverter/lifecycle"
	"imageconverter/uierr"
)

// Settings are the user's choices, kept as JSON in the user config dir.
type Settings struct {
	Format       string `json:"format"`       // "webp" or "avif"
	Preset       string `json:"preset"`       // "smallest", "balanced", "best", "auto" (per photo)
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
}

// Defaults are the choices of a fresh install.
func Defaults() Settings {
	return Settings{
		Format: "webp", Preset: "balanced", OutputMode: "beside", Existing: "skip",
		MaxWidth: 1920, MaxHeight: 1920, KeepDates: true, CloseAction: lifecycle.Ask,
	}
}

var (
	oneOfFormat   = map[string]bool{"webp": true, "avif": true}
	oneOfPreset   = map[string]bool{"smallest": true, "balanced": true, "best": true, converter.PresetAuto: true}
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
	}
	return nil
}
