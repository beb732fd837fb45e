package preview

import (
	"context"
	"errors"
	"image"
	"image/color"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"imageconverter/converter"
	"imageconverter/converter/decode"
)

func TestAPhotoThatCannotBePreviewedSaysWhy(t *testing.T) {
	dir := t.TempDir()
	s := New(Config{})
	for name, want := range map[string]converter.Code{
		"bad_not_image.jpg": converter.CodeNotImage,
		"bad_truncated.jpg": converter.CodeCorrupt,
		"bad_empty.jpg":     converter.CodeEmpty,
		"gif_animated.gif":  converter.CodeAnimated,
	} {
		_, err := s.Open(testdata(t, dir, name), converter.DefaultOptions())
		var se *converter.SourceError
		if !errors.As(err, &se) {
			t.Errorf("%s: %v, want a SourceError", name, err)
			continue
		}
		if se.Code != want || se.Reason == "" {
			t.Errorf("%s: code %q reason %q, want %q and a sentence", name, se.Code, se.Reason, want)
		}
	}
	_, err := s.Open(filepath.Join(dir, "missing.jpg"), converter.DefaultOptions())
	var se *converter.SourceError
	if !errors.As(err, &se) || se.Code != converter.CodeNotFound {
		t.Errorf("missing file: %v", err)
	}
	if _, err := s.Open(dir, converter.DefaultOptions()); !errors.As(err, &se) || se.Code != converter.CodeNotImage {
		t.Errorf("a folder: %v", err)
	}
	if n := s.OpenCount(); n != 0 {
		t.Errorf("%d photos kept after failures", n)
	}
}

func TestOldPhotosAreDroppedToBoundMemory(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for i := range 3 {
		p := filepath.Join(dir, string(rune('a'+i))+".jpg")
		writeJPEG(t, p, syntheticPhoto(200, 100, int64(i)), 85) // 20 000 pixels each
		paths = append(paths, p)
	}
	c := &clock{t: time.Now()}
	open := func(s *Store, p string) Info {
		c.t = c.t.Add(time.Second)
		info, err := s.Open(p, converter.DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		return info
	}
	alive := func(s *Store, info Info) bool {
		return get(s, http.MethodGet, info.Original).Code == http.StatusOK
	}

	// By count: the least recently used goes.
	s := New(Config{MaxPhotos: 2, Now: c.now})
	a, b := open(s, paths[0]), open(s, paths[1])
	c.t = c.t.Add(time.Second)
	if !alive(s, a) { // a is now used more recently than b
		t.Fatal("a gone too early")
	}
	cc := open(s, paths[2])
	if !alive(s, a) || alive(s, b) || !alive(s, cc) {
		t.Errorf("with room for two: a %v b %v c %v, want b dropped", alive(s, a), alive(s, b), alive(s, cc))
	}

	// By pixels: two photos of 20 000 pixels do not fit in 30 000; the newest stays even alone.
	s = New(Config{MaxPhotos: 5, PixelBudget: 30_000, Now: c.now})
	a, b = open(s, paths[0]), open(s, paths[1])
	if alive(s, a) || !alive(s, b) || s.OpenCount() != 1 {
		t.Errorf("pixel budget: a %v b %v, %d open", alive(s, a), alive(s, b), s.OpenCount())
	}
	s = New(Config{PixelBudget: 10_000, Now: c.now})
	if a = open(s, paths[0]); !alive(s, a) {
		t.Error("a photo above the whole budget must still open, alone")
	}
}

// Drafts: the part on screen at full resolution when it is small, the shrunk copy when it is not; the
// size of the whole is exact when a full encode had the same settings, and estimated otherwise.
func TestDraftsAndTheirEstimates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "photo.jpg")
	writeJPEG(t, path, syntheticPhoto(1200, 900, 4), 90)
	s := New(Config{DraftPixels: 60_000})
	info, err := s.Open(path, converter.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	full := mustEncode(t, s, info.Token, Request{Format: "webp", Quality: 80})

	part := image.Rect(400, 300, 640, 480) // 43 200 pixels: at full resolution
	d := mustEncode(t, s, info.Token, Request{Format: "webp", Quality: 80, Draft: true, Part: part})
	if d.Part != part {
		t.Errorf("draft covers %v, want %v", d.Part, part)
	}
	decodePNG(t, get(s, http.MethodGet, d.Image), 240, 180)
	if d.Bytes != full.Bytes || d.Estimate {
		t.Errorf("same settings as the full encode: %d bytes (estimate %v), want exactly %d", d.Bytes, d.Estimate, full.Bytes)
	}

	// The whole picture (1.08 MP) is drafted from a copy shrunk 5 times (240×180).
	whole := mustEncode(t, s, info.Token, Request{Format: "webp", Quality: 30, Draft: true})
	if whole.Part != image.Rect(0, 0, 1200, 900) {
		t.Errorf("whole-picture draft covers %v", whole.Part)
	}
	decodePNG(t, get(s, http.MethodGet, whole.Image), 240, 180)
	partDraft := mustEncode(t, s, info.Token, Request{Format: "webp", Quality: 30, Draft: true, Part: part})

	// Both estimate quality 30 near what a full encode at 30 really gives.
	real30 := mustEncode(t, s, info.Token, Request{Format: "webp", Quality: 30})
	for name, est := range map[string]Result{"whole, shrunk": whole, "part": partDraft} {
		if !est.Estimate || est.Bytes <= 0 || est.Bytes >= full.Bytes {
			t.Fatalf("%s: quality 30 estimated at %d bytes (estimate %v); quality 80 was %d", name, est.Bytes, est.Estimate, full.Bytes)
		}
		if r := float64(est.Bytes) / float64(real30.Bytes); r < 0.8 || r > 1.25 {
			t.Errorf("%s: estimate %d bytes, a full encode gives %d (ratio %.2f)", name, est.Bytes, real30.Bytes, r)
		}
	}
	// In another format there is nothing to scale from until its first full encode.
	if a := mustEncode(t, s, info.Token, Request{Format: "avif", Draft: true, Part: part}); a.Bytes != 0 || !a.Estimate {
		t.Errorf("AVIF draft before any AVIF full encode: %d bytes (estimate %v)", a.Bytes, a.Estimate)
	}
}

