package preview

import (
	"context"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"imageconverter/converter"
)

// clock is a settable time for expiry tests.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// openPhoto opens a 300×200 synthetic JPEG in a store with a settable clock.
func openPhoto(t *testing.T, cfg Config) (*Store, Info, *clock) {
	t.Helper()
	c := &clock{t: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	cfg.Now = c.now
	s := New(cfg)
	path := filepath.Join(t.TempDir(), "photo.jpg")
	writeJPEG(t, path, syntheticPhoto(300, 200, 2), 90)
	info, err := s.Open(path, converter.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	return s, info, c
}

func get(h http.Handler, method, target string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	return rec
}

// decodePNG checks that an answer is a PNG of the given size.
func decodePNG(t *testing.T, rec *httptest.ResponseRecorder, w, h int) image.Image {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", rec.Code, rec.Body.String())
	}
	if ct := rec.Header().Get("Content-Type"); ct != "image/png" {
		t.Fatalf("Content-Type %q", ct)
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q: a photo of tens of megabytes must not stay in the web view's cache", cc)
	}
	img, err := png.Decode(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Fatalf("PNG is %dx%d, want %dx%d", b.Dx(), b.Dy(), w, h)
	}
	return img
}

func TestServesTheOriginalAndTheEncodedPictures(t *testing.T) {
	s, info, _ := openPhoto(t, Config{})
	orig := decodePNG(t, get(s, http.MethodGet, info.Original), 300, 200)

	res, err := s.Encode(context.Background(), info.Token, Request{Format: "avif", Preset: "smallest"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.Image, Prefix+info.Token+"/full-") {
		t.Fatalf("full encode served at %q", res.Image)
	}
	conv := decodePNG(t, get(s, http.MethodGet, res.Image), 300, 200)
	// The converted picture is the encoder's output decoded back: close to the original, not equal.
	if d := meanDiff(orig, conv); d == 0 || d > 12 {
		t.Errorf("mean difference between the original and AVIF 'smallest' is %.2f; want a small, non-zero loss", d)
	}

	// HEAD answers the headers without making the picture.
	if rec := get(s, http.MethodHead, res.Image); rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Errorf("HEAD: %d with %d bytes", rec.Code, rec.Body.Len())
	}
}

func TestUnknownExpiredAndForgedAddressesAreNotFound(t *testing.T) {
	s, info, clk := openPhoto(t, Config{Idle: time.Minute})
	res, err := s.Encode(context.Background(), info.Token, Request{Format: "webp"})
	if err != nil {
		t.Fatal(err)
	}
	draft, err := s.Encode(context.Background(), info.Token, Request{Format: "webp", Draft: true, Part: image.Rect(0, 0, 50, 50)})
	if err != nil {
		t.Fatal(err)
	}
	for _, ok := range []string{info.Original, res.Image, draft.Image} {
		if rec := get(s, http.MethodGet, ok); rec.Code != http.StatusOK {
			t.Fatalf("%s: %d before anything expired", ok, rec.Code)
		}
	}
	other := strings.Repeat("0", 32)
	tok := info.Token
	for _, target := range []string{
		Prefix + other + "/original.png",                // a token never given out
		Prefix + tok + "/full-99.png",                   // an encode that never happened
		urlOf(tok, nameDraft, res.gen),                  // a full's number as a draft
		Prefix + tok + "/original.jpg",                  // a name not served
		Prefix + tok + "/../../../../etc/passwd",        // path traversal, plain
		Prefix + tok + "/..%2f..%2f..%2fetc%2fpasswd",   // and encoded
		Prefix + "..%2f" + tok + "/original.png",        //
		Prefix + tok + "/original.png/../../photo.jpg",  //
		Prefix + strings.ToUpper(tok) + "/original.png", // tokens are lower-case hex, exactly
		Prefix + tok[:31] + "/original.png",             //
		Prefix + tok + "/full-0.png",                    //
		"/preview/" + tok,                               //
		"/etc/passwd",                                   //
		Prefix + tok + "/original.png%00.txt",           //
	} {
		rec := get(s, http.MethodGet, target)
		if rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", target, rec.Code)
		}
		if strings.Contains(rec.Body.String(), "root:") {
			t.Errorf("GET %s served a file from disk", target)
		}
	}
	if rec := get(s, http.MethodPost, info.Original); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d, want 405", rec.Code)
	}

	// Unused for longer than Idle: the token stops working, and the photo is let go.
	clk.t = clk.t.Add(time.Minute + time.Second)
	for _, gone := range []string{info.Original, res.Image} {
		if rec := get(s, http.MethodGet, gone); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s after expiry: %d, want 404", gone, rec.Code)
		}
	}
	if _, err := s.Encode(context.Background(), info.Token, Request{Format: "webp"}); err != ErrGone {
		t.Errorf("Encode after expiry: %v, want ErrGone", err)
	}
	if n := s.OpenCount(); n != 0 {
		t.Errorf("%d photos still held after expiry", n)
	}
}

// Looking at a photo keeps it open: each request counts as use.
func TestUseKeepsAPhotoOpen(t *testing.T) {
	s, info, clk := openPhoto(t, Config{Idle: time.Minute})
	for range 3 {
		clk.t = clk.t.Add(50 * time.Second)
		if rec := get(s, http.MethodGet, info.Original); rec.Code != http.StatusOK {
			t.Fatalf("in use but gone: %d", rec.Code)
		}
	}
}

func TestClosedPhotoIsGone(t *testing.T) {
	s, info, _ := openPhoto(t, Config{})
	s.Close(info.Token)
	if rec := get(s, http.MethodGet, info.Original); rec.Code != http.StatusNotFound {
		t.Errorf("closed photo still served: %d", rec.Code)
	}
}

// meanDiff is the mean absolute difference of the RGB channels, 0–255.
func meanDiff(a, b image.Image) float64 {
	r := a.Bounds()
	var sum, n float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ar, ag, ab, _ := a.At(x, y).RGBA()
			br, bg, bb, _ := b.At(x, y).RGBA()
			sum += absDiff(ar, br) + absDiff(ag, bg) + absDiff(ab, bb)
			n += 3
		}
	}
	return sum / n / 257
}

func absDiff(a, b uint32) float64 {
	if a > b {
		return float64(a - b)
	}
	return float64(b - a)
}
