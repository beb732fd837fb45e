// Package scan is the "computer scan" (Pro): it finds the images that
// would convert below chosen folders or drives, counts them per folder with
// their size and an estimate of the space conversion would save, and lets
// the app convert the folders the user picks.
//
// It does not walk the disk itself: each root goes through converter.Plan,
// so a scan sees exactly what a drop of that folder would convert (hidden
// and system folders skipped, symlink loops ended, earlier outputs and
// already converted files passed over) and reads headers only, never pixels.
// It knows nothing of plans; the app checks policy.Scan first.
package scan

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"imageconverter/converter"
	"imageconverter/uierr"
)

// Codes of the errors the scan sends to the UI.
var (
	codeScanFailed   = uierr.Declare("scan_failed")
	codeScanFirst    = uierr.Declare("scan_first")
	codeChooseFolder = uierr.Declare("choose_folder")
	codeBadPath      = uierr.Declare("bad_path")
	codePathNotFound = uierr.Declare("path_not_found")
)

// Folder is one folder holding convertible images directly (not in its
// sub-folders, which are folders of their own).
type Folder struct {
	Path  string `json:"path"`
	Files int    `json:"files"`
	Bytes int64  `json:"bytes"` // size of the convertible images
	// Saving is the estimated number of bytes conversion would save (see Estimate).
	Saving int64 `json:"saving"`
	// Sources are the convertible images, in walk order; ConvertPaths hands them to a run.
	Sources []string `json:"-"`
}

// Result is a whole scan.
type Result struct {
	Roots   []string `json:"roots"`
	Folders []Folder `json:"folders"` // largest estimated saving first
	Files   int      `json:"files"`
	Bytes   int64    `json:"bytes"`
	Saving  int64    `json:"saving"`
	// Skipped counts images a run would pass over (already converted, already in the
	// format, animated, unreadable): they are not in Files.
	Skipped int    `json:"skipped"`
	Format  string `json:"format"` // the output format the estimate is for
}

// Progress is reported after each root (converter.Plan has no finer hook):
// RootsDone of RootsTotal, with the totals found so far.
type Progress struct {
	Root       string `json:"root"` // the root being scanned next, "" at the end
	RootsDone  int    `json:"rootsDone"`
	RootsTotal int    `json:"rootsTotal"`
	Files      int    `json:"files"`
	Bytes      int64  `json:"bytes"`
}

// ratios are output size ÷ source size per source format and output format,
// used for the estimate: a fixed table, not a per-file measurement, so a
// scan reads headers only. Measured with the converter at the Balanced
// preset on bench/corpus/photos (70 desktop photos: JPEG saved at high
// quality, photographic PNG): JPEG→WebP 0.21, JPEG→AVIF 0.19, PNG→WebP
// 0.175, PNG→AVIF 0.17. JPEG is set about twice as high as measured, because
// photos already saved at web quality (q≈75) shrink far less (Google's WebP
// study: 25–34 % smaller than JPEG); the estimate should under-promise.
// BMP/TIFF are stored with little or no compression and shrink most; HEIC
// is already as efficient as WebP, so no saving is promised. A file that
// would not get smaller is kept by the converter, so no ratio exceeds 1.
var ratios = map[string]map[string]float64{
	"webp": {"jpeg": 0.40, "png": 0.20, "bmp": 0.10, "tiff": 0.20, "gif": 0.70, "heic": 1.0, "avif": 1.0},
	"avif": {"jpeg": 0.35, "png": 0.18, "bmp": 0.08, "tiff": 0.15, "gif": 0.60, "heic": 0.90, "webp": 0.80},
}

// Estimate is the bytes a source of format srcFormat and size bytes would
// save when converted to the output format (0 when unknown).
func Estimate(srcFormat, format string, bytes int64) int64 {
	r, ok := ratios[format][srcFormat]
	if !ok || r >= 1 {
		return 0
	}
	return int64(float64(bytes) * (1 - r))
}

// DefaultRoots are the usual photo places of the home folder that exist:
// Pictures, Desktop, Documents and Downloads.
func DefaultRoots(home string) []string {
	var out []string
	for _, name := range []string{"Pictures", "Desktop", "Documents", "Downloads"} {
		p := filepath.Join(home, name)
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			out = append(out, p)
		}
	}
	return out
}