func mustEncode(t *testing.T, s *Store, token string, req Request) Result {
	t.Helper()
	r, err := s.Encode(context.Background(), token, req)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// A slider sends requests faster than a 12 MP photo encodes: the one waiting when a newer one arrives
// is skipped (Stale) and only the newest runs.
func TestANewerRequestReplacesTheWaitingOne(t *testing.T) {
	s, info, _ := openPhoto(t, Config{})
	ss, err := s.get(info.Token)
	if err != nil {
		t.Fatal(err)
	}
	ss.full.run.Lock() // an encode is running
	results := make(chan Result, 2)
	send := func(q int) {
		go func() {
			r, err := s.Encode(context.Background(), info.Token, Request{Format: "webp", Quality: q})
			if err != nil {
				t.Error(err)
			}
			results <- r
		}()
	}
	send(40)
	waitFor(t, func() bool { return ss.full.latest.Load() == 1 })
	send(60)
	waitFor(t, func() bool { return ss.full.latest.Load() == 2 })
	ss.full.run.Unlock()
	a, b := <-results, <-results
	if a.Stale == b.Stale {
		t.Fatalf("stale: %v and %v, want exactly one", a.Stale, b.Stale)
	}
	done := a
	if a.Stale {
		done = b
	}
	if done.Quality != 60 {
		t.Errorf("the encode that ran had quality %d, want the newest (60)", done.Quality)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for start := time.Now(); !cond(); time.Sleep(time.Millisecond) {
		if time.Since(start) > 5*time.Second {
			t.Fatal("timed out")
		}
	}
}

// Switching format decodes the photo for it (the encoder gets the layout a conversion would give it);
// WebP's limit of 16 383 pixels on a side is a reason, not a failure of the app.
func TestTooWideForWebPIsAReason(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "pano.jpg")
	writeJPEG(t, p, syntheticPhoto(16400, 8, 3), 80)
	s := New(Config{})
	info, err := s.Open(p, converter.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Encode(context.Background(), info.Token, Request{Format: "webp"})
	var se *converter.SourceError
	if !errors.As(err, &se) || se.Code != converter.CodeWebPTooLarge {
		t.Fatalf("WebP of a 16400-pixel panorama: %v", err)
	}
	if r := mustEncode(t, s, info.Token, Request{Format: "avif"}); r.Bytes <= 0 {
		t.Errorf("AVIF of the panorama: %+v", r)
	}
}

func TestShrinkAveragesBlocksWithAlpha(t *testing.T) {
	src := image.NewNRGBA(image.Rect(0, 0, 4, 2))
	set := func(x, y int, c color.NRGBA) { src.SetNRGBA(x, y, c) }
	// Left block: two red, two blue, all opaque → purple. Right block: one opaque green pixel and three
	// fully transparent black ones → green (transparent pixels have no colour), a quarter opaque.
	set(0, 0, color.NRGBA{255, 0, 0, 255})
	set(1, 0, color.NRGBA{255, 0, 0, 255})
	set(0, 1, color.NRGBA{0, 0, 255, 255})
	set(1, 1, color.NRGBA{0, 0, 255, 255})
	set(2, 0, color.NRGBA{0, 200, 0, 255})
	got := shrink(src, 2)
	if got.factor != 2 || got.img.Bounds() != image.Rect(0, 0, 2, 1) {
		t.Fatalf("factor %d, bounds %v", got.factor, got.img.Bounds())
	}
	if c := got.img.NRGBAAt(0, 0); c != (color.NRGBA{128, 0, 128, 255}) {
		t.Errorf("opaque block: %v", c)
	}
	if c := got.img.NRGBAAt(1, 0); c != (color.NRGBA{0, 200, 0, 64}) {
		t.Errorf("block with transparency: %v", c)
	}

	// The same through the 3-byte layout a JPEG comes in, and premultiplied RGBA.
	rgb := &decode.RGB{Pix: []byte{10, 20, 30, 30, 40, 50, 50, 60, 70, 70, 80, 90}, Stride: 6, Rect: image.Rect(0, 0, 2, 2)}
	if c := shrink(rgb, 1).img.NRGBAAt(0, 0); c != (color.NRGBA{40, 50, 60, 255}) {
		t.Errorf("RGB: %v", c)
	}
	pm := image.NewRGBA(image.Rect(0, 0, 2, 1))
	pm.SetRGBA(0, 0, color.RGBA{100, 0, 0, 128}) // straight (199, 0, 0) at half alpha
	pm.SetRGBA(1, 0, color.RGBA{0, 0, 0, 0})
	if c := shrink(pm, 1).img.NRGBAAt(0, 0); c.R < 198 || c.R > 200 || c.A != 64 {
		t.Errorf("premultiplied: %v", c)
	}
}
