package main

import (
	"context"
	"errors"
	"fmt"
	"image"
	"path/filepath"
	"slices"
	"sync"

	"imageconverter/converter"
	"imageconverter/converter/encode"
	"imageconverter/preview"
	"imageconverter/runs"
	"imageconverter/uierr"
)

// The compare view: one photo beside what a conversion with the chosen
// format and quality would make of it (package preview). It converts
// nothing, writes nothing next to the photos and never goes through the run
// manager, so it counts against no plan's daily conversions and is there on
// every plan. Its pictures are served by a.compare.previews() (main.go hands
// it to the asset server, which sends it what is under /preview/).

var (
	codePreviewGone   = uierr.Declare("preview_gone")
	codePreviewFailed = uierr.Declare("preview_failed")
)

// CompareInfo answers OpenCompare. Problem is set (a converter code, with
// the English Reason) when the photo cannot be previewed: damaged, not a
// picture, animated…; nothing else is then.
type CompareInfo struct {
	Token       string `json:"token"`
	Path        string `json:"path"`
	Name        string `json:"name"`
	SourceBytes int64  `json:"sourceBytes"`
	// Width/Height: the pixels compared (after orientation and the resize
	// setting); Resized when that setting made them smaller than the file's.
	Width   int  `json:"width"`
	Height  int  `json:"height"`
	Resized bool `json:"resized"`
	// Original is the address of the original as PNG.
	Original string `json:"original"`
	// Qualities are the presets' qualities per format, for the slider.
	Qualities map[string]map[string]int `json:"qualities"`
	Problem   string                    `json:"problem"`
	Reason    string                    `json:"reason"`
}

// CompareRequest asks for the open photo encoded with a format and quality.
// A draft encodes only the part on screen (X, Y, Width, Height in picture
// pixels; 0×0 for the whole picture) so a slider being dragged gets its
// answer at once; the full encode follows when it stops.
type CompareRequest struct {
	Token   string `json:"token"`
	Format  string `json:"format"`
	Preset  string `json:"preset"`
	Quality int    `json:"quality"` // 1–100; 0 takes the preset's
	Draft   bool   `json:"draft"`
	X       int    `json:"x"`
	Y       int    `json:"y"`
	Width   int    `json:"width"`
	Height  int    `json:"height"`
}

// CompareResult is one encode. Stale: a newer request replaced it (show
// nothing). Image covers X, Y, Width, Height of the picture. Bytes is the
// whole picture's size: exact after a full encode, an estimate after a
// draft (Estimate; 0 while unknown). Kept: the conversion would keep the
// original, the result being no smaller. Problem/Reason: this format cannot
// hold the photo (WebP's size limit).
type CompareResult struct {
	Stale       bool    `json:"stale"`
	Draft       bool    `json:"draft"`
	Image       string  `json:"image"`
	X           int     `json:"x"`
	Y           int     `json:"y"`
	Width       int     `json:"width"`
	Height      int     `json:"height"`
	Bytes       int64   `json:"bytes"`
	Estimate    bool    `json:"estimate"`
	SourceBytes int64   `json:"sourceBytes"`
	Saving      float64 `json:"saving"` // percent of the source; negative when larger
	Kept        bool    `json:"kept"`
	Format      string  `json:"format"`
	Quality     int     `json:"quality"`
	Millis      int64   `json:"millis"`
	Problem     string  `json:"problem"`
	Reason      string  `json:"reason"`
}

