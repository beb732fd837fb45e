package converter

import (
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"
)

// names lists the files (not folders) directly in dir, sorted.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

// TestRerunAddsNoDuplicateOfWebPOrAVIF: an AVIF original converted to WebP (and the reverse) must be
// recognised as done on the next runs; they used to add "x-avif.webp", "x (1).webp", … every run.
func TestRerunAddsNoDuplicateOfWebPOrAVIF(t *testing.T) {
	cases := []struct{ src, format, out string }{
		{"avif_irot.avif", "webp", "avif_irot.webp"},
		{"webp_exif_icc.webp", "avif", "webp_exif_icc.avif"},
	}
	for _, tc := range cases {
		t.Run(tc.format, func(t *testing.T) {
			dir := corpus(t, tc.src)
			o := testOptions()
			o.Format = tc.format
			o.Folders = true
			first := result(t, convertAll(t, o, dir), tc.src)
			if first.Status != StatusConverted || filepath.Base(first.Dst) != tc.out {
				t.Fatalf("first run %+v", first)
			}
			for run := 2; run <= 3; run++ {
				s := convertAll(t, o, dir)
				if s.Converted != 0 {
					t.Fatalf("run %d converted again: %+v", run, s.Files)
				}
			}
			if got := names(t, dir); len(got) != 2 {
				t.Fatalf("files after three runs: %v", got)
			}
			// Both files in the target's opposite format work too: switching the target back finds the
			// original's earlier output and does not touch the original.
			for _, rerunOwn := range []bool{false, true} {
				o.Format = map[string]string{"webp": "avif", "avif": "webp"}[tc.format]
				s := convertAll(t, o, dir)
				if s.Converted != 0 || s.Failed != 0 {
					t.Fatalf("target switched (%v): %+v", rerunOwn, s.Files)
				}
			}
			if got := names(t, dir); len(got) != 2 {
				t.Fatalf("files after switching the target: %v", got)
			}
		})
	}
}

func TestOwnOutputsWebPAndAVIFPair(t *testing.T) {
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	times := map[string]time.Time{}
	mt := func(n string) (time.Time, bool) { t, ok := times[n]; return t, ok }
	ls := []string{"x.avif", "x.webp", "y.webp", "z.jpg", "z.webp", "z-jpg.webp", "z-png.avif"}
	// Equal times (KeepModTime): the file in the target format is the output.
	times["x.avif"], times["x.webp"] = base, base
	// "z-jpg.webp" is how "z.jpg" is named when another "z" source took "z.webp".
	if own := ownOutputs(ls, ".webp", "", mt); !own["x.webp"] || own["x.avif"] || own["y.webp"] || !own["z.webp"] || !own["z-jpg.webp"] || own["z-png.avif"] {
		t.Fatalf("equal times, to WebP: %v", own)
	}
	// The AVIF clearly newer: it was made from the WebP, whatever the target now.
	times["x.avif"] = base.Add(time.Hour)
	if own := ownOutputs(ls, ".webp", "", mt); !own["x.avif"] || own["x.webp"] {
		t.Fatalf("newer AVIF: %v", own)
	}
	// The target-format file clearly older than the other one: not ours (the other is an original
	// modified since, or made from it).
	times["x.avif"], times["x.webp"] = base, base.Add(-time.Hour)
	if own := ownOutputs(ls, ".webp", "", mt); own["x.webp"] {
		t.Fatalf("older WebP taken as ours: %v", own)
	}
}

// TestPackagesAreNotWalked: a Photos library or Lightroom previews inside a dropped folder must not
// get .webp files written into them.
func TestPackagesAreNotWalked(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, "testdata/jpeg_baseline.jpg", filepath.Join(dir, "top.jpg"))
	for _, pkg := range []string{"Photos Library.photoslibrary/originals/0", "Cat Previews.lrdata/1", "Some.app/Contents", "Old.APLIBRARY/x"} {
		copyFile(t, "testdata/jpeg_baseline.jpg", filepath.Join(dir, pkg, "in.jpg"))
	}
	o := testOptions()
	o.Folders = true
	b, err := Plan(t.Context(), []string{dir}, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Tasks) != 1 || filepath.Base(b.Tasks[0].Src) != "top.jpg" {
		t.Fatalf("tasks %+v", b.Tasks)
	}
	// Named explicitly, a package is walked: the user chose it.
	b, err = Plan(t.Context(), []string{filepath.Join(dir, "Cat Previews.lrdata")}, o)
	if err != nil || len(b.Tasks) != 1 {
		t.Fatalf("explicit package: %v %+v", err, b)
	}
}