// Scan plans every root for the output format and groups what would convert
// by folder. Roots inside another root are scanned once. Cancelling ctx
// returns ctx's error and no result.
func Scan(ctx context.Context, roots []string, format string, onProgress func(Progress)) (Result, error) {
	roots, err := cleanRoots(roots)
	if err != nil {
		return Result{}, err
	}
	opts := converter.DefaultOptions()
	opts.Format = format
	opts.Folders = true
	res := Result{Roots: roots, Format: format}
	byDir := map[string]*Folder{}
	seen := map[string]bool{} // a folder reached from two roots through a symlink counts once
	report := func(i int) {
		if onProgress == nil {
			return
		}
		p := Progress{RootsDone: i, RootsTotal: len(roots), Files: res.Files, Bytes: res.Bytes}
		if i < len(roots) {
			p.Root = roots[i]
		}
		onProgress(p)
	}
	for i, root := range roots {
		report(i)
		batch, err := converter.Plan(ctx, []string{root}, opts)
		if err != nil {
			if ctx.Err() != nil {
				return Result{}, ctx.Err()
			}
			return Result{}, uierr.With(codeScanFailed, "Could not scan this place.", root, err)
		}
		for _, f := range batch.Decided {
			if f.Status == converter.StatusSkipped {
				res.Skipped++
			}
		}
		for _, t := range batch.Tasks {
			if seen[t.Src] {
				continue
			}
			seen[t.Src] = true
			dir := filepath.Dir(t.Src)
			f := byDir[dir]
			if f == nil {
				f = &Folder{Path: dir}
				byDir[dir] = f
			}
			saving := Estimate(t.Format, format, t.Size)
			f.Files++
			f.Bytes += t.Size
			f.Saving += saving
			f.Sources = append(f.Sources, t.Src)
			res.Files++
			res.Bytes += t.Size
			res.Saving += saving
		}
	}
	report(len(roots))
	for _, f := range byDir {
		res.Folders = append(res.Folders, *f)
	}
	sort.Slice(res.Folders, func(i, j int) bool {
		a, b := res.Folders[i], res.Folders[j]
		if a.Saving != b.Saving {
			return a.Saving > b.Saving
		}
		return a.Path < b.Path
	})
	return res, nil
}

// ConvertPaths returns the images of the chosen folders of r, in the
// result's order. A run converts exactly these files: picking a folder does
// not pull in its sub-folders, which the scan listed (and the user chose) on
// their own. Folders not in r are an error, so a stale UI cannot convert
// something it never showed.
func (r Result) ConvertPaths(folders []string) ([]string, error) {
	want := map[string]bool{}
	for _, f := range folders {
		want[filepath.Clean(f)] = true
	}
	if len(want) == 0 {
		return nil, uierr.New(codeChooseFolder, "Choose at least one folder to convert.")
	}
	var out []string
	for _, f := range r.Folders {
		if want[f.Path] {
			out = append(out, f.Sources...)
			delete(want, f.Path)
		}
	}
	for f := range want {
		return nil, uierr.With(codeScanFirst, "This folder was not in the last scan; scan again.", f, nil)
	}
	return out, nil
}

// cleanRoots keeps existing absolute folders, each once, and drops those
// inside another root (the outer walk covers them).
func cleanRoots(in []string) ([]string, error) {
	var abs []string
	for _, r := range in {
		r = strings.TrimSpace(r)
		if r == "" {
			continue
		}
		if !filepath.IsAbs(r) {
			return nil, uierr.With(codeBadPath, "This is not a full path to a folder.", r, nil)
		}
		r = filepath.Clean(r)
		fi, err := os.Stat(r)
		if err != nil || !fi.IsDir() {
			return nil, uierr.With(codePathNotFound, "The folder could not be found.", r, err)
		}
		abs = append(abs, r)
	}
	if len(abs) == 0 {
		return nil, uierr.New(codeChooseFolder, "Choose at least one folder or drive to scan.")
	}
	sort.Strings(abs)
	var out []string
next:
	for _, r := range abs {
		for _, o := range out {
			if within(r, o) {
				continue next
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// within reports whether path is root or lies below it.
func within(path, root string) bool {
	if path == root {
		return true
	}
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// Place is a folder or drive the scan screen offers.
type Place struct {
	Path    string `json:"path"`
	Kind    string `json:"kind"`    // "folder" (a usual photo folder of the home), "home" or "drive"
	Default bool   `json:"default"` // checked at first: the usual photo folders
}

// Places are the home's photo folders (checked by default), the home
// folder, and the drives mounted now.
func Places(home string) []Place {
	var out []Place
	for _, p := range DefaultRoots(home) {
		out = append(out, Place{Path: p, Kind: "folder", Default: true})
	}
	if home != "" {
		out = append(out, Place{Path: home, Kind: "home"})
	}
	for _, d := range drives() {
		out = append(out, Place{Path: d, Kind: "drive"})
	}
	return out
}

// drives lists mounted volumes: drive letters on Windows, /Volumes on
// macOS, removable and extra mounts (/media/<user>, /run/media/<user>,
// /mnt) elsewhere.
func drives() []string {
	var out []string
	exists := func(p string) bool { fi, err := os.Stat(p); return err == nil && fi.IsDir() }
	switch runtime.GOOS {
	case "windows":
		for c := 'A'; c <= 'Z'; c++ {
			if p := string(c) + `:\`; exists(p) {
				out = append(out, p)
			}
		}
		return out
	case "darwin":
		entries, _ := os.ReadDir("/Volumes")
		for _, e := range entries {
			out = append(out, filepath.Join("/Volumes", e.Name()))
		}
		return out
	}
	// The root itself is not offered: /proc, /sys and /usr hold no photos
	// and walking them is slow; the home and mounted disks are.
	user := os.Getenv("USER")
	for _, base := range []string{filepath.Join("/media", user), filepath.Join("/run/media", user), "/mnt"} {
		entries, _ := os.ReadDir(base)
		for _, e := range entries {
			if p := filepath.Join(base, e.Name()); e.IsDir() && exists(p) {
				out = append(out, p)
			}
		}
	}
	return out
}
