package main

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"imageconverter/update"
)

// languages the release notes must be written in (the app's).
var languages = []string{"ko", "en", "ja"}

// debName is scripts/dist/deb.sh's imageconverter_<version>+<distro>_amd64.deb.
var debName = regexp.MustCompile(`^imageconverter_[^+_]+\+([a-z]+[0-9.]+)_amd64\.deb$`)

// platformOf names a package's system by its file name (scripts/dist): the
// keys the app looks for (update/install_*.go).
func platformOf(name string) (string, error) {
	switch {
	case strings.HasSuffix(name, "-windows-x64-setup.exe"):
		return "windows-amd64", nil
	case strings.HasSuffix(name, "-macos-universal.dmg"):
		return "darwin-universal", nil
	}
	if m := debName.FindStringSubmatch(name); m != nil {
		return update.DebPlatform(m[1]), nil
	}
	return "", fmt.Errorf("%s: not a package of a known system (*-windows-x64-setup.exe, *-macos-universal.dmg, imageconverter_*+DISTRO_amd64.deb)", name)
}

func manifest(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("manifest", flag.ContinueOnError)
	version := fs.String("version", "", "the release's version, e.g. 1.4.0")
	minimum := fs.String("minimum", "", "oldest version that may still convert (default: none)")
	notes := fs.String("notes", "", "folder with ko.txt, en.txt, ja.txt: the release notes")
	keyFile := fs.String("key", "", "the update key's private half (releasetool keygen -kind update)")
	base := fs.String("base-url", "", "where the packages are downloaded from, e.g. https://github.com/OWNER/REPO/releases/download/v1.4.0")
	outFile := fs.String("out", "", "the manifest to write (web/updates/stable.json)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !update.Valid(*version) || strings.ContainsAny(*version, "+-") {
		return fmt.Errorf("manifest: -version %q is not a release version (1.2.3)", *version)
	}
	if *minimum != "" && (!update.Valid(*minimum) || update.Compare(*minimum, *version) > 0) {
		return fmt.Errorf("manifest: -minimum %q is not a version at or below %s", *minimum, *version)
	}
	u, err := url.Parse(*base)
	if err != nil || u.Scheme != "https" {
		return fmt.Errorf("manifest: -base-url %q is not an https URL", *base)
	}
	if *outFile == "" || fs.NArg() == 0 {
		return errors.New("manifest: -out FILE and at least one package are required")
	}
	kid, key, err := readUpdateKey(*keyFile)
	if err != nil {
		return err
	}
	m := update.Manifest{Version: *version, MinimumVersion: *minimum, Published: time.Now().UTC().Truncate(time.Second),
		Notes: map[string]string{}, Files: map[string]update.File{}}
	for _, lang := range languages {
		b, err := os.ReadFile(filepath.Join(*notes, lang+".txt"))
		if err != nil || strings.TrimSpace(string(b)) == "" {
			return fmt.Errorf("manifest: release notes in %s are missing (%s/%s.txt)", lang, *notes, lang)
		}
		m.Notes[lang] = strings.TrimSpace(string(b))
	}
	for _, p := range fs.Args() {
		name := filepath.Base(p)
		platform, err := platformOf(name)
		if err != nil {
			return err
		}
		if !strings.Contains(name, *version) {
			return fmt.Errorf("manifest: %s does not carry version %s in its name: built from another tag?", name, *version)
		}
		if _, dup := m.Files[platform]; dup {
			return fmt.Errorf("manifest: two packages for %s", platform)
		}
		size, sum, err := hashFile(p)
		if err != nil {
			return err
		}
		m.Files[platform] = update.File{URL: strings.TrimRight(*base, "/") + "/" + url.PathEscape(name), Size: size, SHA256: sum}
	}
	if err := writeSigned(m, kid, key, *outFile); err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote %s: version %s (minimum %q), signed by %s, packages:", *outFile, m.Version, m.MinimumVersion, kid)
	for platform, f := range m.Files {
		fmt.Fprintf(out, "\n  %-28s %s (%d bytes)", platform, f.URL, f.Size)
	}
	fmt.Fprintln(out)
	return nil
}

// writeSigned signs m with the update key kid and writes it to path, making its folder.
func writeSigned(m update.Manifest, kid string, key ed25519.PrivateKey, path string) error {
	signed, err := update.Sign(m, kid, key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, append(signed, '\n'), 0o644)
}

func readUpdateKey(path string) (string, ed25519.PrivateKey, error) {
	if path == "" {
		return "", nil, errors.New("manifest: -key FILE is required (the update key's private half)")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", nil, fmt.Errorf("manifest: %w", err)
	}
	kid, seedText, ok := strings.Cut(strings.TrimSpace(string(b)), ":")
	seed, err := base64.StdEncoding.DecodeString(seedText)
	if !ok || kid == "" || err != nil || len(seed) != ed25519.SeedSize {
		return "", nil, fmt.Errorf("manifest: %s is not an update key (kid:base64-seed, from releasetool keygen -kind update)", path)
	}
	return kid, ed25519.NewKeyFromSeed(seed), nil
}

func hashFile(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// downloadClient fetches packages for verify -online (tests trust their own server).
var downloadClient *http.Client

// verify checks a manifest against the compiled-in update keys (plus any
// "kid:key" given with -key, for a rotation's new key) and prints it.
func verify(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	extra := fs.String("key", "", "also trust this public key, kid:base64url")
	online := fs.Bool("online", false, "also download every package and check its size and SHA-256 (before publishing the manifest)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("verify: one manifest file")
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	keys := update.TrustedKeys()
	if *extra != "" {
		k, err := update.ParsePublicKey(*extra)
		if err != nil {
			return err
		}
		keys = append(keys, k)
	}
	m, err := update.Verify(data, keys)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s: version %s, minimum %q, %d packages: trusted\n", fs.Arg(0), m.Version, m.MinimumVersion, len(m.Files))
	if !*online {
		return nil
	}
	// What the app will do: download each package and check it. A URL that
	// does not resolve (a renamed release asset) fails here, not on users.
	dir, err := os.MkdirTemp("", "releasetool-verify-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	for platform, f := range m.Files {
		if _, err := update.Download(context.Background(), downloadClient, f, dir, "package", nil); err != nil {
			return fmt.Errorf("%s: %s: %w", platform, f.URL, err)
		}
		fmt.Fprintf(out, "  %-28s downloaded, size and SHA-256 match\n", platform)
	}
	return nil
}
