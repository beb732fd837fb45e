package converter

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"

	"imageconverter/converter/autoquality"
	"imageconverter/converter/decode"
	"imageconverter/converter/encode"
	"imageconverter/converter/resize"
	"imageconverter/functions/wire"
)

// readWholeLimit: sources up to this size are read into memory in one go (one syscall burst, and the
// decoder seeks in memory); larger ones are decoded from the open file.
const readWholeLimit = 256 << 20

// Run converts tasks (usually a Plan's Tasks, or a prefix of them) with opts.Workers workers and a pixel
// budget, calling onProgress (may be nil) at most every ProgressInterval and once at the end. It
// returns when every task has a result. After ctx is cancelled no new file is started, files in flight
// are discarded (no output, no temporary file; a native WebP encode is stopped mid-file, an AVIF one
// is waited for) and the rest are reported as cancelled. The error is
// only for invalid options.
func Run(ctx context.Context, tasks []Task, opts Options, onProgress func(Progress)) (Summary, error) {
	o, err := opts.normalized()
	if err != nil {
		return Summary{}, err
	}
	mallocOnce.Do(tuneMalloc)
	start := time.Now()
	r := &runner{
		opts: o,
		fs:   o.fs,
		sem:  semaphore.NewWeighted(o.PixelBudget),
	}
	var total int64
	for _, t := range tasks {
		total += t.Size
	}
	tr := newTracker(len(tasks), total, onProgress)
	results := make([]FileResult, len(tasks))

	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(o.Workers, len(tasks)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				t := tasks[i]
				tr.started(i, t.Src)
				res := r.convert(ctx, t, encoderThreads(o.Workers, len(tasks)-int(r.begun.Add(1))+1))
				results[i] = res
				tr.finished(i, t.Size, res)
			}
		}()
	}
	next := 0
