package preview

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"imageconverter/converter"
	"imageconverter/converter/autoquality"
	"imageconverter/converter/encode"
)

// Request is one encode of an open photo.
type Request struct {
	Format  string // "webp" or "avif"
	Preset  string // "smallest", "balanced", "best" or "auto" ("" = balanced); sets the effort, and the quality unless Quality is set
	Quality int    // 1–100; 0 takes the preset's
	// Draft encodes only Part (the part on screen, in picture pixels; empty = the whole picture): at
	// full resolution when it holds at most Config.DraftPixels, else from a copy of the picture
	// shrunk to that size. The whole picture's size is then estimated.
	Draft bool
	Part  image.Rectangle
}

// Result is what an encode gave.
type Result struct {
	// Stale: a newer request for the same photo (of the same kind, draft or full) replaced this one
	// before it finished; there is nothing to show.
	Stale bool
	// Image is the URL path of the encoder's output decoded back, as PNG; it covers Part of the
	// picture (the whole picture for a full encode).
	Image string
	Part  image.Rectangle
	// Bytes is the size of the whole picture encoded: exact after a full encode; for a draft, estimated
	// from how the part's size changed since the last full encode (Estimate set; 0 while unknown).
	Bytes    int64
	Estimate bool
	// SourceBytes is the size of the photo's file, for the saving.
	SourceBytes int64
	// Quality and Effort are the encoder settings used (the preset's, or the quality asked for).
	Quality, Effort int
	Elapsed         time.Duration
	gen             int
	draft           bool
}

// session is one open photo.
type session struct {
	token, path string
	opts        converter.Options // the conversion's options the photo was opened with
	pixels      int64             // width × height, for the store's budget
	used        time.Time         // guarded by Store.mu

	full, draft lane
	prepMu      sync.Mutex // one decode at a time
	autoMu      sync.Mutex // one automatic-quality search at a time

	mu       sync.Mutex // guards what follows
	prep     *converter.Prepared
	format   encode.Format
	display  image.Image // the original in sRGB when prep's pixels keep a colour profile
	overview *shrunk     // the whole picture at draft size, made on the first draft that needs it
	outputs  []output    // the last encodes, oldest first (keepOutputs of each kind)
	gen      int
	lastFull *output
	sample   *image.NRGBA                // tiles from all over the picture, for estimates (mosaic)
	refs     map[int]int64               // the sample's size with a full encode's settings, by its gen
	auto     map[*converter.Prepared]int // the automatic quality of each format's prepared photo
}

// lane runs one kind of encode (full or draft) at a time; a newer request cancels the one running
// (a native WebP encode stops within milliseconds) and the requests in between are skipped.
type lane struct {
	run    sync.Mutex
	latest atomic.Int64
	cancel context.CancelFunc // of the encode running; guarded by session.mu
}

// output is one encode kept for the window to fetch.
type output struct {
	gen   int
	draft bool
	data  []byte
	part  image.Rectangle
	enc   encode.Options // Cancel unset
}

// keepOutputs of each kind are kept: the newest, and the one before it while the window may still be
// loading it.
const keepOutputs = 2

