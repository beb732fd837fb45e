package settings

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// File loads and saves Settings at one path.
type File struct {
	path string
	mu   sync.Mutex
	// rename is os.Rename; tests make it fail.
	rename func(oldpath, newpath string) error
}

// Open keeps settings in dir/settings.json; an empty dir means
// the user config dir (XDG_CONFIG_HOME on Linux).
func Open(dir string) (*File, error) {
	if dir == "" {
		base, err := os.UserConfigDir()
		if err != nil {
			return nil, fmt.Errorf("find the user config folder: %w", err)
		}
		dir = filepath.Join(base, "ImageConverter")
	}
	return &File{path: filepath.Join(dir, "settings.json"), rename: os.Rename}, nil
}

// Load returns the saved settings, or the defaults when none were saved or
// the file is unreadable (a broken settings file must not lock the user out).
func (f *File) Load() Settings {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := Defaults()
	b, err := os.ReadFile(f.path)
	if err != nil {
		return s
	}
	if json.Unmarshal(b, &s) != nil || s.Validate() != nil {
		return Defaults()
	}
	return s
}

// Save validates and writes s atomically.
func (f *File) Save(s Settings) error {
	if err := s.Validate(); err != nil {
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
	if err := f.rename(tmp.Name(), f.path); err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	return nil
}

// Dir is the folder of the settings file; the app keeps its other small
// files (watched folders) beside it.
func (f *File) Dir() string { return filepath.Dir(f.path) }
