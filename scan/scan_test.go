package scan

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// corpus copies images of converter/testdata into dst under new names.
func corpus(t *testing.T, dst string, files map[string]string) {
	t.Helper()
	for name, src := range files {
		b, err := os.ReadFile(filepath.Join("..", "converter", "testdata", src))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dst, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func size(t *testing.T, p string) int64 {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

func TestScanCountsGroupsAndSkips(t *testing.T) {
	root := t.TempDir()
	corpus(t, root, map[string]string{
		"Trips/a.jpg":           "jpeg_photo.jpg",
		"Trips/b.png":           "png_rgba.png",
		"Trips/old/c.jpg":       "jpeg_baseline.jpg",
		"Trips/done.jpg":        "jpeg_orient1.jpg",
		"Trips/done.webp":       "webp_lossy.webp", // an earlier output, newer than its source
		"Web/already.webp":      "webp_lossy.webp", // already in the output format
		"Web/notes.txt":         "README.md",
		".cache/hidden.jpg":     "jpeg_photo.jpg", // hidden folder: not entered
		"node_modules/icon.png": "png_rgba.png",   // system folder: not entered
		"Trips/anim.gif":        "gif_animated.gif",
	})
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(filepath.Join(root, "Trips/done.webp"), later, later); err != nil {
		t.Fatal(err)
	}

	var progress []Progress
	res, err := Scan(context.Background(), []string{root}, "webp", func(p Progress) { progress = append(progress, p) })
	if err != nil {
		t.Fatal(err)
	}
	trips, old := filepath.Join(root, "Trips"), filepath.Join(root, "Trips", "old")
	if len(res.Folders) != 2 {
		t.Fatalf("folders = %+v, want Trips and Trips/old", res.Folders)
	}
	byPath := map[string]Folder{}
	for _, f := range res.Folders {
		byPath[f.Path] = f
	}
	tf, of := byPath[trips], byPath[old]
	wantTrips := size(t, filepath.Join(trips, "a.jpg")) + size(t, filepath.Join(trips, "b.png"))
	if tf.Files != 2 || tf.Bytes != wantTrips {
		t.Errorf("Trips = %d files %d bytes, want 2 and %d", tf.Files, tf.Bytes, wantTrips)
	}
	if of.Files != 1 || of.Bytes != size(t, filepath.Join(old, "c.jpg")) {
		t.Errorf("Trips/old = %+v", of)
	}
	if res.Files != 3 || res.Bytes != tf.Bytes+of.Bytes {
		t.Errorf("totals = %d files %d bytes", res.Files, res.Bytes)
	}
	// done.jpg (up-to-date output), already.webp (same format) and anim.gif (animated) are skipped.
	if res.Skipped != 3 {
		t.Errorf("skipped = %d, want 3", res.Skipped)
	}
	// Savings follow the documented ratios, and folders come by saving, largest first.
	wantSaving := Estimate("jpeg", "webp", size(t, filepath.Join(trips, "a.jpg"))) + Estimate("png", "webp", size(t, filepath.Join(trips, "b.png")))
	if tf.Saving != wantSaving || wantSaving <= 0 {
		t.Errorf("Trips saving = %d, want %d", tf.Saving, wantSaving)
	}
	if res.Folders[0].Saving < res.Folders[1].Saving {
		t.Errorf("folders not sorted by saving: %+v", res.Folders)
	}
	if len(progress) != 2 || progress[0].Root != root || progress[1].RootsDone != 1 || progress[1].Files != 3 {
		t.Errorf("progress = %+v", progress)
	}

	paths, err := res.ConvertPaths([]string{old})
	if err != nil || !slices.Equal(paths, []string{filepath.Join(old, "c.jpg")}) {
		t.Errorf("ConvertPaths(old) = %v, %v; a folder does not pull in its parent or children", paths, err)
	}
	if _, err := res.ConvertPaths([]string{filepath.Join(root, ".cache")}); err == nil {
		t.Error("a folder the scan did not list was accepted")
	}
}

func TestScanRootsAndEstimate(t *testing.T) {
	root := t.TempDir()
	corpus(t, root, map[string]string{"Pictures/x.jpg": "jpeg_photo.jpg", "Desktop/y.png": "png_rgba.png"})
	if got := DefaultRoots(root); !slices.Equal(got, []string{filepath.Join(root, "Pictures"), filepath.Join(root, "Desktop")}) {
		t.Errorf("DefaultRoots = %v (missing folders are left out)", got)
	}
	// A root inside another one is scanned once, and its files counted once.
	res, err := Scan(context.Background(), []string{filepath.Join(root, "Pictures"), root, root + "/"}, "avif", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Roots, []string{root}) || res.Files != 2 {
		t.Errorf("roots %v files %d", res.Roots, res.Files)
	}
	if _, err := Scan(context.Background(), []string{"relative"}, "webp", nil); err == nil {
		t.Error("a relative root was accepted")
	}
	if _, err := Scan(context.Background(), []string{filepath.Join(root, "missing")}, "webp", nil); err == nil {
		t.Error("a missing root was accepted")
	}
	if Estimate("jpeg", "avif", 1000) != 650 || Estimate("heic", "webp", 1000) != 0 || Estimate("unknown", "webp", 1000) != 0 {
		t.Error("Estimate does not follow the ratio table")
	}
}

func TestScanCancel(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	corpus(t, a, map[string]string{"x.jpg": "jpeg_photo.jpg"})
	corpus(t, b, map[string]string{"y.jpg": "jpeg_photo.jpg"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res, err := Scan(ctx, []string{a, b}, "webp", func(p Progress) {
		if p.RootsDone == 1 {
			cancel() // after the first root
		}
	})
	if !errors.Is(err, context.Canceled) || res.Files != 0 {
		t.Errorf("cancelled scan = %+v, %v", res, err)
	}
}
