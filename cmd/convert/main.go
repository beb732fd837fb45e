// Command convert converts images to WebP or AVIF from a terminal, with the same engine as the app
// (for benchmarks, scripts and power users):
//
//	go run ./cmd/convert [-to webp|avif] [-quality N] [-lossless] [-effort N] [-workers N] [-out DIR]
//	   [-keep-metadata] [-max-width N] [-max-height N] [-existing skip|overwrite|rename] [-json] PATH...
//
// Exit status: 0 when no file failed, 2 when any file failed or the batch was interrupted (the summary
// is still printed), 1 for usage errors. With -json exactly one JSON object is printed on stdout;
// otherwise one line per file and a summary. Ctrl-C (SIGINT) or SIGTERM stops the batch cleanly: no
// partial output is left and the files not done are reported as skipped with the reason "Cancelled…".
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"imageconverter/converter"
	"imageconverter/converter/encode"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// jsonFile and jsonSummary are the documented -json shape; nothing else is printed on stdout.
type jsonFile struct {
	Src    string `json:"src"`
	Dst    string `json:"dst"`
	Status string `json:"status"`
	Reason string `json:"reason"`
}

type jsonSummary struct {
	Converted int        `json:"converted"`
	Skipped   int        `json:"skipped"`
	Failed    int        `json:"failed"`
	BytesIn   int64      `json:"bytesIn"`
	BytesOut  int64      `json:"bytesOut"`
	Backend   string     `json:"backend"`
	Files     []jsonFile `json:"files"`
}

const usageText = `usage: convert [-to webp|avif] [-quality N] [-lossless] [-effort N] [-workers N] [-out DIR]
               [-keep-metadata] [-max-width N] [-max-height N] [-existing skip|overwrite|rename]
               [-target-kb N] [-name PATTERN] [-json] PATH...`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	opts := converter.DefaultOptions()
	fs := flag.NewFlagSet("convert", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, usageText)
		fs.PrintDefaults()
	}
	to := fs.String("to", converter.DefaultFormat, "output format: webp or avif")
	fs.IntVar(&opts.Quality, "quality", -1, "quality 0-100 (default 80 for webp, 70 for avif)")
	fs.BoolVar(&opts.Lossless, "lossless", false, "lossless WebP")
	fs.IntVar(&opts.Effort, "effort", -1, "WebP method 0-6 (default 4) or AVIF speed 0-10 (default 8)")
	fs.IntVar(&opts.Workers, "workers", opts.Workers, "files converted in parallel")
	fs.StringVar(&opts.OutputDir, "out", "", "output folder (default: next to each original; folders are mirrored below it)")
	fs.BoolVar(&opts.KeepMetadata, "keep-metadata", false, "keep EXIF/ICC/XMP (default: strip, which removes GPS)")
	fs.IntVar(&opts.MaxWidth, "max-width", 0, "fit within this width, never enlarging (0 = no limit)")
	fs.IntVar(&opts.MaxHeight, "max-height", 0, "fit within this height, never enlarging (0 = no limit)")
	targetKB := fs.Int64("target-kb", 0, "make each output at most this many kilobytes (1000 bytes) by lowering the quality (0 = off)")
	fs.StringVar(&opts.NamePattern, "name", converter.DefaultNamePattern, "output name pattern: {name}, {date} (the original's modification date), {ext}")
	existing := fs.String("existing", string(converter.ExistingSkip), "when the output exists: skip, overwrite or rename")
	asJSON := fs.Bool("json", false, "print one JSON object with the summary on stdout")

	paths, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 1 // the flag package has printed the problem and the usage
	}
	if len(paths) == 0 {
		fmt.Fprintln(stderr, "convert: no file or folder given")
		fmt.Fprintln(stderr, usageText)
		return 1
	}
	opts.Format = *to
	opts.TargetSize = *targetKB * 1000
	opts.Existing = converter.Existing(*existing)

	plan, err := converter.Plan(ctx, paths, opts)
	if err != nil && ctx.Err() != nil {
		// Interrupted while still looking for images: nothing was converted or written. The summary
		// (or the one JSON object) is printed all the same, as documented, so scripts can rely on it.
		fmt.Fprintln(stderr, "Interrupted while looking for images: nothing was converted.")
		if *asJSON {
			if err := writeJSON(stdout, converter.Summary{}); err != nil {
				fmt.Fprintln(stderr, "convert:", err)
			}
		} else {
			printSummary(stdout, converter.Summary{}, opts.Format)
		}
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "convert:", err)
		return 1
	}
	if !*asJSON {
		for _, r := range plan.Decided {
			printResult(stdout, r)
		}
	}
	var onProgress func(converter.Progress)
	if !*asJSON {
		onProgress = func(p converter.Progress) {
			for _, r := range p.Files {
				printResult(stdout, r)
			}
		}
	}
	sum, err := converter.Run(ctx, plan.Tasks, plan.Options, onProgress)
	if err != nil {
		fmt.Fprintln(stderr, "convert:", err)
		return 1
	}
	sum = converter.Merge(sum, plan.Summary())
	if msg := plan.NothingToDo(); msg != "" {
		fmt.Fprintln(stderr, msg)
	}
	if sum.Backend == encode.BackendWASM {
		fmt.Fprintf(stderr, "warning: the native %s encoder is not available, using the much slower WASM fallback (%s)\n",
			strings.ToUpper(plan.Options.Format), encode.BackendDetail(encode.Format(plan.Options.Format)))
	}
	if *asJSON {
		if err := writeJSON(stdout, sum); err != nil {
			fmt.Fprintln(stderr, "convert:", err)
			return 1
		}
	} else {
		printSummary(stdout, sum, plan.Options.Format)
	}
	if sum.Failed > 0 || sum.Cancelled > 0 {
		return 2 // an interrupted batch did not do what was asked either
	}
	return 0
}

