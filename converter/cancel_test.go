package converter

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"imageconverter/converter/encode"
)

// A run cancelled while libwebp is compressing stops that file mid-encode: the file is reported as
// cancelled, nothing is written, no temporary file is left, and Run returns long before the encode
// would have finished (compared with an uncancelled encode of the same file, not a fixed time).
func TestCancelStopsWebPEncodeMidFile(t *testing.T) {
	if encode.Backend(encode.WebP) != encode.BackendNative {
		t.Skip("native libwebp not available: the WASM encoder cannot be interrupted")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "noise.jpg")
	writeNoiseJPEG(t, src, 2400, 1600, 7)
	o := testOptions()
	o.Format = "webp"
	o.Effort = 6 // method 6 on noise: the compression step takes seconds
	o.SkipIfLarger = false

	// Reference: the full encode of this file, into a separate folder.
	refDir := t.TempDir()
	refOpts := o
	refOpts.OutputDir = refDir
	ref := convertAll(t, refOpts, src)
	if ref.Converted != 1 {
		t.Fatalf("reference conversion failed: %+v", ref.Files)
	}

	p, err := Plan(context.Background(), []string{src}, o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var cancelledAt time.Time
	// Cancel once the encoder holds its own copy of the pixels, i.e. as the compression starts.
	p.Options.probe = &probe{pixelsRead: func() { cancelledAt = time.Now(); cancel() }}
	s, err := Run(ctx, p.Tasks, p.Options, nil)
	if err != nil {
		t.Fatal(err)
	}
	stopped := time.Since(cancelledAt)
	t.Logf("full encode %v; cancelled run returned %v after the cancel", ref.Elapsed, stopped)
	if s.Cancelled != 1 || s.Files[0].Status != StatusCancelled {
		t.Fatalf("want the file cancelled, got %+v", s.Files)
	}
	if stopped > ref.Elapsed/2 {
		t.Fatalf("Run returned %v after the cancel, a full encode takes %v: the encode was waited for, not stopped", stopped, ref.Elapsed)
	}
	if _, err := os.Stat(filepath.Join(dir, "noise.webp")); !os.IsNotExist(err) {
		t.Fatalf("output written for the cancelled file (stat: %v)", err)
	}
	assertNoTemp(t, dir)
}
