package schedules

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// seen is the last look at an arrival: a file converts once two looks one
// Settle apart find the same size and time (a copy in progress grows).
type seen struct {
	size  int64
	mtime time.Time
	looks int
}

// watch converts images arriving below sc.Folder. fsnotify watches one
// folder at a time, so every sub-folder gets its own watch, including
// folders created or moved in later (their files are arrivals too).
func (s *Service) watch(ctx context.Context, sc Schedule, w *fsnotify.Watcher) {
	defer w.Close()
	pending := map[string]*seen{}
	tick := s.cfg.Clock.After(s.cfg.Settle)
	for {
		select {
		case <-ctx.Done():
			return
		case err, ok := <-w.Errors:
			if !ok {
				return
			}
			_ = err // an overflow loses events; the daily mode is the remedy, not a crash
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			if !ev.Has(fsnotify.Create) && !ev.Has(fsnotify.Write) && !ev.Has(fsnotify.Rename) && !ev.Has(fsnotify.Chmod) {
				continue
			}
			fi, err := os.Stat(ev.Name)
			if err != nil {
				delete(pending, ev.Name) // renamed away or deleted
				continue
			}
			if fi.IsDir() {
				if ev.Has(fsnotify.Create) && !hidden(ev.Name) {
					_ = addTree(w, ev.Name, func(p string) { pending[p] = &seen{} })
				}
				continue
			}
			if _, ok := pending[ev.Name]; !ok {
				pending[ev.Name] = &seen{}
			} else {
				pending[ev.Name].looks = 0 // written again: look afresh
			}
		case <-tick:
			tick = s.cfg.Clock.After(s.cfg.Settle)
			var ready []string
			for p, st := range pending {
				fi, err := os.Stat(p)
				if err != nil || fi.IsDir() {
					delete(pending, p)
					continue
				}
				if st.looks > 0 && fi.Size() == st.size && fi.ModTime().Equal(st.mtime) && fi.Size() > 0 {
					ready = append(ready, p)
					delete(pending, p)
					continue
				}
				st.size, st.mtime, st.looks = fi.Size(), fi.ModTime(), st.looks+1
			}
			if len(ready) > 0 {
				sort.Strings(ready)
				s.enqueue(ctx, job{id: sc.ID, paths: ready})
			} else if len(pending) == 0 && s.working.Load() == 0 {
				s.quiet.Add(1)
			}
		}
	}
}

// newWatcher watches dir and its sub-folders.
func newWatcher(dir string) (*fsnotify.Watcher, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	if err := addTree(w, dir, nil); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

// addTree watches dir and its sub-folders, hidden ones aside (the converter
// would not enter them either); found, when set, receives the files already
// there (a folder moved in brings its photos along).
func addTree(w *fsnotify.Watcher, dir string, found func(string)) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			return nil // an unreadable sub-folder is left out, the rest is watched
		}
		if d.IsDir() {
			if p != dir && hidden(p) {
				return filepath.SkipDir
			}
			if err := w.Add(p); err != nil && p == dir {
				return err
			}
			return nil
		}
		if found != nil {
			found(p)
		}
		return nil
	})
}

func hidden(p string) bool { return strings.HasPrefix(filepath.Base(p), ".") }