feed:
	for ; next < len(tasks); next++ {
		select {
		case jobs <- next:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	for i := next; i < len(tasks); i++ {
		results[i] = cancelled(tasks[i])
		tr.finished(i, tasks[i].Size, results[i])
	}
	tr.finish()

	s := Summarize(results)
	s.Backend = encode.Backend(encode.Format(o.Format))
	s.Elapsed = time.Since(start)
	return s, nil
}

// mallocOnce sets the C allocator up for long batches of large pictures, once per process.
var mallocOnce sync.Once

// Convert plans paths and runs every task: the whole batch in one call, for cmd/convert and scripts.
// The summary includes the plan's pre-decided files.
func Convert(ctx context.Context, paths []string, opts Options, onProgress func(Progress)) (Summary, *Batch, error) {
	start := time.Now()
	p, err := Plan(ctx, paths, opts)
	if err != nil {
		return Summary{}, nil, err
	}
	s, err := Run(ctx, p.Tasks, p.Options, onProgress)
	if err != nil {
		return Summary{}, p, err
	}
	s = Merge(s, p.Summary())
	s.Elapsed = time.Since(start)
	return s, p, nil
}

func cancelled(t Task) FileResult {
	return FileResult{Src: t.Src, Status: StatusCancelled, Code: CodeCancelled, Reason: "Cancelled before it was converted.", BytesIn: t.Size}
}

// encoderThreads is how many threads a file's encoder gets when it starts with `left` files (itself
// included) not yet started: the cores the workers leave over. While a queue is waiting every worker
// is busy and one thread each is the fastest; the files that start with no queue behind them (the
// tail of a batch, a one-photo drop) get the cores the finishing files are about to free, so the
// last photo is not encoded on one core while the others idle. Briefly that is more threads than
// cores, which costs little next to an idle core.
func encoderThreads(workers, left int) int {
	return max(1, runtime.NumCPU()/max(1, min(workers, left)))
}

type runner struct {
	opts  Options
	fs    outputFS
	sem   *semaphore.Weighted
	begun atomic.Int64 // files handed to a worker so far

	sweptMu sync.Mutex
	swept   map[string]bool

	inFlight atomic.Int64 // pixels currently held from the budget (observed by tests)
}

// freeAfterPixels: once the encoder has read an image at least this large, its pixels are collected and
// returned to the OS at once (cheap: the live Go heap is small apart from pixels, which hold no
// pointers). Smaller images are left to the GC's normal pacing.
const freeAfterPixels = 4_000_000

// weight is the task's share of the pixel budget: its pixel count, capped so that an image larger than
// the whole budget can still run (alone).
func (r *runner) weight(t Task) int64 {
	w := int64(t.Width) * int64(t.Height)
	if r.opts.autoQuality {
		w += autoquality.BudgetPixels // the search's sample, its encodes and their scores
	}
	return min(max(w, 1), r.opts.PixelBudget)
}

// convert runs one task to a result; it never panics the batch and never leaves a temporary file.
func (r *runner) convert(ctx context.Context, t Task, threads int) (res FileResult) {
	res = FileResult{Src: t.Src, Dst: t.Dst, BytesIn: t.Size}
	fail := func(code Code, reason string) FileResult {
		res.Status, res.Code, res.Reason, res.Dst = StatusFailed, code, reason, "" // no output was written
		return res
	}
	if ctx.Err() != nil {
		return cancelled(t)
	}
	defer func() {
		if p := recover(); p != nil { // a decoder bug on one hostile file must not end the batch
			res = fail(CodeCorrupt, fmt.Sprintf("This file could not be converted (internal error: %v).", p))
		}
	}()

	fi, err := os.Stat(t.Src)
	if err != nil {
		return fail(classify(err))
	}
	res.BytesIn = fi.Size()

	w := r.weight(t)
	if err := r.sem.Acquire(ctx, w); err != nil {
		return cancelled(t)
	}
	inflight := r.inFlight.Add(w)
	if pr := r.opts.probe; pr != nil && pr.pixelsInFlight != nil {
		pr.pixelsInFlight(inflight)
	}
	released := false
	release := func() {
		if !released {
			released = true
			r.inFlight.Add(-w)
			r.sem.Release(w)
		}
	}
	defer release()

	img, err := r.decode(t, fi.Size())
	if err != nil {
		code, reason := classify(err)
		if code == CodeAnimated { // found only now if the header probe could not tell
			res.Status, res.Code, res.Reason = StatusSkipped, code, reason
			return res
		}
		return fail(code, reason)
	}
	if pr := r.opts.probe; pr != nil && pr.decoded != nil {
		pr.decoded(img)
	}
	md := img.Meta
	pix := fitInside(img.Pixels, r.opts.MaxWidth, r.opts.MaxHeight)
	img = nil // after a resize the full-size pixels are garbage now; pix is the only reference left
	b := pix.Bounds()
	res.Width, res.Height = b.Dx(), b.Dy()
	if ctx.Err() != nil {
		return cancelled(t)
	}
	quality := r.opts.Quality
	if r.opts.autoQuality {
		c, err := autoquality.Choose(pix, encode.Options{Format: encode.Format(r.opts.Format),
			Effort: r.opts.Effort, Threads: threads, Cancel: ctx.Done()})
		switch {
		case errors.Is(err, context.Canceled) || ctx.Err() != nil:
			return cancelled(t)
		case err != nil: // the full-size encode would fail the same way; say so with its words
			return fail(CodeEncode, "The encoder failed: "+sentence(err.Error()))
		}
		quality = c.Quality
	}

	dir := filepath.Dir(t.Dst)
	if err := r.fs.MkdirAll(dir); err != nil {
		return fail(writeFailure("Could not create the output folder", err))
	}
	r.sweepOnce(dir)
	tmp, err := r.fs.CreateTemp(dir, r.opts.ext())
	if err != nil {
		return fail(writeFailure("Could not write the output", err))
	}
	committed := false
	defer func() {
		if !committed {
			tmp.abort()
		}
	}()
	cw := &countingWriter{w: tmp}
	bw := bufio.NewWriterSize(cw, 256<<10)
	eo := encode.Options{
		Format: encode.Format(r.opts.Format), Quality: quality, Lossless: r.opts.Lossless,
		Effort: r.opts.Effort, Threads: threads,
		// A cancelled run stops a native WebP encode mid-file (AVIF runs to the end of the file).
		Cancel: ctx.Done(),
	}
	if r.opts.KeepMetadata {
		eo.Meta = md
	}
	if pr := r.opts.probe; pr != nil && pr.threads != nil {
		pr.threads(t.Src, threads)
	}
	eo.PixelsRead = func() {
		// The encoder has its own YUV copy now: drop the engine's reference to the decoded pixels
		// (the only one left) so they can be freed before the long compression step, which takes
		// the peak per file from "RGBA + YUV + encoder state" to about what cwebp itself needs.
		pix = nil
		if w >= freeAfterPixels {
			// A big buffer freed only by the GC's pacing would keep the heap (and RSS) at up to twice
			// the live pixels; handing it back to the OS now keeps two workers near two cwebp processes.
			// See docs/native-libraries.md (Measured) for the figures.
			debug.FreeOSMemory()
		}
		if pr := r.opts.probe; pr != nil && pr.pixelsRead != nil {
			pr.pixelsRead()
		}
	}
	var tr targetResult
	if r.opts.TargetSize > 0 {
		tr, err = encodeToTarget(bw, pix, eo, r.opts.TargetSize)
	} else {
		err = encode.Encode(bw, pix, eo)
	}
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return cancelled(t) // the deferred abort removes the partial temporary file
		}
		if errors.Is(err, encode.ErrTooLargeForWebP) {
			return fail(CodeWebPTooLarge, sentence(err.Error()))
		}
		if errors.Is(err, encode.ErrInvalidOptions) {
			return fail(CodeEncode, sentence(err.Error()))
		}
		return fail(CodeEncode, "The encoder failed: "+sentence(err.Error()))
	}
	if err := bw.Flush(); err != nil {
		return fail(writeFailure("Could not write the output", err))
	}
	release() // pixels are no longer needed; let the next image start while we publish

	if r.opts.SkipIfLarger && cw.n >= fi.Size() {
		res.Status, res.Code = StatusSkipped, CodeLarger
		res.Reason = fmt.Sprintf("The %s would not be smaller (%s vs %s), so the original was kept.",
			wire.Format(r.opts.Format).Name(), HumanBytes(cw.n), HumanBytes(fi.Size()))
		res.Dst, res.Width, res.Height = "", 0, 0
		return res
	}
	if ctx.Err() != nil {
		return cancelled(t)
	}
	var mtime time.Time
	if r.opts.KeepModTime {
		mtime = fi.ModTime()
	}
	dst, err := r.fs.Commit(tmp, t.Dst, mtime, r.opts.Existing)
	committed = true // commit cleans up after itself on every path
	if errors.Is(err, errOutputExists) {
		res.Status, res.Code = StatusSkipped, CodeExists
		res.Reason = fmt.Sprintf("%s appeared while converting and was left as is.", filepath.Base(t.Dst))
		return res
	}
	if err != nil {
		return fail(writeFailure("Could not write the output", err))
	}
	res.Dst, res.Status, res.BytesOut = dst, StatusConverted, cw.n
	if !r.opts.Lossless {
		res.Quality = quality
		if r.opts.TargetSize > 0 {
			res.Quality = tr.Quality // the target's search went down from quality (auto's or the preset's)
		}
	}
	if tr.Missed {
		res.Code, res.Reason = CodeTargetMissed, targetMissedReason(r.opts.TargetSize, cw.n)
	}
	return res
}