// TestRenameKeepsTheSourcesNumber: "beach (1).jpg" is renamed to "beach (1) (1).webp", not numbered
// from "beach" (which wrote "beach (2).webp" or took an unrelated "beach (1).webp" for up to date).
func TestRenameKeepsTheSourcesNumber(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "beach (1).jpg")
	copyFile(t, "testdata/jpeg_photo.jpg", src)
	old := time.Now().Add(-time.Hour)
	for _, n := range []string{"beach (1).webp"} { // someone else's, older than the source
		must(t, os.WriteFile(filepath.Join(dir, n), []byte("someone else's"), 0o644))
		must(t, os.Chtimes(filepath.Join(dir, n), old, old))
	}
	// Not older than the source, but the output of another "beach" photo: must not count as ours.
	must(t, os.WriteFile(filepath.Join(dir, "beach (2).webp"), []byte("other"), 0o644))
	o := testOptions()
	o.Existing = ExistingRename
	r := result(t, convertAll(t, o, src), "beach (1).jpg")
	if r.Status != StatusConverted || filepath.Base(r.Dst) != "beach (1) (1).webp" {
		t.Fatalf("first run %+v", r)
	}
	r = result(t, convertAll(t, o, src), "beach (1).jpg")
	if r.Code != CodeAlreadyConverted || filepath.Base(r.Dst) != "beach (1) (1).webp" {
		t.Fatalf("second run %+v", r)
	}
}

// TestOutputFolderIsTheDroppedFolder: "-out in in" writes in/in; the next run must not walk in/in
// (it used to write in/in/in, and so on every run).
func TestOutputFolderIsTheDroppedFolder(t *testing.T) {
	in := filepath.Join(t.TempDir(), "in")
	copyFile(t, "testdata/jpeg_baseline.jpg", filepath.Join(in, "a.jpg"))
	copyFile(t, "testdata/jpeg_photo.jpg", filepath.Join(in, "sub", "b.jpg"))
	o := testOptions()
	o.Folders = true
	o.OutputDir = in
	for run := 1; run <= 3; run++ {
		s := convertAll(t, o, in)
		if s.Failed != 0 {
			t.Fatalf("run %d: %+v", run, s.Files)
		}
		if run > 1 && s.Converted != 0 {
			t.Fatalf("run %d converted again: %+v", run, s.Files)
		}
	}
	for _, want := range []string{"in/a.webp", "in/sub/b.webp"} {
		if _, err := os.Stat(filepath.Join(in, want)); err != nil {
			t.Errorf("missing %s: %v", want, err)
		}
	}
	if _, err := os.Stat(filepath.Join(in, "in", "in")); err == nil {
		t.Fatal("in/in/in was written")
	}
	// Anything under the output folder is left out too, and a real sub-folder of the source is walked.
	b, err := Plan(t.Context(), []string{in}, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range b.Decided {
		if within(d.Src, filepath.Join(in, "in")) {
			t.Fatalf("walked the output folder: %+v", d)
		}
	}
	if len(b.Decided) != 2 {
		t.Fatalf("decided %+v", b.Decided)
	}
}

// TestCommitKeepsExactModTime: the output's time equals the source's to the nanosecond the file
// system keeps (futimes rounded to microseconds, up to 1 µs later than the source).
func TestCommitKeepsExactModTime(t *testing.T) {
	for _, anon := range []bool{true, false} {
		defer setTmpfile(anon)()
		dir := t.TempDir()
		tmp, err := createTemp(dir, ".webp")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tmp.Write([]byte("ours")); err != nil {
			t.Fatal(err)
		}
		when := time.Date(2021, 3, 4, 5, 6, 7, 123456789, time.UTC) // 789 ns rounded up to 790 by futimes
		got, err := tmp.commit(filepath.Join(dir, "a.webp"), when, ExistingSkip)
		if err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(got)
		if err != nil {
			t.Fatal(err)
		}
		if !st.ModTime().Equal(when) {
			t.Fatalf("O_TMPFILE=%v: mtime %v, want %v", anon, st.ModTime().UTC(), when)
		}
	}
}

func TestHiddenFlags(t *testing.T) {
	if !isHiddenFlags(0x8000) || !isHiddenFlags(0x8000|0x20) || isHiddenFlags(0x20) || isHiddenFlags(0) {
		t.Fatal("UF_HIDDEN not recognised")
	}
}
