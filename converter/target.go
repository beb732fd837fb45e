package converter

import (
	"bytes"
	"fmt"
	"image"
	"io"
	"math"

	"imageconverter/converter/encode"
)

// targetResult is how a file met Options.TargetSize.
type targetResult struct {
	Quality int   // the quality of the bytes written
	Bytes   int64 // their size
	Missed  bool  // even quality 0 was above the target: the smallest file was written
	Encodes int   // how many encodes the search took
}

// Target search tuning: a fitting file at least closeEnough of the target ends the search (a few
// kilobytes under "500 KB" is what the user asked for; pinning the last quality step costs two or
// three more encodes), and each guess aims at aimAt of the target, so it tends to land just under.
const (
	closeEnough = 0.97
	aimAt       = 0.985
)

// encodeToTarget writes to w an encoding of img at eo.Quality or below whose size is at most target
// bytes (metadata included: it is the size of the file on disk), at the highest quality the search
// finds: the highest that fits, or one whose file is within 3 % of the target. It tries eo.Quality
// first (most photos already fit: one encode), then guesses by the secant through the last two
// sizes (size is nearly straight in quality over the middle of the range, steep at both ends),
// falling back to halving the remaining range when a guess leaves it. Measured on photos: about
// five encodes where a plain bisection from quality 80 takes seven or eight. When even quality 0
// is above the target, the smallest file seen (quality 0's) is written and the result says so.
// Sizes do not always grow strictly with quality; every file written fits or is the smallest seen.
//
// Both formats use the same search. libwebp's own target_size was not used: it searches on its
// internal quantiser with passes of its own and may end above the target by design ("target size
// is approximate"), and AVIF would need another rule anyway.
//
// eo.PixelsRead is called once, after the last encode (img is read by every encode).
func encodeToTarget(w io.Writer, img image.Image, eo encode.Options, target int64) (targetResult, error) {
	pixelsRead := eo.PixelsRead
	eo.PixelsRead = nil
	defer func() {
		if pixelsRead != nil {
			pixelsRead()
		}
	}()
	var res targetResult
	try := func(q int) ([]byte, error) {
		var buf bytes.Buffer
		o := eo
		o.Quality = q
		res.Encodes++
		if err := encode.Encode(&buf, img, o); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	write := func(b []byte, q int, missed bool) (targetResult, error) {
		res.Quality, res.Bytes, res.Missed = q, int64(len(b)), missed
		_, err := w.Write(b)
		return res, err
	}
	fits := func(b []byte) bool { return int64(len(b)) <= target }

	hi := eo.Quality // known too large (after the first encode)
	b, err := try(hi)
	if err != nil {
		return res, err
	}
	if fits(b) {
		return write(b, hi, false)
	}
	lo, best := -1, []byte(nil) // highest quality known to fit, and its file
	small, smallQ := b, hi      // the smallest file seen, for a target nothing reaches
	prevQ, prevSize := hi, float64(len(b))
	// Guesses that keep landing on one side (a curve the secant reads badly) give way to halving.
	sameSide, lastFit := 0, false
	// First guess: size proportional to quality.
	q := min(max(int(float64(hi)*float64(target)/float64(len(b))), 0), hi-1)
	for {
		if b, err = try(q); err != nil {
			return res, err
		}
		if len(b) < len(small) {
			small, smallQ = b, q
		}
		if fits(b) {
			lo, best = q, b
			if float64(len(b)) >= closeEnough*float64(target) {
				break
			}
		} else {
			hi = q
			if q == 0 {
				return write(small, smallQ, true)
			}
		}
		if lo >= 0 && hi-lo <= 1 {
			break
		}
		lower := max(lo+1, 0)
		next := (lower + hi - 1) / 2
		if size := float64(len(b)); size != prevSize && sameSide < 3 {
			g := float64(q) + (aimAt*float64(target)-size)*float64(prevQ-q)/(prevSize-size)
			next = min(max(int(math.Floor(g)), lower), hi-1)
		}
		if fit := fits(b); fit == lastFit {
			sameSide++
		} else {
			sameSide, lastFit = 0, fit
		}
		prevQ, prevSize, q = q, float64(len(b)), next
	}
	return write(best, lo, false)
}

// targetMissedReason is the sentence of a file that stayed above the target size.
func targetMissedReason(target, got int64) string {
	return fmt.Sprintf("Even at the lowest quality this photo stays above %s, so the smallest version (%s) was written.",
		HumanBytes(target), HumanBytes(got))
}