func (r *runner) decode(t Task, size int64) (*decode.Image, error) {
	path := t.Src
	// FitWidth/FitHeight let a JPEG be decoded at 1/2–1/8 scale when it will be shrunk anyway.
	opts := decode.Options{KeepMetadata: r.opts.KeepMetadata, MaxPixels: r.opts.MaxPixels,
		FitWidth: r.opts.MaxWidth, FitHeight: r.opts.MaxHeight}
	// libwebp imports 3-byte RGB as it does RGBA (same output), so an opaque JPEG can wait for the
	// encoder in three quarters of the memory; the resampler takes it as it is, and faster (three
	// samples a pixel, not four). The AVIF encoder wants RGBA, which would be one more copy.
	opts.RGB = r.opts.Format == "webp"
	if size <= readWholeLimit {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		// DecodeBytes neither copies nor keeps data: the file's bytes are garbage once this returns.
		return decode.DecodeBytes(data, opts)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return decode.Decode(f, opts)
}

// sweepOnce removes stale temporary files from dir the first time this run writes there.
func (r *runner) sweepOnce(dir string) {
	r.sweptMu.Lock()
	if r.swept == nil {
		r.swept = map[string]bool{}
	}
	first := !r.swept[dir]
	r.swept[dir] = true
	r.sweptMu.Unlock()
	if first {
		sweepStale(dir)
	}
}

// fitInside scales img down with Lanczos-3 to fit maxW×maxH (0 = unbounded on that side), keeping the
// aspect ratio; it never enlarges and returns img itself when it already fits. A JPEG often arrives
// here already decoded at a reduced scale, within 2× of that size (shrink-on-load).
func fitInside(img image.Image, maxW, maxH int) image.Image {
	b := img.Bounds()
	w, h := decode.FitSize(b.Dx(), b.Dy(), maxW, maxH)
	return resize.Lanczos(img, w, h)
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// HumanBytes formats a size the way file managers do (1000-based), for reasons and summaries.
func HumanBytes(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.0f KB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d bytes", n)
}
