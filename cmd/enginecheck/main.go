//go:build enginecheck

// Command enginecheck is a packaging test and is never shipped: it runs the app's conversion engine
// on the files it is given, to WebP and to AVIF, and prints what happened as one JSON object. The
// Windows installer test (tests/dist/windows.sh) copies it next to the installed ImageConverter.exe,
// where it loads the same DLLs, runs it under Wine and removes it again.
//
// It is built only with -tags enginecheck (`go build ./...` skips it) and no installer or package
// contains it: a converter outside the app would bypass the plan limits.
//
//	enginecheck -out DIR FILE...
//
// Outputs go to DIR/webp and DIR/avif. Exit status 0 when both encoders are native and no file
// failed, 1 otherwise (the JSON says why), 2 for usage errors.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"imageconverter/converter"
	"imageconverter/converter/encode"
	"imageconverter/version"
)

type encoder struct {
	Backend string `json:"backend"` // "native" or "wasm"
	Detail  string `json:"detail"`  // the library that was loaded, or why none was
}

type report struct {
	OS       string                                   `json:"os"`
	Arch     string                                   `json:"arch"`
	Version  string                                   `json:"version"`
	Encoders map[encode.Format]encoder                `json:"encoders"`
	Results  map[encode.Format][]converter.FileResult `json:"results"`
	Problems []string                                 `json:"problems"`
}

func main() {
	out := flag.String("out", "", "folder for the outputs (webp/ and avif/ are made in it)")
	flag.Parse()
	if *out == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: enginecheck -out DIR FILE...")
		os.Exit(2)
	}
	r := report{
		OS: runtime.GOOS, Arch: runtime.GOARCH, Version: version.Version,
		Encoders: map[encode.Format]encoder{}, Results: map[encode.Format][]converter.FileResult{},
		Problems: []string{},
	}
	for _, f := range []encode.Format{encode.WebP, encode.AVIF} {
		e := encoder{Backend: encode.Backend(f), Detail: encode.BackendDetail(f)}
		r.Encoders[f] = e
		if e.Backend != encode.BackendNative {
			r.Problems = append(r.Problems, fmt.Sprintf("%s encoder is %s: %s", f, e.Backend, e.Detail))
		}
		files, err := convert(f, filepath.Join(*out, string(f)), flag.Args())
		if err != nil {
			r.Problems = append(r.Problems, fmt.Sprintf("%s: %v", f, err))
		}
		for _, res := range files {
			if res.Status == converter.StatusFailed {
				r.Problems = append(r.Problems, fmt.Sprintf("%s: %s failed: %s", f, res.Src, res.Reason))
			}
		}
		r.Results[f] = files
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		fmt.Fprintln(os.Stderr, "enginecheck:", err)
		os.Exit(1)
	}
	if len(r.Problems) > 0 {
		os.Exit(1)
	}
}

// convert runs one batch exactly as the app does (plan, then run), with the default settings.
func convert(f encode.Format, outDir string, inputs []string) ([]converter.FileResult, error) {
	opts := converter.DefaultOptions()
	opts.Format = string(f)
	opts.OutputDir = outDir
	ctx := context.Background()
	plan, err := converter.Plan(ctx, inputs, opts)
	if err != nil {
		return nil, err
	}
	sum, err := converter.Run(ctx, plan.Tasks, plan.Options, nil)
	if err != nil {
		return nil, err
	}
	sum = converter.Merge(sum, plan.Summary())
	if sum.Backend != "" && sum.Backend != encode.BackendNative {
		return sum.Files, fmt.Errorf("the batch ran on the %s encoder", sum.Backend)
	}
	return sum.Files, nil
}
