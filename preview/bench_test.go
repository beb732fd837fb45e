package preview

import (
	"context"
	"image"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"imageconverter/converter"
)

// photo12MP is a 12-megapixel JPEG for the latency benchmarks: $IC_PREVIEW_PHOTO, or one ImageMagick
// makes (4000×3000; a real camera photo gives more honest numbers, see docs/compare.md).
func photo12MP(b *testing.B) string {
	if p := os.Getenv("IC_PREVIEW_PHOTO"); p != "" {
		return p
	}
	p := filepath.Join(b.TempDir(), "photo12.jpg")
	cmd := exec.Command("convert", "-size", "4000x3000", "-seed", "12", "plasma:fractal", "-blur", "0x1", "-quality", "92", p)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Skipf("ImageMagick could not make the test photo (%v): %s", err, out)
	}
	return p
}

// fetch reads a served picture to the end, as the web view does.
func fetch(b *testing.B, s *Store, url string) {
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, url, nil))
	if rec.Code != http.StatusOK {
		b.Fatalf("GET %s: %d", url, rec.Code)
	}
	_, _ = io.Copy(io.Discard, rec.Body)
}

// BenchmarkPreview12MP measures what the compare view waits for with a 12 MP photo: opening it and
// its first picture (a draft of the whole, then the exact full encode), a full re-encode when the
// slider stops, and a draft while it moves (the part on screen at 100 %, or the whole picture
// shrunk). Each draft includes the estimate of the whole picture's size. est/real is that estimate
// against the full encode's real size.
//
//	IC_PREVIEW_PHOTO=$PWD/photo12.jpg go test -run - -bench Preview12MP -benchtime 5x ./preview
func BenchmarkPreview12MP(b *testing.B) {
	path := photo12MP(b)
	screen := image.Rect(1500, 1100, 2500, 1700) // a 1000×600 window at 100 %
	for _, format := range []string{"webp", "avif"} {
		opts := converter.DefaultOptions()
		opts.Format = format
		b.Run(format+"/first-draft", func(b *testing.B) {
			for b.Loop() {
				s := New(Config{})
				info, err := s.Open(path, opts)
				if err != nil {
					b.Fatal(err)
				}
				r := mustEncodeB(b, s, info.Token, Request{Format: format, Draft: true})
				fetch(b, s, r.Image)
			}
		})
		b.Run(format+"/first-full", func(b *testing.B) {
			for b.Loop() {
				s := New(Config{})
				info, err := s.Open(path, opts)
				if err != nil {
					b.Fatal(err)
				}
				r := mustEncodeB(b, s, info.Token, Request{Format: format})
				fetch(b, s, r.Image)
				fetch(b, s, info.Original)
			}
		})

		s := New(Config{})
		info, err := s.Open(path, opts)
		if err != nil {
			b.Fatal(err)
		}
		mustEncodeB(b, s, info.Token, Request{Format: format}) // the full encode drafts are scaled from
		b.Run(format+"/open", func(b *testing.B) {
			for b.Loop() {
				if _, err := New(Config{}).Open(path, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(format+"/original-png", func(b *testing.B) {
			for b.Loop() {
				fetch(b, s, info.Original)
			}
		})
		q := 0
		next := func() int { q = 30 + (q+7)%60; return q } // a slider moving: every encode a new quality
		b.Run(format+"/full-reencode", func(b *testing.B) {
			for b.Loop() {
				r := mustEncodeB(b, s, info.Token, Request{Format: format, Quality: next()})
				fetch(b, s, r.Image)
			}
		})
		mustEncodeB(b, s, info.Token, Request{Format: format})
		for _, d := range []struct {
			name string
			part image.Rectangle
		}{{"draft-screen-100%", screen}, {"draft-whole-shrunk", image.Rectangle{}}} {
			b.Run(format+"/"+d.name, func(b *testing.B) {
				var ratio float64
				var n int
				for b.Loop() {
					quality := next()
					r := mustEncodeB(b, s, info.Token, Request{Format: format, Quality: quality, Draft: true, Part: d.part})
					fetch(b, s, r.Image)
					b.StopTimer()
					real := mustEncodeB(b, s, info.Token, Request{Format: format, Quality: quality})
					ratio += float64(r.Bytes) / float64(real.Bytes)
					n++
					mustEncodeB(b, s, info.Token, Request{Format: format}) // back to the preset's full encode
					b.StartTimer()
				}
				b.ReportMetric(ratio/float64(n), "est/real")
			})
		}
	}
}

func mustEncodeB(b *testing.B, s *Store, token string, req Request) Result {
	r, err := s.Encode(context.Background(), token, req)
	if err != nil {
		b.Fatal(err)
	}
	if r.Stale {
		b.Fatal("stale")
	}
	return r
}
