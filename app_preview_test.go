package main

import (
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"imageconverter/functions/wire"
	"imageconverter/settings"
	"imageconverter/uierr"
)

// Comparing converts nothing: on the Free plan (one photo a day, WebP only) a photo can be compared in
// WebP and AVIF at any quality as often as the user likes; nothing is written beside it and the day's
// conversions are untouched.
func TestCompareCostsNothingOnAnyPlan(t *testing.T) {
	app, _ := newTestApp(t, wire.PlanFree)
	dir := t.TempDir()
	photo := writePhotos(t, dir, 1, 320)[0]
	before := app.Account().RemainingToday

	info, err := app.OpenCompare(photo, "webp")
	if err != nil {
		t.Fatal(err)
	}
	if info.Problem != "" || info.Token == "" || info.Width != 320 || info.Height != 320 || info.Name != filepath.Base(photo) {
		t.Fatalf("open: %+v", info)
	}
	if info.Qualities["webp"]["balanced"] != 80 || info.Qualities["avif"]["smallest"] != 50 {
		t.Errorf("preset qualities: %v", info.Qualities)
	}
	var last CompareResult
	for _, req := range []CompareRequest{
		{Format: "webp", Preset: "balanced"},
		{Format: "webp", Preset: "smallest", Quality: 35},
		{Format: "avif", Preset: "best"},
		{Format: "avif", Preset: "balanced", Quality: 20, Draft: true, X: 10, Y: 10, Width: 100, Height: 80},
	} {
		req.Token = info.Token
		r, err := app.EncodeCompare(req)
		if err != nil {
			t.Fatalf("%+v: %v", req, err)
		}
		if r.Stale || r.Image == "" || r.Problem != "" {
			t.Fatalf("%+v: %+v", req, r)
		}
		if !req.Draft && (r.Bytes <= 0 || r.Estimate || r.SourceBytes <= r.Bytes || r.Saving <= 0 || r.Kept) {
			t.Errorf("%+v: %+v", req, r)
		}
		last = r
	}
	if last.Width != 100 || last.Height != 80 || !last.Draft {
		t.Errorf("draft covers %dx%d at %d,%d", last.Width, last.Height, last.X, last.Y)
	}
	// The pictures come from the handler main.go gives the asset server.
	rec := httptest.NewRecorder()
	app.compare.previews().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, last.Image, nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d", last.Image, rec.Code)
	}
	if img, err := png.Decode(rec.Body); err != nil || img.Bounds().Dx() != 100 {
		t.Fatalf("draft picture: %v", err)
	}

	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the photo's folder holds %d files after comparing, want only the photo", len(entries))
	}
	if got := app.Account().RemainingToday; got != before {
		t.Errorf("remaining conversions today: %d, was %d", got, before)
	}
	app.CloseCompare(info.Token)
	_, err = app.EncodeCompare(CompareRequest{Token: info.Token, Format: "webp"})
	if uierr.CodeOf(err) != codePreviewGone {
		t.Errorf("after close: %v, want %s", err, codePreviewGone)
	}
}

// The compare view uses the saved resize setting, as the conversion would.
func TestCompareFollowsTheResizeSetting(t *testing.T) {
	app, _ := newTestApp(t, wire.PlanPro)
	s := settings.Defaults()
	s.Resize, s.MaxWidth, s.MaxHeight = true, 200, 200
	if _, err := app.SaveSettings(s); err != nil {
		t.Fatal(err)
	}
	photo := writePhotos(t, t.TempDir(), 1, 320)[0]
	info, err := app.OpenCompare(photo, "")
	if err != nil {
		t.Fatal(err)
	}
	if info.Width != 200 || info.Height != 200 || !info.Resized {
		t.Errorf("with resize to 200: %+v", info)
	}
}

func TestComparingWhatCannotBeCompared(t *testing.T) {
	app, _ := newTestApp(t, wire.PlanFree)
	dir := t.TempDir()
	notPhoto := filepath.Join(dir, "notes.jpg")
	if err := os.WriteFile(notPhoto, []byte("shopping list: milk, eggs, a new camera"), 0o644); err != nil {
		t.Fatal(err)
	}
	info, err := app.OpenCompare(notPhoto, "webp")
	if err != nil || info.Problem != "not_image" || info.Reason == "" || info.Token != "" {
		t.Errorf("a text file: %+v, %v", info, err)
	}
	for _, c := range []struct {
		path, format, code string
	}{
		{"relative/photo.jpg", "webp", "bad_path"},
		{filepath.Join(dir, "gone.jpg"), "webp", "path_not_found"},
		{notPhoto, "gif", "invalid_argument"},
	} {
		_, err := app.OpenCompare(c.path, c.format)
		if got := string(uierr.CodeOf(err)); got != c.code {
			t.Errorf("OpenCompare(%q, %q): code %q (%v), want %q", c.path, c.format, got, err, c.code)
		}
	}
	for _, req := range []CompareRequest{
		{Token: "x", Format: "png"},
		{Token: "x", Format: "webp", Quality: 101},
		{Token: "x", Format: "webp", Preset: "tiny"},
	} {
		if _, err := app.EncodeCompare(req); uierr.CodeOf(err) != codeInvalidArgument {
			t.Errorf("%+v: %v", req, err)
		}
	}
	if _, err := app.EncodeCompare(CompareRequest{Token: "0123456789abcdef0123456789abcdef", Format: "webp"}); uierr.CodeOf(err) != codePreviewGone {
		t.Errorf("unknown token: %v", err)
	}
	if !slices.Contains(uierr.Declared(), "preview_failed") {
		t.Error("preview_failed is not declared")
	}
}
