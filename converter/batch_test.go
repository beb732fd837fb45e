package converter

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestBadInputsFailPerFileAndBatchGoesOn(t *testing.T) {
	bad := map[string]Code{
		"bad_corrupt_header.png": CodeCorrupt,
		"bad_empty.jpg":          CodeEmpty,
		"bad_huge_declared.jpg":  CodeTooLarge,
		"bad_huge_declared.png":  CodeTooLarge,
		"bad_not_image.jpg":      CodeNotImage, // text named .jpg
		"bad_truncated.jpg":      CodeCorrupt,
		"bad_truncated.png":      CodeCorrupt,
	}
	names := []string{"jpeg_photo.jpg", "jpeg_gps_exif.jpg", "bad_png_named.jpg"}
	for n := range bad {
		names = append(names, n)
	}
	dir := corpus(t, names...)
	before := hashTree(t, dir)
	o := testOptions()
	o.SkipIfLarger = false
	s := convertAll(t, o, dir)

	for n, code := range bad {
		t.Run(n, func(t *testing.T) {
			r := result(t, s, n)
			if r.Status != StatusFailed {
				t.Fatalf("status %s", r.Status)
			}
			if r.Code != code {
				t.Errorf("code %s, want %s (%s)", r.Code, code, r.Reason)
			}
			if len(r.Reason) < 10 || strings.Contains(r.Reason, "invalid format") || strings.Contains(r.Reason, "0x") {
				t.Errorf("reason not for a person: %q", r.Reason)
			}
			if _, err := os.Stat(filepath.Join(dir, stem(n)+".webp")); err == nil {
				t.Errorf("output written for a bad input")
			}
		})
	}
	t.Run("good files converted", func(t *testing.T) {
		for _, n := range []string{"jpeg_photo.jpg", "jpeg_gps_exif.jpg", "bad_png_named.jpg"} {
			if r := result(t, s, n); r.Status != StatusConverted {
				t.Errorf("%s: %s %s", n, r.Status, r.Reason)
			}
		}
		if s.Converted != 3 || s.Failed != len(bad) {
			t.Errorf("summary converted %d failed %d", s.Converted, s.Failed)
		}
	})
	t.Run("originals byte-identical", func(t *testing.T) {
		after := hashTree(t, dir)
		for k, v := range before {
			if after[k] != v {
				t.Errorf("%s changed", k)
			}
		}
	})
	assertNoTemp(t, dir)
}

func TestAnimatedIsReportedNotFlattened(t *testing.T) {
	dir := corpus(t, "gif_animated.gif", "webp_animated.webp")
	o := testOptions()
	o.Format = "avif"
	s := convertAll(t, o, dir)
	for _, n := range []string{"gif_animated.gif", "webp_animated.webp"} {
		r := result(t, s, n)
		if r.Status != StatusSkipped || r.Code != CodeAnimated || !strings.Contains(r.Reason, "Animated") {
			t.Errorf("%s: %s %s %q", n, r.Status, r.Code, r.Reason)
		}
	}
	if got := files(t, dir); len(got) != 2 {
		t.Fatalf("outputs written: %v", got)
	}
}

