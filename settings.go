package main

import (
	"encoding/json"
	"fmt"
	"imageconverter/uierr"
	"os"
	"path/filepath"
	"sync"
)

// Settings are the user's choices, kept as JSON in the user config dir.
type Settings struct {
	Format       string `json:"format"`       // "webp" or "avif"
	Preset       string `json:"preset"`       // "smallest", "balanced", "best"
	OutputMode   string `json:"outputMode"`   // "beside" (next to originals) or "folder"
	OutputDir    string `json:"outputDir"`    // used when OutputMode is "folder"
	Existing     string `json:"existing"`     // "skip", "overwrite", "rename"
	KeepMetadata bool   `json:"keepMetadata"` // off by default: strips GPS and the like
	Resize       bool   `json:"resize"`
	MaxWidth     int    `json:"maxWidth"`
	MaxHeight    int    `json:"maxHeight"`
	KeepDates    bool   `json:"keepDates"`
	Language     string `json:"language"` // "" follows the OS, else "ko", "en", "ja"
}

// DefaultSettings are the choices of a fresh install (SPEC §4 defaults).
func DefaultSettings() Settings {
	return Settings{
		Format: "webp", Preset: "balanced", OutputMode: "beside", Existing: "skip",
		MaxWidth: 1920, MaxHeight: 1920, KeepDates: true,
	}
}

var (
	oneOfFormat   = map[string]bool{"webp": true, "avif": true}
	oneOfPreset   = map[string]bool{"smallest": true, "balanced": true, "best": true}
	oneOfOutput   = map[string]bool{"beside": true, "folder": true}
	oneOfExisting = map[string]bool{"skip": true, "overwrite": true, "rename": true}
	oneOfLanguage = map[string]bool{"": true, "ko": true, "en": true, "ja": true}
)

// Codes of settings a person can get wrong in the UI.
var (
	codeOutputFolderMissing = uierr.Declare("output_folder_missing")
	codeResizeOutOfRange    = uierr.Declare("resize_out_of_range")
	codeSettingInvalid      = uierr.Declare("setting_invalid") // a value the UI never offers
)

// validate says, as a sentence, what is wrong with s.
func (s Settings) validate() error {
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
	}
	return nil
}

// settingsFile loads and saves Settings at one path.
type settingsFile struct {
	path string
	mu   sync.Mutex
}

// newSettingsFile keeps settings in dir/settings.json; an empty dir means
// the user config dir (XDG_CONFIG_HOME on Linux).
func newSettingsFile(dir string) (*settingsFile, error) {
	if dir == "" {
		base, err := os.UserConfigDir()
		if err != nil {
			return nil, fmt.Errorf("find the user config folder: %w", err)
		}
		dir = filepath.Join(base, "ImageConverter")
	}
	return &settingsFile{path: filepath.Join(dir, "settings.json")}, nil
}

// Load returns the saved settings, or the defaults when none were saved or
// the file is unreadable (a broken settings file must not lock the user out).
func (f *settingsFile) Load() Settings {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := DefaultSettings()
	b, err := os.ReadFile(f.path)
	if err != nil {
		return s
	}
	if json.Unmarshal(b, &s) != nil || s.validate() != nil {
		return DefaultSettings()
	}
	return s
}

// Save validates and writes s atomically.
func (f *settingsFile) Save(s Settings) error {
	if err := s.validate(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encode settings: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(f.path), 0o700); err != nil {
		return fmt.Errorf("create settings folder: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(f.path), ".settings-*.json")
	if err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("save settings: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	// Every rename error counts: a missing temporary file means nothing was saved.
	if err := os.Rename(tmp.Name(), f.path); err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	return nil
}
