package decode

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// fuzzMaxPixels keeps every fuzz decode small: a mutated header may declare any size, and the limit
// (checked from the header, then again by each native decoder before it allocates) must hold.
const fuzzMaxPixels = 1 << 20

// FuzzDecode feeds mutated corpus files to Probe and Decode. Neither may panic, every error must be one
// of the four kinds the engine reports, and a success must respect the pixel limit.
//
//	go test -run '^$' -fuzz FuzzDecode -fuzztime 60s ./converter/decode
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(corpus, "*"))
	for _, p := range files {
		if ext := filepath.Ext(p); ext == ".sh" || ext == ".md" {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, perr := Probe(bytes.NewReader(data))
		if perr != nil && !isKind(perr) {
			t.Fatalf("Probe error of no known kind: %v", perr)
		}
		img, err := Decode(bytes.NewReader(data), Options{MaxPixels: fuzzMaxPixels, KeepMetadata: true})
		img2, err2 := DecodeBytes(data, Options{MaxPixels: fuzzMaxPixels, KeepMetadata: true})
		if (err == nil) != (err2 == nil) || (err == nil && img.Pixels.Bounds() != img2.Pixels.Bounds()) {
			t.Fatalf("Decode and DecodeBytes disagree: %v / %v", err, err2)
		}
		if err != nil {
			if !isKind(err) {
				t.Fatalf("Decode error of no known kind: %v", err)
			}
			return
		}
		if perr != nil {
			t.Fatalf("Decode succeeded where Probe failed: %v", perr)
		}
		b := img.Pixels.Bounds()
		if b.Empty() || int64(b.Dx())*int64(b.Dy()) > fuzzMaxPixels {
			t.Fatalf("decoded %v beyond the limit (header said %dx%d)", b, cfg.Width, cfg.Height)
		}
	})
}

func isKind(err error) bool {
	return errors.Is(err, ErrCorrupt) || errors.Is(err, ErrNotImage) || errors.Is(err, ErrEmpty) || errors.Is(err, ErrUnsupported) || errors.Is(err, ErrAnimated) || errors.Is(err, ErrTooLarge)
}
