package converter

import (
	"bytes"
	"fmt"
	"image"
	"io"

	"imageconverter/converter/encode"
)

// targetResult is how a file met Options.TargetSize.
type targetResult struct {
	Quality int   // the quality of the bytes written
	Bytes   int64 // their size
	Missed  bool  // even quality 0 was above the target: the smallest file was written
	Encodes int   // how many encodes the search took
}

// encodeToTarget writes to w the highest-quality encoding of img, at eo.Quality or below, whose size
// is at most target bytes (metadata included: it is the size of the file on disk). It tries
// eo.Quality first (most photos already fit, one encode), then bisects on the integer qualities
// below: about seven encodes for quality 80. File size grows with quality for both encoders, not
// always strictly, so the search keeps the best fit it has seen and, when nothing fits, the smallest
// file it has seen (quality 0 is always among those tried then).
//
// Both formats use the same search. libwebp's own target_size was not used: it searches on its
// internal quantiser with a few passes of its own and may end above the target by design ("target
// size is approximate"), and it would leave AVIF with another rule.
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
	first, err := try(eo.Quality)
	if err != nil {
		return res, err
	}
	fit, fitQ := []byte(nil), -1
	small, smallQ := first, eo.Quality
	lo, hi := 0, eo.Quality-1
	if int64(len(first)) <= target {
		fit, fitQ = first, eo.Quality
		lo = hi + 1 // nothing to search
	}
	for lo <= hi {
		mid := (lo + hi) / 2
		b, err := try(mid)
		if err != nil {
			return res, err
		}
		if len(b) < len(small) {
			small, smallQ = b, mid
		}
		if int64(len(b)) <= target {
			if mid > fitQ {
				fit, fitQ = b, mid
			}
			lo = mid + 1
		} else {
			hi = mid - 1
		}
	}
	out, q := fit, fitQ
	if out == nil {
		out, q = small, smallQ
		res.Missed = true
	}
	res.Quality, res.Bytes = q, int64(len(out))
	if _, err := w.Write(out); err != nil {
		return res, err
	}
	return res, nil
}

// targetMissedReason is the sentence of a file that stayed above the target size.
func targetMissedReason(target, got int64) string {
	return fmt.Sprintf("Even at the lowest quality this photo stays above %s, so the smallest version (%s) was written.",
		HumanBytes(target), HumanBytes(got))
}