// parseInterspersed lets flags follow paths ("convert photos -to avif"), which people type.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var paths []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return paths, nil
		}
		if args[0] == "--" {
			return append(paths, args[1:]...), nil
		}
		paths = append(paths, args[0])
		args = args[1:]
	}
}

func writeJSON(w io.Writer, s converter.Summary) error {
	out := jsonSummary{
		Converted: s.Converted, Skipped: s.Skipped + s.Cancelled, Failed: s.Failed,
		BytesIn: s.BytesIn, BytesOut: s.BytesOut, Backend: s.Backend, Files: []jsonFile{},
	}
	for _, f := range s.Files {
		status := string(f.Status)
		if f.Status == converter.StatusCancelled {
			status = string(converter.StatusSkipped) // the documented statuses; the reason says cancelled
		}
		out.Files = append(out.Files, jsonFile{Src: f.Src, Dst: f.Dst, Status: status, Reason: f.Reason})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

func printResult(w io.Writer, r converter.FileResult) {
	switch r.Status {
	case converter.StatusConverted:
		fmt.Fprintf(w, "converted  %s -> %s (%s -> %s, %s)", r.Src, r.Dst, converter.HumanBytes(r.BytesIn), converter.HumanBytes(r.BytesOut), percent(r.BytesIn, r.BytesOut))
		if r.Reason != "" { // above its target size
			fmt.Fprintf(w, ": %s", r.Reason)
		}
		fmt.Fprintln(w)
	default:
		fmt.Fprintf(w, "%-10s %s: %s\n", r.Status, r.Src, r.Reason)
	}
}

func printSummary(w io.Writer, s converter.Summary, format string) {
	fmt.Fprintf(w, "%d converted, %d skipped, %d failed", s.Converted, s.Skipped, s.Failed)
	if s.Cancelled > 0 {
		fmt.Fprintf(w, ", %d cancelled", s.Cancelled)
	}
	if s.Converted > 0 {
		fmt.Fprintf(w, "; %s -> %s (saved %s, %s)", converter.HumanBytes(s.BytesIn), converter.HumanBytes(s.BytesOut), converter.HumanBytes(s.Saved), percent(s.BytesIn, s.BytesOut))
	}
	fmt.Fprintf(w, " in %.1fs [%s]\n", s.Elapsed.Seconds(), strings.TrimSpace(format+" "+s.Backend))
}

func percent(in, out int64) string {
	if in <= 0 {
		return "0%"
	}
	return fmt.Sprintf("%+.0f%%", (float64(out)/float64(in)-1)*100)
}
