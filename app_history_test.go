package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"imageconverter/account"
	"imageconverter/converter"
	"imageconverter/converter/autoquality"
	"imageconverter/functions/wire"
	"imageconverter/locale"
	"imageconverter/platform"
	"imageconverter/settings"
)

// A run's results are kept: after the app restarts, the results screen
// lists the run with every file (the broken one with its reason), exports
// it as CSV in the user's language and shows a file in its folder.
func TestResultsSurviveARestartAndExportAsCSV(t *testing.T) {
	dir := t.TempDir()
	prefs, err := settings.Open(filepath.Join(dir, "config"))
	if err != nil {
		t.Fatal(err)
	}
	s := prefs.Load()
	s.Language = "ko"
	if err := prefs.Save(s); err != nil {
		t.Fatal(err)
	}
	app := NewApp(prefs, account.NewLocal(wire.PlanPro))
	rec := platform.NewRecorder()
	app.attach(context.Background(), rec)
	photos := filepath.Join(dir, "photos")
	srcs := writePhotos(t, photos, 2, 96)
	broken := filepath.Join(photos, "broken.jpg")
	os.WriteFile(broken, []byte("\xff\xd8\xff\xe0 not really a jpeg"), 0o644)

	info, err := app.StartConversion(ConvertRequest{Paths: []string{photos}, Format: "webp", Preset: "balanced"})
	if err != nil {
		t.Fatal(err)
	}
	sum := waitDone(t, app, rec, info.RunID)
	if sum.Converted != 2 || sum.Failed != 1 {
		t.Fatalf("summary %+v, want 2 converted and 1 failed", sum)
	}

	// The app is started again on the same settings folder.
	prefs2, err := settings.Open(filepath.Join(dir, "config"))
	if err != nil {
		t.Fatal(err)
	}
	again := NewApp(prefs2, account.NewLocal(wire.PlanPro))
	texts, err := locale.Load(os.DirFS("frontend/src/lib/locales"))
	if err != nil {
		t.Fatal(err)
	}
	again.texts = texts
	rec2 := platform.NewRecorder()
	again.attach(context.Background(), rec2)
	list := again.Results()
	if len(list) != 1 || list[0].ID != info.RunID || list[0].Converted != 2 || list[0].Failed != 1 || list[0].Format != "webp" || list[0].FileCount != 3 {
		t.Fatalf("results after a restart: %+v", list)
	}
	run, err := again.ResultRun(info.RunID)
	if err != nil {
		t.Fatal(err)
	}
	var failed, converted int
	for _, f := range run.Files {
		switch {
		case f.Status == "failed" && f.Src == broken && f.Code != "":
			failed++
		case f.Status == "converted" && f.BytesOut > 0 && f.BytesOut < f.BytesIn && strings.HasSuffix(f.Dst, ".webp") && f.Quality == 80:
			converted++ // balanced WebP: quality 80, kept with the file
		}
	}
	if failed != 1 || converted != 2 {
		t.Fatalf("kept files %+v", run.Files)
	}

	rec2.Save = filepath.Join(dir, "export", "results") // the user typed no extension
	os.MkdirAll(filepath.Dir(rec2.Save), 0o755)
	chosen, err := again.ChooseCSVFile("", "x.csv")
	if err != nil || chosen != rec2.Save {
		t.Fatalf("ChooseCSVFile = %q, %v", chosen, err)
	}
	path, err := again.ExportResults(info.RunID, chosen)
	if err != nil || path != rec2.Save+".csv" {
		t.Fatalf("ExportResults = %q, %v", path, err)
	}
	b, _ := os.ReadFile(path)
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))).ReadAll()
	if err != nil || len(rows) != 4 {
		t.Fatalf("CSV: %d rows, %v\n%s", len(rows), err, b)
	}
	if rows[0][0] != "파일" || rows[0][8] != "저장 위치" {
		t.Fatalf("CSV header is not in the user's language: %q", rows[0])
	}
	var brokenRow []string
	for _, r := range rows[1:] {
		if r[0] == "broken.jpg" {
			brokenRow = r
		} else if r[5] != "80" {
			t.Fatalf("a converted photo's quality column is %q, want 80: %q", r[5], r)
		}
	}
	if brokenRow == nil || brokenRow[6] != "실패" || brokenRow[7] == "" || strings.Contains(brokenRow[7], "reason.") {
		t.Fatalf("the broken photo's row: %q", brokenRow)
	}

	if err := again.ShowInFolder(srcs[0]); err != nil {
		t.Fatal(err)
	}
	if opened := rec2.Opened(); len(opened) != 1 || opened[0] != srcs[0] {
		t.Fatalf("shown %v, want %s", opened, srcs[0])
	}
	if err := again.ShowInFolder(filepath.Join(photos, "gone.webp")); err == nil {
		t.Fatal("showing a file that is gone did not say so")
	}
	if _, err := again.ResultRun("run-nothere"); err == nil {
		t.Fatal("an unknown run has results")
	}
}

// With the automatic quality each photo's chosen quality is what the run
// reports per file and what the results keep.
func TestAutomaticQualityIsKeptPerFile(t *testing.T) {
	dir := t.TempDir()
	prefs, err := settings.Open(filepath.Join(dir, "config"))
	if err != nil {
		t.Fatal(err)
	}
	app := NewApp(prefs, account.NewLocal(wire.PlanFree)) // a quality choice, on every plan
	rec := platform.NewRecorder()
	app.attach(context.Background(), rec)
	photos := filepath.Join(dir, "photos")
	srcs := []string{writeSmoothPhoto(t, photos)} // Free converts one photo a drop; smooth: auto goes below balanced
	info, err := app.StartConversion(ConvertRequest{Paths: srcs, Format: "webp", Preset: "auto"})
	if err != nil {
		t.Fatal(err)
	}
	sum := waitDone(t, app, rec, info.RunID)
	if sum.Converted != 1 {
		t.Fatalf("summary %+v", sum)
	}
	run, err := app.ResultRun(info.RunID)
	if err != nil {
		t.Fatal(err)
	}
	// What the search gives for this photo's pixels, asked directly.
	opts := settings.Defaults()
	opts.Preset = "auto"
	prep, err := converter.Prepare(srcs[0], opts.Options())
	if err != nil {
		t.Fatal(err)
	}
	want, err := autoquality.Choose(prep.Pixels, prep.Encoder)
	if err != nil {
		t.Fatal(err)
	}
	if want.Quality == 80 {
		t.Fatal("the test photo needs exactly the balanced quality: it cannot tell auto from fixed")
	}
	if len(run.Files) != 1 || run.Files[0].Quality != want.Quality {
		t.Fatalf("kept files %+v, want quality %d", run.Files, want.Quality)
	}
	var reported []int
	for _, e := range rec.Events(EventFile) {
		if f := e.Payload.(FileResult); f.RunID == info.RunID {
			reported = append(reported, f.Quality)
		}
	}
	if len(reported) != 1 || reported[0] != want.Quality {
		t.Fatalf("file events report qualities %v, want %d", reported, want.Quality)
	}
}

// writeSmoothPhoto writes a 320×240 PNG of soft gradients, the kind of
// picture the automatic quality encodes below the balanced quality.
func writeSmoothPhoto(t *testing.T, dir string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	img := image.NewNRGBA(image.Rect(0, 0, 320, 240))
	for y := range 240 {
		for x := range 320 {
			img.Set(x, y, color.NRGBA{uint8(x * 255 / 320), uint8(y * 255 / 240), uint8(128 + (x-y)/8), 255})
		}
	}
	p := filepath.Join(dir, "sky.png")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return p
}
