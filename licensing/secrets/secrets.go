// Package secrets keeps the app's small secrets (refresh token, signed
// entitlement, quota ledger) in the OS keychain — Secret Service on Linux,
// Keychain on macOS, Credential Manager on Windows — through
// github.com/zalando/go-keyring. Where no keychain answers (a headless Linux
// without a Secret Service on D-Bus, CI), it falls back to a file that only
// the user can read, and says so through Store.Kind so the app can tell the
// user.
package secrets

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/zalando/go-keyring"
)

// ErrNotFound is returned by Get when no value is stored under the key.
var ErrNotFound = errors.New("secrets: not found")

// Kind says where a Store keeps its values.
type Kind string

const (
	KindKeychain Kind = "keychain" // the OS keychain
	KindFile     Kind = "file"     // a file readable only by the user (fallback)
)

// Store is a small key/value store for secrets.
type Store interface {
	Get(key string) (string, error) // ErrNotFound when absent
	Set(key, value string) error
	Delete(key string) error // deleting an absent key is not an error
	Kind() Kind
}

// Keychain stores values in the OS keychain under one service name.
type Keychain struct{ Service string }

var _ Store = Keychain{}

func (k Keychain) Get(key string) (string, error) {
	v, err := keyring.Get(k.Service, key)
	if errors.Is(err, keyring.ErrNotFound) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("keychain get %s: %w", key, err)
	}
	return v, nil
}

func (k Keychain) Set(key, value string) error {
	if err := keyring.Set(k.Service, key, value); err != nil {
		return fmt.Errorf("keychain set %s: %w", key, err)
	}
	return nil
}

func (k Keychain) Delete(key string) error {
	err := keyring.Delete(k.Service, key)
	if err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return fmt.Errorf("keychain delete %s: %w", key, err)
	}
	return nil
}

func (Keychain) Kind() Kind { return KindKeychain }

// File stores all values as one JSON object in a file with mode 0600 inside a
// directory with mode 0700. Writes go to a temp file renamed into place, so a
// crash never leaves a half-written file.
type File struct {
	Path string
	mu   sync.Mutex
}

var _ Store = (*File)(nil)

func (f *File) load() (map[string]string, error) {
	b, err := os.ReadFile(f.Path)
	if errors.Is(err, os.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read secrets file: %w", err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("read secrets file %s: %w", f.Path, err)
	}
	return m, nil
}

func (f *File) save(m map[string]string) error {
	if err := os.MkdirAll(filepath.Dir(f.Path), 0o700); err != nil {
		return fmt.Errorf("create secrets folder: %w", err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode secrets: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(f.Path), ".secrets-*")
	if err != nil {
		return fmt.Errorf("write secrets file: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	// CreateTemp already uses 0600; Chmod makes it explicit on every OS.
	if err := tmp.Chmod(0o600); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		tmp.Close()
		return fmt.Errorf("protect secrets file: %w", err)
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("write secrets file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write secrets file: %w", err)
	}
	if err := os.Rename(tmp.Name(), f.Path); err != nil {
		return fmt.Errorf("replace secrets file: %w", err)
	}
	return nil
}

func (f *File) Get(key string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.load()
	if err != nil {
		return "", err
	}
	v, ok := m[key]
	if !ok {
		return "", ErrNotFound
	}
	return v, nil
}

func (f *File) Set(key, value string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.load()
	if err != nil {
		return err
	}
	m[key] = value
	return f.save(m)
}

func (f *File) Delete(key string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.load()
	if err != nil {
		return err
	}
	if _, ok := m[key]; !ok {
		return nil
	}
	delete(m, key)
	return f.save(m)
}

func (*File) Kind() Kind { return KindFile }

// probeKey is written and deleted to find out whether the keychain works.
const probeKey = "probe"

// Open returns the OS keychain for service when it answers a write, read and
// delete; otherwise a File at fallbackPath, with the keychain's error (the
// reason for the fallback, for logs). A keychain that exists but fails later
// surfaces its errors from Get/Set.
func Open(service, fallbackPath string) (Store, error) {
	k := Keychain{Service: service}
	probeErr := probe(k)
	if probeErr == nil {
		return k, nil
	}
	return &File{Path: fallbackPath}, probeErr
}

func probe(k Keychain) error {
	if err := k.Set(probeKey, "1"); err != nil {
		return err
	}
	if v, err := k.Get(probeKey); err != nil || v != "1" {
		if err == nil {
			err = errors.New("keychain returned a different value")
		}
		return err
	}
	return k.Delete(probeKey)
}

// DefaultFallbackPath is the file used when no keychain is available:
// <user config dir>/<app>/secrets.json.
func DefaultFallbackPath(app string) (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find user config folder: %w", err)
	}
	return filepath.Join(dir, app, "secrets.json"), nil
}
