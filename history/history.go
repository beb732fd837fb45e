// Package history keeps the results of the last runs on the computer: per
// run, what was converted, skipped or failed, with sizes and why, so the
// results table survives the app and can be exported as CSV.
//
// Layout, under the settings folder: history/index.json lists the runs
// (newest first, without their files); history/<run id>.json holds one run
// with its files. Both are replaced atomically; a damaged file is skipped,
// never fatal: the history is a convenience, not the photos.
package history

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"sync"
	"time"
)

// File is one file of a run.
type File struct {
	Src      string `json:"src"`
	Dst      string `json:"dst,omitempty"`
	Status   string `json:"status"` // converted, skipped, failed, cancelled
	Code     string `json:"code,omitempty"`
	Reason   string `json:"reason,omitempty"` // English, for a code this version does not know
	BytesIn  int64  `json:"bytesIn"`
	BytesOut int64  `json:"bytesOut"`
	Quality  int    `json:"quality,omitempty"` // the encoder quality used; 0 when not recorded
}

// Run is one run's results.
type Run struct {
	ID        string    `json:"id"`
	Started   time.Time `json:"started"`
	Ended     time.Time `json:"ended"`
	Origin    string    `json:"origin,omitempty"` // "", schedule, scan
	Folder    string    `json:"folder,omitempty"` // the watched folder of a schedule's run
	Format    string    `json:"format"`
	OutputDir string    `json:"outputDir,omitempty"`
	Converted int       `json:"converted"`
	Skipped   int       `json:"skipped"`
	Failed    int       `json:"failed"`
	BytesIn   int64     `json:"bytesIn"`  // of the converted files
	BytesOut  int64     `json:"bytesOut"` // their outputs
	Canceled  bool      `json:"canceled,omitempty"`
	// Files is every file of the run (up to MaxFiles; Truncated says more
	// were left out). Empty in List's answers.
	Files     []File `json:"files,omitempty"`
	FileCount int    `json:"fileCount"`
	Truncated bool   `json:"truncated,omitempty"`
}

// Limits of what is kept.
const (
	KeepRuns = 30     // the newest runs kept; older ones are deleted
	MaxFiles = 50_000 // files kept per run (a scan of a whole disk can be more)
)

// Store is the history folder.
type Store struct {
	dir string
	mu  sync.Mutex
}

// Open returns the store in dir (created when the first run is saved).
func Open(dir string) *Store { return &Store{dir: dir} }

// ErrNotFound: no run with that id is kept (any more).
var ErrNotFound = errors.New("history: no such run")

var idRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// Save records a finished run and forgets the oldest beyond KeepRuns.
func (s *Store) Save(r Run) error {
	if !idRE.MatchString(r.ID) {
		return fmt.Errorf("history: bad run id %q", r.ID)
	}
	r.FileCount = len(r.Files)
	if len(r.Files) > MaxFiles {
		r.Files, r.Truncated = r.Files[:MaxFiles], true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return err
	}
	if err := writeJSON(filepath.Join(s.dir, r.ID+".json"), r); err != nil {
		return err
	}
	index := s.index()
	head := r
	head.Files = nil
	index = append([]Run{head}, without(index, r.ID)...)
	sort.SliceStable(index, func(i, j int) bool { return index[i].Ended.After(index[j].Ended) })
	var drop []Run
	if len(index) > KeepRuns {
		index, drop = index[:KeepRuns], index[KeepRuns:]
	}
	if err := writeJSON(filepath.Join(s.dir, "index.json"), index); err != nil {
		return err
	}
	for _, d := range drop {
		os.Remove(filepath.Join(s.dir, d.ID+".json"))
	}
	return nil
}

// List is the kept runs, newest first, without their files.
func (s *Store) List() []Run {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.index()
}

// Get is one kept run with its files.
func (s *Store) Get(id string) (Run, error) {
	if !idRE.MatchString(id) {
		return Run{}, ErrNotFound
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var r Run
	b, err := os.ReadFile(filepath.Join(s.dir, id+".json"))
	if errors.Is(err, os.ErrNotExist) {
		return Run{}, ErrNotFound
	}
	if err != nil {
		return Run{}, err
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return Run{}, fmt.Errorf("history: run %s is damaged: %w", id, err)
	}
	return r, nil
}

// index reads index.json; a missing or damaged one is an empty history.
func (s *Store) index() []Run {
	var out []Run
	b, err := os.ReadFile(filepath.Join(s.dir, "index.json"))
	if err != nil || json.Unmarshal(b, &out) != nil {
		return nil
	}
	return out
}

func without(runs []Run, id string) []Run {
	out := runs[:0:0]
	for _, r := range runs {
		if r.ID != id {
			out = append(out, r)
		}
	}
	return out
}

// writeJSON replaces path in one step.
func writeJSON(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".history-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
