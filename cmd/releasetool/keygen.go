package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
)

// Key ids name a key in tokens and manifests; a date says when it was made,
// which is what rotation needs to know.
var kidRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,40}$`)

// keygen writes a new private key and prints the public half.
//
// Entitlement key: FILE holds the base64 seed, the form ENTITLEMENT_SIGNING_KEY
// takes (functions/internal/config), so it goes to Secret Manager unchanged.
// Update key: FILE holds "kid:seed", what `releasetool manifest -key` reads.
func keygen(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("keygen", flag.ContinueOnError)
	kind := fs.String("kind", "", "entitlement (the server signs plans) or update (the release manifest)")
	kid := fs.String("kid", "", "key id, e.g. 2026-12")
	file := fs.String("out", "", "file for the private half (must not exist)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *kind != "entitlement" && *kind != "update" {
		return errors.New("keygen: -kind entitlement or -kind update")
	}
	if !kidRE.MatchString(*kid) {
		return errors.New("keygen: -kid is required: letters, digits, . _ - (e.g. 2026-12)")
	}
	if *file == "" {
		return errors.New("keygen: -out FILE is required (the private half is never printed)")
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	seed := base64.StdEncoding.EncodeToString(priv.Seed())
	content := seed + "\n"
	if *kind == "update" {
		content = *kid + ":" + seed + "\n"
	}
	// O_EXCL: a second run never overwrites a key that may already be in use.
	f, err := os.OpenFile(*file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("keygen: %w", err)
	}
	if _, err := f.WriteString(content); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	public := base64.RawURLEncoding.EncodeToString(pub)
	if *kind == "entitlement" {
		fmt.Fprintf(out, `Entitlement key %[1]s: private half in %[2]s.
  1. Store it:   gcloud secrets versions add entitlement-signing-key --data-file=%[2]s
                 (then delete %[2]s; keep a copy only in the maintainers' safe)
  2. Compile in: licensing/keys.go builtinKeys, add  %[3]q: %[4]q,
  3. Ship an app with it, then set ENTITLEMENT_KEY_ID=%[1]s on the function (docs/release.md, "Rotating").
`, *kid, *file, *kid, public)
		return nil
	}
	fmt.Fprintf(out, `Update key %[1]s: private half in %[2]s (the maintainers' safe; releasetool manifest -key %[2]s).
  Compile in: update/keys.go releaseKeys, add  %[3]q,
`, *kid, *file, *kid+":"+public)
	return nil
}
