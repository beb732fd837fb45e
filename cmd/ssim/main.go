// Command ssim scores converted pictures against their originals with the mean SSIM of the luma
// (internal/ssim), for the speed benchmarks (scripts/bench.sh): a faster encoder or resizer only
// counts if its pictures look as good.
//
//	ssim [-resize] [-v] ORIGINALS OUTPUTS...
//
// ORIGINALS and each OUTPUTS are folders (searched with their sub-folders); an output is matched to
// the original with the same name before the extension (photo.jpg ↔ photo.webp). With -resize the original is decoded at full size and
// scaled with Lanczos to each output's size first: the reference a resizer is judged against. Prints one
// line per OUTPUTS folder: files, total bytes, mean SSIM, lowest SSIM; with -v also one line per file.
package main

import (
	"flag"
	"fmt"
	"image"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/disintegration/imaging"

	"imageconverter/converter/decode"
	"imageconverter/internal/ssim"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ssim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	resize := fs.Bool("resize", false, "scale each original (full decode, Lanczos) to the output's size before comparing")
	verbose := fs.Bool("v", false, "print one line per file")
	if err := fs.Parse(args); err != nil {
		return 1
	}
	if fs.NArg() < 2 {
		fmt.Fprintln(stderr, "usage: ssim [-resize] [-v] ORIGINALS OUTPUTS...")
		return 1
	}
	originals, err := byStem(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, "ssim:", err)
		return 1
	}
	type tally struct {
		files  int
		bytes  int64
		sum    float64
		lowest float64
	}
	outs := fs.Args()[1:]
	tallies := make([]tally, len(outs))
	byDir := make([]map[string]string, len(outs))
	for i, dir := range outs {
		if byDir[i], err = byStem(dir); err != nil {
			fmt.Fprintln(stderr, "ssim:", err)
			return 1
		}
		tallies[i].lowest = 1
	}
	stems := make([]string, 0, len(originals))
	for s := range originals {
		stems = append(stems, s)
	}
	sort.Strings(stems)
	failed := false
	for _, stem := range stems {
		var orig image.Image // decoded once per original, only if some folder has its output
		refs := map[image.Point]*ssim.Luma{}
		for i := range outs {
			out, ok := byDir[i][stem]
			if !ok {
				continue
			}
			if orig == nil {
				if orig, err = load(originals[stem]); err != nil {
					fmt.Fprintln(stderr, "ssim:", err)
					failed = true
					break
				}
			}
			cand, err := load(out)
			if err != nil {
				fmt.Fprintln(stderr, "ssim:", err)
				failed = true
				continue
			}
			size := cand.Bounds().Size()
			ref := refs[size]
			if ref == nil {
				src := orig
				if *resize && src.Bounds().Size() != size {
					src = imaging.Resize(orig, size.X, size.Y, imaging.Lanczos)
				}
				ref = ssim.FromImage(src)
				refs[size] = ref
			}
			score, err := ssim.Mean(ref, ssim.FromImage(cand))
			if err != nil {
				fmt.Fprintf(stderr, "ssim: %s: %v\n", out, err)
				failed = true
				continue
			}
			fi, _ := os.Stat(out)
			t := &tallies[i]
			t.files++
			t.bytes += fi.Size()
			t.sum += score
			t.lowest = min(t.lowest, score)
			if *verbose {
				fmt.Fprintf(stdout, "  %.5f %10d %s\n", score, fi.Size(), out)
			}
		}
	}
	for i, dir := range outs {
		t := tallies[i]
		mean := 0.0
		if t.files > 0 {
			mean = t.sum / float64(t.files)
		}
		fmt.Fprintf(stdout, "%s: files %d bytes %d ssim %.5f lowest %.5f\n", dir, t.files, t.bytes, mean, t.lowest)
	}
	if failed {
		return 2
	}
	return 0
}

// byStem lists the files below dir (sub-folders too: cmd/convert mirrors a dropped folder) by name
// without extension.
func byStem(dir string) (map[string]string, error) {
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() { // links to files too
			m[strings.TrimSuffix(e.Name(), filepath.Ext(e.Name()))] = path
		}
		return nil
	})
	return m, err
}

func load(path string) (image.Image, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	img, err := decode.DecodeBytes(data, decode.Options{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return img.Pixels, nil
}
