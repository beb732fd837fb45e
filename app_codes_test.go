package main

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"imageconverter/converter"
	"imageconverter/functions/wire"
)

// A panorama wider than WebP allows reaches the UI with its own code, so the
// UI can say "choose AVIF or resize" in the user's language, not "something
// went wrong".
func TestTooWideForWebPHasItsOwnCode(t *testing.T) {
	app, rec := newTestApp(t, wire.PlanPro)
	dir := t.TempDir()
	src := filepath.Join(dir, "panorama.png")
	img := image.NewGray(image.Rect(0, 0, 16400, 4))
	for x := range 16400 {
		img.SetGray(x, x%4, color.Gray{uint8(x)})
	}
	f, err := os.Create(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	f.Close()
	info, err := app.StartConversion(ConvertRequest{Paths: []string{src}, Format: "webp"})
	if err != nil {
		t.Fatal(err)
	}
	sum := waitDone(t, app, rec, info.RunID)
	if sum.Failed != 1 || len(sum.Problems) != 1 {
		t.Fatalf("summary %+v, want the panorama failed", sum)
	}
	if p := sum.Problems[0]; p.Code != codeWebPTooLarge || p.Reason == "" {
		t.Errorf("problem %+v, want code %s with the engine's reason", p, codeWebPTooLarge)
	}
	files := rec.Events(EventFile)
	if len(files) != 1 || files[0].Payload.(FileResult).Code != codeWebPTooLarge {
		t.Errorf("file events %+v, want one with code %s", files, codeWebPTooLarge)
	}
}

// The converter words file-system errors from their errno (ENOSPC, EROFS,
// EACCES/EPERM); each gets a code the UI translates. The sentences are the
// converter's own (converter/errors.go ioReason). Tests run as root here, so
// the errors themselves cannot be provoked on a real disk.
func TestFileSystemErrorsGetSpecificCodes(t *testing.T) {
	for _, c := range []struct {
		code   converter.Code
		reason string
		want   string
	}{
		{converter.CodeIO, "Could not write the output: the disk is full.", codeDiskFull},
		{converter.CodeIO, "Could not write the output: the disk is read-only.", codeReadOnly},
		{converter.CodeIO, "Could not create the output folder: permission denied.", codePermission},
		{converter.CodeIO, "Permission denied: the file can't be read.", codePermission},
		{converter.CodeIO, "Could not open: Input/output error.", "io"},
		{converter.CodeEncode, "The encoder failed: Out of memory.", "encode"},
		{converter.CodeCorrupt, "Permission denied.", "corrupt"}, // only generic codes are refined
		{converter.CodeAlreadyConverted, "Already converted: the output is up to date.", "already_converted"},
	} {
		if got := detailCode(c.code, c.reason); got != c.want {
			t.Errorf("detailCode(%s, %q) = %s, want %s", c.code, c.reason, got, c.want)
		}
	}
}