// Encode encodes the open photo of token with req's settings. A photo that cannot be encoded in that
// format (wider than WebP allows) gives a *converter.SourceError; an unknown or expired token ErrGone.
func (s *Store) Encode(ctx context.Context, token string, req Request) (Result, error) {
	ss, err := s.get(token)
	if err != nil {
		return Result{}, err
	}
	ln := &ss.full
	if req.Draft {
		ln = &ss.draft
	}
	seq := ln.latest.Add(1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ss.mu.Lock()
	if ln.cancel != nil {
		ln.cancel()
	}
	ln.cancel = cancel
	ss.mu.Unlock()

	ln.run.Lock()
	defer ln.run.Unlock()
	if ln.latest.Load() != seq || ctx.Err() != nil {
		return Result{Stale: true}, nil
	}
	start := time.Now()
	prep, err := ss.prepared(strings.ToLower(req.Format))
	if err != nil {
		return Result{}, err
	}
	quality := req.Quality
	if quality <= 0 {
		quality = -1
	}
	if quality > 100 {
		return Result{}, fmt.Errorf("preview: quality %d is out of range (1–100)", quality)
	}
	eo, err := prep.EncoderFor(req.Preset, quality)
	if err != nil {
		return Result{}, err
	}
	if strings.EqualFold(req.Preset, converter.PresetAuto) && quality < 0 {
		// The quality a conversion would choose for this photo: searched once per format, on the
		// whole prepared picture as Run does, whether this encode is a draft or not.
		if eo.Quality, err = ss.autoQuality(ctx, prep, eo); err != nil {
			if errors.Is(err, context.Canceled) {
				return Result{Stale: true}, nil
			}
			return Result{}, err
		}
	}

	pix, part := prep.Pixels, prep.Pixels.Bounds()
	if req.Draft {
		pix, part = ss.draftPixels(prep, req.Part, s.cfg.DraftPixels)
	}
	data, err := encodeBytes(ctx, pix, eo)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return Result{Stale: true}, nil
		}
		return Result{}, err
	}
	out := ss.keep(output{draft: req.Draft, data: data, part: part, enc: eo})
	res := Result{Image: urlOf(ss.token, kindOf(req.Draft), out.gen), Part: translate(part, prep.Pixels.Bounds().Min),
		Bytes: int64(len(data)), SourceBytes: prep.SourceBytes, Quality: eo.Quality, Effort: eo.Effort, gen: out.gen, draft: req.Draft}
	if req.Draft {
		res.Bytes, res.Estimate = ss.estimate(ctx, prep, eo)
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// encodeBytes runs the encoder as a conversion does, into memory.
func encodeBytes(ctx context.Context, pix image.Image, eo encode.Options) ([]byte, error) {
	eo.Cancel = ctx.Done()
	var buf bytes.Buffer
	if err := encode.Encode(&buf, pix, eo); err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, err
		}
		if errors.Is(err, encode.ErrTooLargeForWebP) {
			return nil, &converter.SourceError{Code: converter.CodeWebPTooLarge, Reason: "This picture is too large for WebP; choose AVIF or turn on resizing.", Err: err}
		}
		return nil, fmt.Errorf("preview: encode: %w", err)
	}
	return buf.Bytes(), nil
}

// prepared returns the photo decoded for format, decoding it again when the format changed (a
// conversion to WebP and one to AVIF do not hand the encoder the same pixel layout).
func (ss *session) prepared(format string) (*converter.Prepared, error) {
	ss.prepMu.Lock()
	defer ss.prepMu.Unlock()
	ss.mu.Lock()
	prep, have := ss.prep, ss.format
	ss.mu.Unlock()
	if have == encode.Format(format) {
		return prep, nil
	}
	opts := ss.opts
	opts.Format = format
	prep, err := converter.Prepare(ss.path, opts)
	if err != nil {
		return nil, err
	}
	ss.mu.Lock()
	ss.prep, ss.format = prep, prep.Encoder.Format
	ss.mu.Unlock()
	return prep, nil
}

// autoQuality is the automatic quality of prep (autoquality.Choose with eo's settings), remembered
// for the session's format.
func (ss *session) autoQuality(ctx context.Context, prep *converter.Prepared, eo encode.Options) (int, error) {
	ss.autoMu.Lock() // the draft and the full encode ask at once on opening: search once
	defer ss.autoMu.Unlock()
	ss.mu.Lock()
	q, ok := ss.auto[prep]
	ss.mu.Unlock()
	if ok {
		return q, nil
	}
	eo.Cancel = ctx.Done()
	c, err := autoquality.Choose(prep.Pixels, eo)
	if err != nil {
		return 0, err
	}
	ss.mu.Lock()
	if ss.auto == nil {
		ss.auto = map[*converter.Prepared]int{}
	}
	ss.auto[prep] = c.Quality
	ss.mu.Unlock()
	return c.Quality, nil
}

// keep records an encode under the next generation number and forgets the oldest of its kind.
func (ss *session) keep(o output) output {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.gen++
	o.gen = ss.gen
	n := 0
	for _, k := range ss.outputs {
		if k.draft == o.draft {
			n++
		}
	}
	if n >= keepOutputs {
		for i, k := range ss.outputs {
			if k.draft == o.draft {
				ss.outputs = append(ss.outputs[:i:i], ss.outputs[i+1:]...)
				break
			}
		}
	}
	ss.outputs = append(ss.outputs, o)
	if !o.draft {
		last := o
		ss.lastFull = &last
		ss.refs = nil // estimates are relative to the newest full encode
	}
	return o
}

// output returns a kept encode.
func (ss *session) output(draft bool, gen int) (output, bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for _, o := range ss.outputs {
		if o.gen == gen && o.draft == draft {
			return o, true
		}
	}
	return output{}, false
}