func TestWalk(t *testing.T) {
	root := t.TempDir()
	add := func(rel string) { copyFile(t, "testdata/jpeg_photo.jpg", filepath.Join(root, rel)) }
	add("a.jpg")
	add("sub/b.JPG")
	add("sub/deeper/c.jpeg")
	add(".hidden/x.jpg")
	add("sub/.cache/y.jpg")
	add("node_modules/pkg/icon.jpg")
	add("$RECYCLE.BIN/old.jpg")
	add("System Volume Information/z.jpg")
	add("__MACOSX/._a.jpg")
	add(".dotfile.jpg")
	must(t, os.WriteFile(filepath.Join(root, "notes.txt"), []byte("hello"), 0o644))
	must(t, os.WriteFile(filepath.Join(root, "sub", "doc.pdf"), []byte("%PDF"), 0o644))
	// Symlink loops: a link to the root from deep inside, and a link to itself.
	must(t, os.Symlink(root, filepath.Join(root, "sub", "deeper", "loop")))
	must(t, os.Symlink(filepath.Join(root, "sub"), filepath.Join(root, "sub", "again")))
	must(t, os.Symlink("missing", filepath.Join(root, "broken.jpg")))

	done := make(chan *Batch)
	go func() {
		p, err := Plan(context.Background(), []string{root}, testOptions())
		if err != nil {
			t.Error(err)
		}
		done <- p
	}()
	var p *Batch
	select {
	case p = <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("walk did not terminate (symlink loop?)")
	}
	var got []string
	for _, tk := range p.Tasks {
		rel, _ := filepath.Rel(root, tk.Src)
		got = append(got, rel)
	}
	want := []string{"a.jpg", "sub/b.JPG", "sub/deeper/c.jpeg"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("tasks %v, want %v", got, want)
	}
	// notes.txt, doc.pdf, .dotfile.jpg, broken.jpg
	if p.Ignored != 4 {
		t.Errorf("ignored %d, want 4", p.Ignored)
	}
	if len(p.Decided) != 0 {
		t.Errorf("decided %+v", p.Decided)
	}

	t.Run("explicit hidden folder is walked", func(t *testing.T) {
		p, err := Plan(context.Background(), []string{filepath.Join(root, ".hidden")}, testOptions())
		if err != nil || len(p.Tasks) != 1 {
			t.Fatalf("tasks %+v err %v", p, err)
		}
	})
	t.Run("same file named twice is one task", func(t *testing.T) {
		p, err := Plan(context.Background(), []string{filepath.Join(root, "a.jpg"), root, filepath.Join(root, "a.jpg")}, testOptions())
		if err != nil || len(p.Tasks) != 3 {
			t.Fatalf("tasks %d err %v", len(p.Tasks), err)
		}
	})
}

func TestFoldersNotAllowed(t *testing.T) {
	dir := corpus(t, "jpeg_photo.jpg")
	o := testOptions()
	o.Folders = false
	p, err := Plan(context.Background(), []string{dir, filepath.Join(dir, "jpeg_photo.jpg")}, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Tasks) != 1 || len(p.Decided) != 1 || p.Decided[0].Code != CodeFolderNotAllowed || p.Decided[0].Reason == "" {
		t.Fatalf("tasks %d decided %+v", len(p.Tasks), p.Decided)
	}
	p, _ = Plan(context.Background(), []string{dir}, o)
	if msg := p.NothingToDo(); msg == "" {
		t.Fatal("a refused folder must not look like a plan with work")
	}
}

func TestNothingToDoAndMissingPath(t *testing.T) {
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "readme.txt"), []byte("x"), 0o644))
	p, err := Plan(context.Background(), []string{dir}, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if p.NothingToDo() != "No images found to convert." || p.Ignored != 1 {
		t.Fatalf("%q ignored %d", p.NothingToDo(), p.Ignored)
	}
	p, _ = Plan(context.Background(), []string{filepath.Join(dir, "gone.jpg")}, testOptions())
	if len(p.Decided) != 1 || p.Decided[0].Code != CodeNotFound {
		t.Fatalf("%+v", p.Decided)
	}
	if _, err := Plan(context.Background(), nil, testOptions()); err == nil {
		t.Fatal("no paths must be an error")
	}
}

func TestOwnOutputsAndCollisions(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, "testdata/jpeg_photo.jpg", filepath.Join(dir, "a.jpg"))
	copyFile(t, "testdata/png_icc_swapped.png", filepath.Join(dir, "a.png"))
	o := testOptions()
	o.SkipIfLarger = false
	s := convertAll(t, o, dir)
	if s.Converted != 2 {
		t.Fatalf("%+v", s.Files)
	}
	got := []string{filepath.Base(result(t, s, "a.jpg").Dst), filepath.Base(result(t, s, "a.png").Dst)}
	if got[0] != "a.webp" || got[1] != "a-png.webp" {
		t.Fatalf("outputs %v", got)
	}
	// Now to AVIF: the earlier .webp outputs must not become sources.
	o.Format = "avif"
	p, err := Plan(context.Background(), []string{dir}, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range p.Tasks {
		if strings.HasSuffix(tk.Src, ".webp") {
			t.Fatalf("re-converting our own output %s", tk.Src)
		}
	}
	if p.OwnOutputs != 2 {
		t.Errorf("own outputs %d, want 2 (a.webp, a-png.webp)", p.OwnOutputs)
	}
	// And a second WebP run finds everything up to date.
	o.Format = "webp"
	again := convertAll(t, o, dir)
	if again.Converted != 0 || again.Failed != 0 {
		t.Fatalf("second run converted %d failed %d: %+v", again.Converted, again.Failed, again.Files)
	}
}

