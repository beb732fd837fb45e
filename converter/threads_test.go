package converter

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// TestEncoderThreadsFollowTheFilesLeft: while files wait in the queue each file gets the cores its
// worker leaves over (NumCPU / workers); the file that starts with none behind it — the last of a
// batch, or a single dropped photo — gets every core, for WebP and AVIF alike.
func TestEncoderThreadsFollowTheFilesLeft(t *testing.T) {
	cpus := runtime.NumCPU()
	for _, tc := range []struct {
		format  string
		files   int
		workers int
	}{
		{"webp", 1, 2},
		{"avif", 1, 2},
		{"webp", 3, 2},
		{"avif", 3, 2},
		{"webp", 3, 1},
	} {
		dir := t.TempDir()
		for i := range tc.files {
			writeSmoothJPEG(t, filepath.Join(dir, fmt.Sprintf("p%d.jpg", i)), 160, 120)
		}
		o := testOptions()
		o.Format, o.Workers, o.Effort = tc.format, tc.workers, 0
		if tc.format == "avif" {
			o.Effort = 10
		}
		var mu sync.Mutex
		got := map[string]int{}
		o.probe = &probe{threads: func(src string, n int) {
			mu.Lock()
			got[filepath.Base(src)] = n
			mu.Unlock()
		}}
		p, err := Plan(context.Background(), []string{dir}, o)
		if err != nil {
			t.Fatal(err)
		}
		s, err := Run(context.Background(), p.Tasks, p.Options, nil)
		if err != nil || s.Converted != tc.files {
			t.Fatalf("%+v: %v, %+v", tc, err, s.Files)
		}
		for i := range tc.files {
			name := fmt.Sprintf("p%d.jpg", i)
			want := max(1, cpus/min(tc.workers, tc.files-i)) // the plan keeps the files in name order
			if got[name] != want {
				t.Errorf("%+v: %s got %d threads, want %d (all: %v)", tc, name, got[name], want, got)
			}
		}
	}
}