// OpenCompare opens the photo at path for the compare view with the saved
// settings (resize, metadata) and format.
func (a *App) OpenCompare(path, format string) (CompareInfo, error) {
	paths, err := runs.CleanPaths([]string{path})
	if err != nil {
		return CompareInfo{}, err
	}
	opts := a.prefs.Load().Options()
	if format != "" {
		opts.Format = format
	}
	if !validFormat(opts.Format) {
		return CompareInfo{}, uierr.With(codeInvalidArgument, "This format cannot be previewed.", format, nil)
	}
	info, err := a.compare.previews().Open(paths[0], opts)
	var se *converter.SourceError
	if errors.As(err, &se) {
		return CompareInfo{Path: paths[0], Name: filepath.Base(paths[0]), Problem: string(se.Code), Reason: se.Reason}, nil
	}
	if err != nil {
		return CompareInfo{}, uierr.With(codePreviewFailed, "The photo could not be opened for comparing.", paths[0], err)
	}
	return CompareInfo{Token: info.Token, Path: info.Path, Name: info.Name, SourceBytes: info.SourceBytes,
		Width: info.Width, Height: info.Height, Resized: info.Resized, Original: info.Original,
		Qualities: presetQualities()}, nil
}

// EncodeCompare encodes the open photo with req's format and quality.
func (a *App) EncodeCompare(req CompareRequest) (CompareResult, error) {
	if !validFormat(req.Format) || (req.Preset != "" && req.Preset != converter.PresetAuto && !slices.Contains(encode.Presets, encode.Preset(req.Preset))) ||
		req.Quality < 0 || req.Quality > 100 || req.Width < 0 || req.Height < 0 {
		return CompareResult{}, uierr.With(codeInvalidArgument, "These compare settings are not valid.",
			fmt.Sprintf("%s %s %d", req.Format, req.Preset, req.Quality), nil)
	}
	r, err := a.compare.previews().Encode(context.Background(), req.Token, preview.Request{Format: req.Format, Preset: req.Preset,
		Quality: req.Quality, Draft: req.Draft, Part: image.Rect(req.X, req.Y, req.X+req.Width, req.Y+req.Height)})
	var se *converter.SourceError
	switch {
	case errors.Is(err, preview.ErrGone):
		return CompareResult{}, uierr.With(codePreviewGone, "This preview has closed; open the photo again.", "", err)
	case errors.As(err, &se):
		return CompareResult{Draft: req.Draft, Format: req.Format, Problem: string(se.Code), Reason: se.Reason}, nil
	case err != nil:
		return CompareResult{}, uierr.With(codePreviewFailed, "The preview could not be made.", "", err)
	case r.Stale:
		return CompareResult{Stale: true, Draft: req.Draft}, nil
	}
	out := CompareResult{Draft: req.Draft, Image: r.Image, X: r.Part.Min.X, Y: r.Part.Min.Y, Width: r.Part.Dx(), Height: r.Part.Dy(),
		Bytes: r.Bytes, Estimate: r.Estimate, SourceBytes: r.SourceBytes, Format: req.Format, Quality: r.Quality,
		Millis: r.Elapsed.Milliseconds()}
	if r.Bytes > 0 && r.SourceBytes > 0 {
		out.Saving = 100 * (1 - float64(r.Bytes)/float64(r.SourceBytes))
		out.Kept = a.prefs.Load().Options().SkipIfLarger && r.Bytes >= r.SourceBytes
	}
	return out, nil
}

// CloseCompare lets the open photo go (the compare view closed).
func (a *App) CloseCompare(token string) { a.compare.previews().Close(token) }

func validFormat(f string) bool { return f == string(encode.WebP) || f == string(encode.AVIF) }

// presetQualities are the presets' qualities per format (encode.PresetOptions).
func presetQualities() map[string]map[string]int {
	out := map[string]map[string]int{}
	for _, f := range []encode.Format{encode.WebP, encode.AVIF} {
		out[string(f)] = map[string]int{}
		for _, p := range encode.Presets {
			if o, err := encode.PresetOptions(f, p); err == nil {
				out[string(f)][string(p)] = o.Quality
			}
		}
	}
	return out
}

// compareState holds the compare view's open photos; made on first use.
type compareState struct {
	once  sync.Once
	store *preview.Store
}

// previews is the store of open photos, also the handler of their pictures.
func (c *compareState) previews() *preview.Store {
	c.once.Do(func() { c.store = preview.New(preview.Config{}) })
	return c.store
}