// estimate is the whole picture's size with a draft's settings: the last full encode's size, scaled by
// how much a sample of the picture (full-resolution tiles from all over it, see mosaic) grew or
// shrank between that encode's settings and these. The sample's size with the full encode's settings
// is encoded once and remembered. Scaling from the part on screen instead would follow what is on
// screen (a zoomed-in sky), and from the shrunk copy would miss the fine detail a quality change
// mostly acts on.
func (ss *session) estimate(ctx context.Context, prep *converter.Prepared, eo encode.Options) (int64, bool) {
	ss.mu.Lock()
	var full output
	if ss.lastFull != nil {
		full = *ss.lastFull
	}
	ss.mu.Unlock()
	if full.gen == 0 || full.enc.Format != eo.Format || full.enc.Lossless != eo.Lossless {
		return 0, true // nothing to scale from yet (the first full encode is still running)
	}
	if sameSettings(full.enc, eo) {
		return int64(len(full.data)), false // the full encode with these very settings
	}
	sample := ss.sampleOf(prep)
	ss.mu.Lock()
	ref, ok := ss.refs[full.gen]
	ss.mu.Unlock()
	if !ok {
		data, err := encodeBytes(ctx, sample, full.enc)
		if err != nil {
			return 0, true
		}
		ref = int64(len(data))
		ss.mu.Lock()
		if ss.lastFull != nil && ss.lastFull.gen == full.gen {
			ss.refs = map[int]int64{full.gen: ref}
		}
		ss.mu.Unlock()
	}
	data, err := encodeBytes(ctx, sample, eo)
	if err != nil || ref <= 0 {
		return 0, true
	}
	return int64(float64(len(full.data)) * float64(len(data)) / float64(ref)), true
}

// sampleOf is the photo's estimation sample, made once (pixel values do not depend on the format).
func (ss *session) sampleOf(prep *converter.Prepared) *image.NRGBA {
	ss.mu.Lock()
	m := ss.sample
	ss.mu.Unlock()
	if m == nil {
		m = mosaic(prep.Pixels, sampleTile, sampleGrid)
		ss.mu.Lock()
		ss.sample = m
		ss.mu.Unlock()
	}
	return m
}

// The estimation sample: up to 4×4 tiles of 128×128 pixels (a quarter megapixel), aligned to the
// encoders' 16-pixel blocks.
const (
	sampleTile = 128
	sampleGrid = 4
)

// sameSettings reports whether two encodes of the same pixels give the same bytes.
func sameSettings(a, b encode.Options) bool {
	return a.Format == b.Format && a.Quality == b.Quality && a.Effort == b.Effort && a.Lossless == b.Lossless
}

// draftPixels is the part of the picture a draft encodes and the rectangle it covers: the part itself
// at full resolution when small enough, else the matching part of the shrunk copy.
func (ss *session) draftPixels(prep *converter.Prepared, want image.Rectangle, budget int) (image.Image, image.Rectangle) {
	b := prep.Pixels.Bounds()
	r := want.Add(b.Min).Intersect(b)
	if r.Empty() {
		r = b
	}
	if r.Dx()*r.Dy() <= budget {
		return crop(prep.Pixels, r), r
	}
	ov := ss.shrunkCopy(prep, budget)
	k := ov.factor
	rel := r.Sub(b.Min)
	sr := image.Rect(rel.Min.X/k, rel.Min.Y/k, ceilDiv(rel.Max.X, k), ceilDiv(rel.Max.Y, k)).Intersect(ov.img.Bounds())
	covered := image.Rect(sr.Min.X*k, sr.Min.Y*k, sr.Max.X*k, sr.Max.Y*k).Add(b.Min).Intersect(b)
	return crop(ov.img, sr), covered
}

// shrunkCopy is the whole picture shrunk to at most budget pixels, made once per photo (the pixel
// values are the same whichever format the photo was decoded for).
func (ss *session) shrunkCopy(prep *converter.Prepared, budget int) *shrunk {
	ss.mu.Lock()
	ov := ss.overview
	ss.mu.Unlock()
	if ov != nil {
		return ov
	}
	ov = shrink(prep.Pixels, budget)
	ss.mu.Lock()
	ss.overview = ov
	ss.mu.Unlock()
	return ov
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

func translate(r image.Rectangle, origin image.Point) image.Rectangle { return r.Sub(origin) }
