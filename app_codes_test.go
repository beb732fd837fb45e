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
	if p := sum.Problems[0]; p.Code != string(converter.CodeWebPTooLarge) || p.Reason == "" {
		t.Errorf("problem %+v, want code %s with the engine's reason", p, string(converter.CodeWebPTooLarge))
	}
	files := rec.Events(EventFile)
	if len(files) != 1 || files[0].Payload.(FileResult).Code != string(converter.CodeWebPTooLarge) {
		t.Errorf("file events %+v, want one with code %s", files, string(converter.CodeWebPTooLarge))
	}
}
