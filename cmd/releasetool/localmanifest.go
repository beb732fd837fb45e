package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"imageconverter/update"
)

// localVersion is what the local stack announces: every build of a working
// tree is "0.0.0-dev+g<commit>" (scripts/dist/version.sh), and build metadata
// does not count, so a local build finds itself up to date.
const localVersion = "0.0.0-dev"

// localManifest writes the manifest the local stack's Hosting emulator
// serves (web/updates/local/, never deployed: firebase.json ignores it), so
// `make run` checks for updates against something real and says "up to
// date" instead of failing. It names no packages: there is nothing to
// install locally.
//
//	releasetool local-manifest -key FILE -out FILE
func localManifest(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("local-manifest", flag.ContinueOnError)
	keyFile := fs.String("key", "", "a local update key (releasetool keygen -kind update)")
	outFile := fs.String("out", "", "the manifest to write (web/updates/local/stable.json)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *outFile == "" {
		return errors.New("local-manifest: -out FILE is required")
	}
	kid, key, err := readUpdateKey(*keyFile)
	if err != nil {
		return err
	}
	m := update.Manifest{Version: localVersion, Published: time.Now().UTC().Truncate(time.Second),
		Notes: map[string]string{"ko": "로컬 개발 빌드", "en": "Local development build", "ja": "ローカル開発ビルド"},
		Files: map[string]update.File{}}
	if err := writeSigned(m, kid, key, *outFile); err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote %s: version %s, signed by %s, no packages\n", *outFile, localVersion, kid)
	return nil
}
