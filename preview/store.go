// Package preview shows what a conversion would make of one photo without converting anything: the
// compare view's engine. A photo is opened once (decoded, oriented, colour-managed and resized by the
// converter's own code, converter.Prepare), then encoded again for every format and quality the user
// tries. A full encode gives exactly the bytes a conversion of that photo alone would write (the
// tests compare the files); a draft encodes only the part on screen, or a small copy of the whole
// picture, so a quality slider being dragged gets an answer in a fraction of a second.
//
// Nothing is written to disk. The pictures the window shows — the original and the encoder's output
// decoded back — are served as PNG by Store.ServeHTTP under /preview/<token>/, because the web view
// cannot be relied on to show AVIF. Tokens are random, expire when unused, and the store keeps only a
// few photos (Config), so memory stays bounded however many photos are compared.
//
// # Measured
//
// A 12-megapixel camera JPEG (4000×3000, 2.0 MB; a real photo resized with ImageMagick), on the
// 2-core development machine while other work ran (BenchmarkPreview12MP, go test -bench . ./preview):
//
//	                                   WebP balanced   AVIF balanced
//	open (decode)                          0.10 s          0.10 s
//	full encode, 12 MP                     1.1 s           1.6 s
//	  + its PNG (decode back, serve)       0.25 s          0.25 s
//	draft: the part on screen (≤1 MP)      0.08 s          0.25 s
//	draft: the whole, downscaled to 1 MP   0.08 s          0.25 s
//
// So the slider answers within about a quarter of a second while it moves, and the exact full-size
// result follows about 1.5 s after it stops. docs/compare.md has the figures in full.
package preview

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"image"
	"path/filepath"
	"sync"
	"time"

	"imageconverter/converter"
)

// Defaults of Config.
const (
	// DefaultMaxPhotos: the compare view shows one photo; one more lets the next open before the
	// previous one is closed.
	DefaultMaxPhotos = 2
	// DefaultPixelBudget bounds the pixels held by all open photos (about 4 bytes each, plus a copy
	// for the one being encoded): two 24 MP photos, or one larger photo alone.
	DefaultPixelBudget = 50_000_000
	// DefaultIdle: a photo nobody has looked at for this long is dropped; its token stops working.
	DefaultIdle = 10 * time.Minute
	// DefaultDraftPixels is the size of a draft: about a screen's worth, encoded in a quarter second.
	DefaultDraftPixels = 1_000_000
)

// ErrGone is returned for a token that is unknown, expired or closed: the photo must be opened again.
var ErrGone = errors.New("preview: this preview is no longer open")

// Config bounds the store. Zero values take the defaults.
type Config struct {
	MaxPhotos   int           // photos kept open at once (DefaultMaxPhotos)
	PixelBudget int64         // pixels kept across open photos; the newest is kept even alone above it
	Idle        time.Duration // unused for this long, a photo is dropped (DefaultIdle)
	DraftPixels int           // at most this many pixels per draft (DefaultDraftPixels)
	Now         func() time.Time
}

// Store holds the open photos. Its methods are safe for concurrent use.
type Store struct {
	cfg Config

	mu     sync.Mutex
	photos map[string]*session // by token
}

// New returns an empty store.
func New(cfg Config) *Store {
	if cfg.MaxPhotos <= 0 {
		cfg.MaxPhotos = DefaultMaxPhotos
	}
	if cfg.PixelBudget <= 0 {
		cfg.PixelBudget = DefaultPixelBudget
	}
	if cfg.Idle <= 0 {
		cfg.Idle = DefaultIdle
	}
	if cfg.DraftPixels <= 0 {
		cfg.DraftPixels = DefaultDraftPixels
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Store{cfg: cfg, photos: map[string]*session{}}
}

// Info describes an opened photo.
type Info struct {
	Token string
	Path  string
	Name  string // the file's name
	// SourceBytes is the size of the file; SourceWidth/SourceHeight its stored dimensions.
	SourceBytes               int64
	SourceWidth, SourceHeight int
	// Width/Height are the compared pixels: after orientation and the resize settings.
	Width, Height int
	// Resized: the resize settings made the picture smaller than the source.
	Resized bool
	// Original is the URL path of the original as PNG (what the encoder reads, in sRGB).
	Original string
}

// Open decodes path the way a conversion with opts would and keeps it for Encode. opts are the
// conversion's options: format, resize and metadata settings shape what is encoded; output folder,
// existing-file policy and the like do not matter. A photo that cannot be read gives a
// *converter.SourceError (its Code and Reason say why: damaged, not a picture…).
func (s *Store) Open(path string, opts converter.Options) (Info, error) {
	prep, err := converter.Prepare(path, opts)
	if err != nil {
		return Info{}, err
	}
	token, err := newToken()
	if err != nil {
		return Info{}, err
	}
	b := prep.Pixels.Bounds()
	ss := &session{token: token, path: path, opts: opts, prep: prep, format: prep.Encoder.Format,
		pixels: int64(b.Dx()) * int64(b.Dy()), used: s.cfg.Now()}
	s.mu.Lock()
	s.photos[token] = ss
	s.evictLocked(token)
	s.mu.Unlock()

	w, h := b.Dx(), b.Dy()
	return Info{
		Token: token, Path: path, Name: filepath.Base(path), SourceBytes: prep.SourceBytes,
		SourceWidth: prep.SourceWidth, SourceHeight: prep.SourceHeight, Width: w, Height: h,
		Resized:  !(w == prep.SourceWidth && h == prep.SourceHeight) && !(w == prep.SourceHeight && h == prep.SourceWidth),
		Original: urlOf(token, nameOriginal, 0),
	}, nil
}

// Close drops a photo (the compare view was closed). An unknown token is ignored.
func (s *Store) Close(token string) {
	s.mu.Lock()
	delete(s.photos, token)
	s.mu.Unlock()
}

// Open reports how many photos are open (for tests and the about panel).
func (s *Store) OpenCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expireLocked()
	return len(s.photos)
}

// get returns the open photo of token and marks it used.
func (s *Store) get(token string) (*session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expireLocked()
	ss := s.photos[token]
	if ss == nil {
		return nil, ErrGone
	}
	ss.used = s.cfg.Now()
	return ss, nil
}

// expireLocked drops photos unused for longer than Idle.
func (s *Store) expireLocked() {
	now := s.cfg.Now()
	for tok, ss := range s.photos {
		if now.Sub(ss.used) > s.cfg.Idle {
			delete(s.photos, tok)
		}
	}
}

// evictLocked drops the least recently used photos (never keep) until the count and pixel bounds hold.
func (s *Store) evictLocked(keep string) {
	s.expireLocked()
	for {
		var total int64
		var oldest *session
		for _, ss := range s.photos {
			total += ss.pixels
			if ss.token != keep && (oldest == nil || ss.used.Before(oldest.used)) {
				oldest = ss
			}
		}
		if oldest == nil || (len(s.photos) <= s.cfg.MaxPhotos && total <= s.cfg.PixelBudget) {
			return
		}
		delete(s.photos, oldest.token)
	}
}

// newToken is 128 random bits in hex: unguessable, and safe in a URL path.
func newToken() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

// bounds is the compared picture's rectangle.
func (ss *session) bounds() image.Rectangle {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.prep.Pixels.Bounds()
}
