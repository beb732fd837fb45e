// Command autobench measures the automatic quality (converter/autoquality) against the fixed
// balanced quality on real photos: bytes, time and the full-size SSIM of both, per photo and in total.
// docs/auto-quality.md has its tables.
//
//	autobench [-format webp|avif] [-threshold 0.98] [-sample 1000000] [-max 1920] [-v] FOLDERS...
//
// Every photo is prepared as the converter prepares it (converter.Prepare: decode, orient, colour,
// resize with -max), encoded once at the balanced preset and once automatically, and each result is
// decoded and scored against the prepared pixels at full size: the search's own sample scores are not
// trusted. Times are wall-clock on this machine, with the encoder's threads as a one-photo run.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"imageconverter/converter"
	"imageconverter/converter/autoquality"
	"imageconverter/converter/decode"
	"imageconverter/converter/encode"
	"imageconverter/internal/ssim"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type measure struct {
	bytes   int64
	ssim    float64
	elapsed time.Duration
	quality int
}

func run(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("autobench", flag.ContinueOnError)
	fl.SetOutput(stderr)
	format := fl.String("format", "webp", "webp or avif")
	threshold := fl.Float64("threshold", autoquality.Threshold, "SSIM the automatic quality aims for")
	sample := fl.Int("sample", autoquality.SamplePixels, "pixels of the copy the search encodes")
	maxSide := fl.Int("max", 0, "resize to fit this box first (0: full size)")
	lo := fl.Int("min", 0, "lowest quality searched (0: the product's)")
	hi := fl.Int("cap", 0, "highest quality searched (0: the product's)")
	verbose := fl.Bool("v", false, "one line per photo")
	shrink := fl.Bool("shrink", false, "search on a shrunk copy instead of full-resolution tiles")
	if err := fl.Parse(args); err != nil || fl.NArg() == 0 {
		fmt.Fprintln(stderr, "usage: autobench [-format webp|avif] [-threshold T] [-sample N] [-max PX] [-v] FOLDERS...")
		return 1
	}
	search := autoquality.For(encode.Format(*format))
	search.Threshold, search.SamplePixels = *threshold, *sample
	if *shrink {
		search.Sample = autoquality.Shrink
	}
	if *lo > 0 {
		search.Min = *lo
	}
	if *hi > 0 {
		search.Max = *hi
	}
	var paths []string
	for _, dir := range fl.Args() {
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && !strings.HasPrefix(d.Name(), ".") {
				paths = append(paths, p)
			}
			return nil
		})
	}
	sort.Strings(paths)
	opts := converter.DefaultOptions()
	opts.Format, opts.MaxWidth, opts.MaxHeight = *format, *maxSide, *maxSide

	var n, larger, below, capped, encodes int
	var fixedBytes, autoBytes int64
	var fixedTime, autoTime time.Duration
	var fixedSum, autoSum float64
	fixedLow, autoLow := 1.0, 1.0
	for _, path := range paths {
		p, err := converter.Prepare(path, opts)
		if err != nil {
			continue
		}
		ref := ssim.FromImage(p.Pixels)
		fixed, err := encodeAndScore(p.Pixels, ref, p.Encoder)
		if err != nil {
			fmt.Fprintln(stderr, path, err)
			continue
		}
		start := time.Now()
		c, err := search.Choose(p.Pixels, p.Encoder)
		if err != nil {
			fmt.Fprintln(stderr, path, err)
			continue
		}
		searchTime := time.Since(start)
		eo := p.Encoder
		eo.Quality = c.Quality
		auto, err := encodeAndScore(p.Pixels, ref, eo)
		if err != nil {
			fmt.Fprintln(stderr, path, err)
			continue
		}
		auto.elapsed += searchTime
		n++
		encodes += c.Encodes
		fixedBytes += fixed.bytes
		autoBytes += auto.bytes
		fixedTime += fixed.elapsed
		autoTime += auto.elapsed
		fixedSum += fixed.ssim
		autoSum += auto.ssim
		fixedLow, autoLow = min(fixedLow, fixed.ssim), min(autoLow, auto.ssim)
		if auto.bytes > fixed.bytes {
			larger++
		}
		if auto.ssim < search.Threshold {
			below++
		}
		if c.Capped {
			capped++
		}
		if *verbose {
			b := p.Pixels.Bounds()
			fmt.Fprintf(stdout, "%-48s %5.1f MP  q%d %8d B %.4f %6.2fs | auto q%d (sample %.4f, %d enc%s) %8d B %.4f %6.2fs  %+5.1f%%\n",
				trim(filepath.Base(path), 48), float64(b.Dx()*b.Dy())/1e6, fixed.quality, fixed.bytes, fixed.ssim, fixed.elapsed.Seconds(),
				c.Quality, c.Score, c.Encodes, map[bool]string{true: ", capped"}[c.Capped], auto.bytes, auto.ssim, auto.elapsed.Seconds(),
				100*(float64(auto.bytes)/float64(fixed.bytes)-1))
		}
	}
	if n == 0 {
		fmt.Fprintln(stderr, "autobench: no photos")
		return 1
	}
	fmt.Fprintf(stdout, "%s, %d photos, threshold %.3f, sample %d px, range %d–%d, max side %d\n",
		*format, n, search.Threshold, search.SamplePixels, search.Min, search.Max, *maxSide)
	fmt.Fprintf(stdout, "fixed (balanced): %d bytes, %.1f s, SSIM mean %.4f lowest %.4f\n",
		fixedBytes, fixedTime.Seconds(), fixedSum/float64(n), fixedLow)
	fmt.Fprintf(stdout, "auto:             %d bytes (%+.1f %%), %.1f s (×%.2f), SSIM mean %.4f lowest %.4f, %.1f encodes a photo\n",
		autoBytes, 100*(float64(autoBytes)/float64(fixedBytes)-1), autoTime.Seconds(), autoTime.Seconds()/fixedTime.Seconds(),
		autoSum/float64(n), autoLow, float64(encodes)/float64(n))
	fmt.Fprintf(stdout, "auto larger than fixed: %d/%d (%.0f %%); below threshold at full size: %d (%d capped)\n",
		larger, n, 100*float64(larger)/float64(n), below, capped)
	return 0
}

// encodeAndScore encodes pix with eo and scores the decoded result against ref at full size.
func encodeAndScore(img image.Image, ref *ssim.Luma, eo encode.Options) (measure, error) {
	var buf bytes.Buffer
	start := time.Now()
	if err := encode.Encode(&buf, img, eo); err != nil {
		return measure{}, err
	}
	m := measure{bytes: int64(buf.Len()), elapsed: time.Since(start), quality: eo.Quality}
	got, err := decode.DecodeBytes(buf.Bytes(), decode.Options{})
	if err != nil {
		return measure{}, err
	}
	m.ssim, err = ssim.Mean(ref, ssim.FromImage(got.Pixels))
	return m, err
}

func trim(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}