func TestProgressThrottledAndComplete(t *testing.T) {
	dir := t.TempDir()
	const n = 60
	for i := range n {
		copyFile(t, "testdata/jpeg_baseline.jpg", filepath.Join(dir, fmt.Sprintf("f%02d.jpg", i)))
	}
	o := testOptions()
	p, err := Plan(context.Background(), []string{dir}, o)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var events []Progress
	var times []time.Time
	inCallback := false
	start := time.Now()
	s, err := Run(context.Background(), p.Tasks, p.Options, func(pr Progress) {
		mu.Lock()
		if inCallback {
			t.Error("callback called concurrently")
		}
		inCallback = true
		events = append(events, pr)
		times = append(times, time.Now())
		inCallback = false
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	if s.Converted+s.Skipped != n {
		t.Fatalf("summary %+v", s)
	}
	last := events[len(events)-1]
	if !last.Final || last.Done != n || last.Total != n {
		t.Fatalf("final event %+v", last)
	}
	for i, ev := range events[:len(events)-1] {
		if ev.Final {
			t.Fatalf("event %d marked final", i)
		}
	}
	// At most one event per interval, plus the final one (and slack for the first tick).
	if max := int(elapsed/ProgressInterval) + 2; len(events) > max {
		t.Fatalf("%d events in %v (max %d): not throttled", len(events), elapsed, max)
	}
	// Ticks can bunch up when the machine is busy, but never more than one per interval on average.
	// (A fast run may emit only the final event, so the span is only taken with a few events.)
	if len(times) > 3 {
		if span := times[len(times)-2].Sub(times[0]); span < time.Duration(len(times)-3)*ProgressInterval {
			t.Fatalf("%d events within %v", len(times)-1, span)
		}
	}
	seen := map[string]bool{}
	for _, ev := range events {
		for _, f := range ev.Files {
			if seen[f.Src] {
				t.Fatalf("%s reported twice", f.Src)
			}
			seen[f.Src] = true
		}
	}
	if len(seen) != n {
		t.Fatalf("per-file results in events: %d of %d", len(seen), n)
	}
	t.Logf("%d files, %d events in %v", n, len(events), elapsed)
}

func TestPixelBudget(t *testing.T) {
	dir := t.TempDir()
	// Six 1000×1000 images and one 2500×2000 one larger than the whole budget.
	for i := range 6 {
		writeNoiseJPEG(t, filepath.Join(dir, fmt.Sprintf("m%d.jpg", i)), 1000, 1000, int64(i))
	}
	writeNoiseJPEG(t, filepath.Join(dir, "huge.jpg"), 2500, 2000, 99)
	o := testOptions()
	o.Workers = 4
	o.PixelBudget = 2_500_000 // two medium images fit, a third does not
	o.SkipIfLarger = false
	o.Effort = 0
	p, err := Plan(context.Background(), []string{dir}, o)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var maxSeen int64
	p.Options.probe = &probe{pixelsInFlight: func(n int64) {
		mu.Lock()
		maxSeen = max(maxSeen, n)
		mu.Unlock()
	}}
	s, err := Run(context.Background(), p.Tasks, p.Options, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Converted != 7 {
		t.Fatalf("%+v", s.Files)
	}
	if maxSeen > o.PixelBudget {
		t.Fatalf("%d pixels in flight, budget %d", maxSeen, o.PixelBudget)
	}
	if maxSeen < 2_000_000 {
		t.Fatalf("max in flight %d: two medium images never ran together", maxSeen)
	}
	t.Logf("max pixels in flight %d of budget %d", maxSeen, o.PixelBudget)
}

func TestCancelLeavesNoTemp(t *testing.T) {
	for _, anon := range []bool{true, false} {
		t.Run(fmt.Sprintf("O_TMPFILE=%v", anon), func(t *testing.T) {
			defer setTmpfile(anon)()
			dir := t.TempDir()
			for i := range 8 {
				writeNoiseJPEG(t, filepath.Join(dir, fmt.Sprintf("n%d.jpg", i)), 1200, 900, int64(i))
			}
			before := hashTree(t, dir)
			o := testOptions()
			o.Effort = 6 // noise at method 6: a few hundred ms per file, so the cancel lands mid-encode
			o.SkipIfLarger = false
			p, err := Plan(context.Background(), []string{dir}, o)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			var once sync.Once
			s, err := Run(ctx, p.Tasks, p.Options, func(pr Progress) {
				if len(pr.Active) > 0 || pr.Done > 0 {
					once.Do(cancel)
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			if s.Cancelled == 0 {
				t.Fatalf("nothing cancelled: %+v", s)
			}
			t.Logf("converted %d cancelled %d in %v", s.Converted, s.Cancelled, s.Elapsed)
			if s.Cancelled < len(p.Tasks)-o.Workers {
				t.Fatalf("only %d of %d cancelled: more than the files in flight were started", s.Cancelled, len(p.Tasks))
			}
			for _, f := range s.Files {
				if f.Status == StatusCancelled && f.Reason == "" {
					t.Fatal("cancelled without reason")
				}
				if f.Status == StatusCancelled {
					if _, err := os.Stat(filepath.Join(dir, stem(filepath.Base(f.Src))+".webp")); err == nil {
						t.Fatalf("output written for cancelled %s", f.Src)
					}
				}
			}
			assertNoTemp(t, dir)
			after := hashTree(t, dir)
			for k, v := range before {
				if after[k] != v {
					t.Fatalf("original %s changed", k)
				}
			}
		})
	}
}

func TestFailedWriteLeavesNoTemp(t *testing.T) {
	for _, anon := range []bool{true, false} {
		t.Run(fmt.Sprintf("O_TMPFILE=%v", anon), func(t *testing.T) {
			defer setTmpfile(anon)()
			dir := corpus(t, "jpeg_photo.jpg", "jpeg_gps_exif.jpg")
			o := testOptions()
			o.fs = failingFS{stage: "commit", err: syscall.ENOSPC, match: func(dst string) bool { return strings.Contains(dst, "gps") }}
			s := convertAll(t, o, dir)
			r := result(t, s, "jpeg_gps_exif.jpg")
			// No Dst: nothing was written there (a failed file used to name its planned output).
			if r.Status != StatusFailed || r.Code != CodeDiskFull || r.Reason == "" || r.Dst != "" {
				t.Fatalf("%+v", r)
			}
			if result(t, s, "jpeg_photo.jpg").Status != StatusConverted {
				t.Fatal("the other file was not converted")
			}
			got := files(t, dir)
			sort.Strings(got)
			if strings.Join(got, ",") != "jpeg_gps_exif.jpg,jpeg_photo.jpg,jpeg_photo.webp" {
				t.Fatalf("folder after a failed write: %v", got)
			}
		})
	}
}

func TestSweepStaleTemp(t *testing.T) {
	dir := t.TempDir()
	// A PID that cannot be alive (above pid_max on Linux) and a live one (ours, different run).
	dead := filepath.Join(dir, tempPrefix+"4194999-abcdef.webp")
	mine := filepath.Join(dir, tempPrefix+fmt.Sprint(os.Getpid())+"-abcdef.webp")
	old := filepath.Join(dir, tempPrefix+"1-abcdef.webp") // PID 1 is alive, but the file is two days old
	other := filepath.Join(dir, "keep.webp")
	for _, f := range []string{dead, mine, old, other} {
		must(t, os.WriteFile(f, []byte("x"), 0o644))
	}
	twoDays := time.Now().Add(-48 * time.Hour)
	must(t, os.Chtimes(old, twoDays, twoDays))
	sweepStale(dir)
	for f, want := range map[string]bool{dead: false, mine: true, old: false, other: true} {
		_, err := os.Stat(f)
		if (err == nil) != want {
			t.Errorf("%s exists=%v, want %v", filepath.Base(f), err == nil, want)
		}
	}
}

// TestNumbered: a number already in the name is part of it; stripping it gave "beach (1).jpg" the name
// "beach (2).webp", which belongs to "beach (2).jpg".
func TestNumbered(t *testing.T) {
	tests := []struct{ in, want string }{
		{"d/a.webp", "d/a (2).webp"},
		{"d/a (1).webp", "d/a (1) (2).webp"},
		{"d/a (x).webp", "d/a (x) (2).webp"},
	}
	for _, tc := range tests {
		if got := numbered(tc.in, 2); got != tc.want {
			t.Errorf("numbered(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// setTmpfile switches O_TMPFILE use and returns the restore function.
func setTmpfile(on bool) func() {
	prev := useTmpfile
	useTmpfile = on
	return func() { useTmpfile = prev }
}

// TestCommitRace covers an output that appears between planning and publishing: skip must not touch
// it, rename must move on to "(1)", overwrite must replace it; in both temporary-file modes.
func TestCommitRace(t *testing.T) {
	for _, anon := range []bool{true, false} {
		for _, policy := range []Existing{ExistingSkip, ExistingRename, ExistingOverwrite} {
			t.Run(fmt.Sprintf("O_TMPFILE=%v/%s", anon, policy), func(t *testing.T) {
				defer setTmpfile(anon)()
				dir := t.TempDir()
				dst := filepath.Join(dir, "a.webp")
				must(t, os.WriteFile(dst, []byte("theirs"), 0o644))
				tmp, err := createTemp(dir, ".webp")
				if err != nil {
					t.Fatal(err)
				}
				if _, err := tmp.Write([]byte("ours")); err != nil {
					t.Fatal(err)
				}
				when := time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC)
				got, err := tmp.commit(dst, when, policy)
				theirs, _ := os.ReadFile(dst)
				switch policy {
				case ExistingSkip:
					if !errors.Is(err, errOutputExists) || string(theirs) != "theirs" {
						t.Fatalf("err %v, dst %q", err, theirs)
					}
				case ExistingRename:
					ours, _ := os.ReadFile(filepath.Join(dir, "a (1).webp"))
					if err != nil || filepath.Base(got) != "a (1).webp" || string(ours) != "ours" || string(theirs) != "theirs" {
						t.Fatalf("err %v got %s ours %q theirs %q", err, got, ours, theirs)
					}
				case ExistingOverwrite:
					if err != nil || string(theirs) != "ours" {
						t.Fatalf("err %v dst %q", err, theirs)
					}
				}
				if err == nil {
					st, _ := os.Stat(got)
					if !st.ModTime().Equal(when) {
						t.Fatalf("mtime %v", st.ModTime())
					}
				}
				assertNoTemp(t, dir)
			})
		}
	}
}

// A failed write says why in a way a person can act on: the errno decides
// the code (disk full, read-only disk, no permission), not the wording,
// wherever the write fails (creating the folder, the file, or publishing it).
func TestWriteFailureCodesFromErrno(t *testing.T) {
	for _, c := range []struct {
		stage string
		err   error
		want  Code
	}{
		{"commit", syscall.ENOSPC, CodeDiskFull},
		{"commit", syscall.EDQUOT, CodeDiskFull},
		{"create", syscall.ENOSPC, CodeDiskFull},
		{"create", syscall.EROFS, CodeReadOnly},
		{"mkdir", syscall.EROFS, CodeReadOnly},
		{"mkdir", syscall.EACCES, CodePermission},
		{"create", syscall.EPERM, CodePermission},
		{"commit", syscall.EIO, CodeIO},
	} {
		t.Run(c.stage+"/"+c.err.Error(), func(t *testing.T) {
			dir := corpus(t, "jpeg_photo.jpg")
			o := testOptions()
			o.fs = failingFS{stage: c.stage, err: c.err}
			r := result(t, convertAll(t, o, dir), "jpeg_photo.jpg")
			if r.Status != StatusFailed || r.Code != c.want || r.Reason == "" || r.Dst != "" {
				t.Fatalf("%v while %s gave %+v, want failed with code %s", c.err, c.stage, r, c.want)
			}
			assertNoTemp(t, dir)
			if got := files(t, dir); len(got) != 1 {
				t.Errorf("folder after the failure: %v, want only the original", got)
			}
		})
	}
}

// What is not a picture, an empty file and a damaged picture are three
// different things to a person; each has its own code.
func TestNotAPictureEmptyAndDamagedDiffer(t *testing.T) {
	dir := t.TempDir()
	photo, err := os.ReadFile(filepath.Join("testdata", "jpeg_photo.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("notes.txt", []byte("shopping list\n"))
	write("renamed.jpg", []byte("not really a photo, just text\n"))
	write("empty.jpg", nil)
	write("cut.jpg", photo[:len(photo)/3])
	opts := testOptions()
	paths := []string{}
	for _, n := range []string{"notes.txt", "renamed.jpg", "empty.jpg", "cut.jpg"} {
		paths = append(paths, filepath.Join(dir, n))
	}
	s := convertAll(t, opts, paths...)
	for name, want := range map[string]Code{"notes.txt": CodeNotImage, "renamed.jpg": CodeNotImage, "empty.jpg": CodeEmpty, "cut.jpg": CodeCorrupt} {
		if r := result(t, s, name); r.Status != StatusFailed || r.Code != want {
			t.Errorf("%s: %+v, want failed with %s", name, r, want)
		}
	}
}
