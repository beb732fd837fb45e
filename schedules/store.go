package schedules

import (
	"encoding/json"
	"errors"
	"fmt"
	"imageconverter/uierr"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The watched folders on disk (a JSON file beside the settings) and the
// checks a new one passes.

// check validates sc for Add and fills defaults.
func check(sc Schedule) (Schedule, error) {
	sc.Folder = strings.TrimSpace(sc.Folder)
	if !filepath.IsAbs(sc.Folder) {
		return sc, uierr.New(codeChooseFolder, "Choose a folder to watch.")
	}
	sc.Folder = filepath.Clean(sc.Folder)
	if fi, err := os.Stat(sc.Folder); err != nil || !fi.IsDir() {
		return sc, uierr.With(codePathNotFound, "The folder could not be found.", sc.Folder, err)
	}
	if sc.Format == "" {
		sc.Format = "webp"
	}
	if sc.Preset == "" {
		sc.Preset = "balanced"
	}
	if sc.Format != "webp" && sc.Format != "avif" {
		return sc, uierr.With(codeSettingInvalid, "Unknown output format.", sc.Format, nil)
	}
	if sc.Preset != "smallest" && sc.Preset != "balanced" && sc.Preset != "best" && sc.Preset != "auto" {
		return sc, uierr.With(codeSettingInvalid, "Unknown quality preset.", sc.Preset, nil)
	}
	switch sc.Mode {
	case OnArrival:
		sc.At = ""
	case Daily:
		if _, err := time.Parse("15:04", sc.At); err != nil {
			return sc, uierr.New(codeBadTime, "Enter the daily time as hours and minutes, for example 21:30.")
		}
	default:
		return sc, uierr.With(codeSettingInvalid, "Unknown schedule mode.", string(sc.Mode), nil)
	}
	sc.LastRun, sc.LastCode, sc.LastResult, sc.Converted, sc.Saved = time.Time{}, "", "", 0, 0
	return sc, nil
}

func load(path string) ([]Schedule, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the watched folders: %w", err)
	}
	var list []Schedule
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, fmt.Errorf("the watched folders file %s is damaged: %w", path, err)
	}
	return list, nil
}

// saveLocked writes the list atomically.
func (s *Service) saveLocked() error {
	if s.cfg.Path == "" {
		return nil
	}
	b, err := json.MarshalIndent(s.list, "", "  ")
	if err != nil {
		return fmt.Errorf("encode the watched folders: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(s.cfg.Path), 0o700); err != nil {
		return uierr.With(codeNotSaved, "The watched folders could not be saved.", "", err)
	}
	tmp := s.cfg.Path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return uierr.With(codeNotSaved, "The watched folders could not be saved.", "", err)
	}
	if err := os.Rename(tmp, s.cfg.Path); err != nil {
		return uierr.With(codeNotSaved, "The watched folders could not be saved.", "", err)
	}
	return nil
}

func appendNew(list []string, add ...string) []string {
	for _, p := range add {
		found := false
		for _, q := range list {
			if q == p {
				found = true
				break
			}
		}
		if !found {
			list = append(list, p)
		}
	}
	return list
}

// AnyEnabled reports whether the schedules file at path has a watched folder
// that is on (read before the service starts: is there work at login?).
func AnyEnabled(path string) bool {
	list, err := load(path)
	if err != nil {
		return false
	}
	for _, sc := range list {
		if sc.Enabled {
			return true
		}
	}
	return false
}
