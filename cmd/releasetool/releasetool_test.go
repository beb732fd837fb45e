package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"imageconverter/update"
)

// production is a complete, plausible set of build settings.
var production = map[string]string{
	"IC_RELEASE_API_BASE":         "https://asia-northeast3-imageconverter-prod.cloudfunctions.net/api",
	"IC_RELEASE_FIREBASE_API_KEY": "AIzaSyA1234567890abcdefghijklmnopqrstuv",
	"IC_RELEASE_PROJECT_ID":       "imageconverter-prod",
	"IC_RELEASE_UPDATE_URL":       "https://imageconverter-prod.web.app/updates/stable.json",
	"IC_RELEASE_SUPPORT_URL":      "mailto:help@imageconverter.co.kr",
}

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func with(base map[string]string, k, v string) map[string]string {
	out := map[string]string{}
	for a, b := range base {
		out[a] = b
	}
	if v == "" {
		delete(out, k)
	} else {
		out[k] = v
	}
	return out
}

func TestLdflagsAllOrNothing(t *testing.T) {
	var warn bytes.Buffer
	flags, err := ldflags(env(production), &warn)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"-X imageconverter/release.APIBase=https://asia-northeast3", "-X imageconverter/release.SupportURL=mailto:"} {
		if !strings.Contains(flags, want) {
			t.Errorf("flags lack %q: %s", want, flags)
		}
	}

	// None: a test build, said loudly, no flags.
	warn.Reset()
	flags, err = ldflags(env(nil), &warn)
	if err != nil || flags != "" || !strings.Contains(warn.String(), "NOT FOR RELEASE") {
		t.Fatalf("no settings: flags %q, err %v, warning %q", flags, err, warn.String())
	}
	// None, but a release: refused, naming every setting.
	_, err = ldflags(env(map[string]string{"IC_RELEASE": "1"}), &warn)
	if err == nil || !strings.Contains(err.Error(), "IC_RELEASE_API_BASE is missing") || !strings.Contains(err.Error(), "IC_RELEASE_SUPPORT_URL is missing") {
		t.Fatalf("release without settings: %v", err)
	}
	// Some: always refused, naming the missing one only.
	_, err = ldflags(env(with(production, "IC_RELEASE_FIREBASE_API_KEY", "")), &warn)
	if err == nil || !strings.Contains(err.Error(), "IC_RELEASE_FIREBASE_API_KEY is missing") || strings.Contains(err.Error(), "IC_RELEASE_API_BASE") {
		t.Fatalf("one setting missing: %v", err)
	}
	// Placeholders and local addresses are not production settings.
	for k, v := range map[string]string{
		"IC_RELEASE_API_BASE":         "http://127.0.0.1:8081",
		"IC_RELEASE_PROJECT_ID":       "demo-imageconverter",
		"IC_RELEASE_FIREBASE_API_KEY": "fake-api-key",
		"IC_RELEASE_UPDATE_URL":       "https://example.com/stable.json",
	} {
		if _, err := ldflags(env(with(production, k, v)), &warn); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%s accepted (%v)", k, v, err)
		}
	}
}

// TestFlagsReachTheBinary builds a program with the flags ldflags prints: a
// renamed variable would otherwise leave a release silently on the local stack.
func TestFlagsReachTheBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	flags, err := ldflags(env(production), os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	src := "package main\n\nimport (\n\t\"fmt\"\n\n\t\"imageconverter/release\"\n)\n\n" +
		"func main() { fmt.Println(release.Stamped(), len(release.Problems()), release.APIBase, release.FirebaseAPIKey, release.ProjectID, release.UpdateURL, release.SupportURL) }\n"
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "stamped")
	if out, err := exec.Command("go", "build", "-ldflags", flags, "-o", exe, filepath.Join(dir, "main.go")).CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(exe).Output()
	if err != nil {
		t.Fatal(err)
	}
	want := "true 0 " + production["IC_RELEASE_API_BASE"] + " " + production["IC_RELEASE_FIREBASE_API_KEY"] + " " +
		production["IC_RELEASE_PROJECT_ID"] + " " + production["IC_RELEASE_UPDATE_URL"] + " " + production["IC_RELEASE_SUPPORT_URL"]
	if got := strings.TrimSpace(string(out)); got != want {
		t.Fatalf("stamped binary prints\n  %s\nwant\n  %s", got, want)
	}
}

func TestKeygenManifestVerify(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "update-2026-12.key")
	var out bytes.Buffer
	if err := keygen([]string{"-kind", "update", "-kid", "2026-12", "-out", keyFile}, &out); err != nil {
		t.Fatal(err)
	}
	public := regexp.MustCompile(`"(2026-12:[A-Za-z0-9_-]{43})"`).FindStringSubmatch(out.String())
	if public == nil {
		t.Fatalf("keygen did not print the public line: %s", out.String())
	}
	if fi, err := os.Stat(keyFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("private key file: %v, mode %v; want 0600", err, fi.Mode())
	}
	if strings.Contains(out.String(), strings.TrimSpace(readFile(t, keyFile))[len("2026-12:"):]) {
		t.Fatal("keygen printed the private half")
	}
	if err := keygen([]string{"-kind", "update", "-kid", "2026-12", "-out", keyFile}, &out); err == nil {
		t.Fatal("keygen overwrote an existing key")
	}

	notes := filepath.Join(dir, "notes")
	os.MkdirAll(notes, 0o755)
	for lang, text := range map[string]string{"ko": "더 빨라졌습니다.", "en": "Faster.", "ja": "速くなりました。"} {
		os.WriteFile(filepath.Join(notes, lang+".txt"), []byte(text+"\n"), 0o644)
	}
	exe := filepath.Join(dir, "ImageConverter-1.4.0-windows-x64-setup.exe")
	deb := filepath.Join(dir, "imageconverter_1.4.0+debian12_amd64.deb")
	os.WriteFile(exe, []byte("MZ installer"), 0o644)
	os.WriteFile(deb, []byte("!<arch> deb"), 0o644)
	manifestFile := filepath.Join(dir, "stable.json")
	args := []string{"-version", "1.4.0", "-minimum", "1.2.0", "-notes", notes, "-key", keyFile,
		"-base-url", "https://github.com/imageconverter/app/releases/download/v1.4.0", "-out", manifestFile, exe, deb}
	if err := manifest(args, &out); err != nil {
		t.Fatal(err)
	}
	key, err := update.ParsePublicKey(public[1])
	if err != nil {
		t.Fatal(err)
	}
	m, err := update.Verify([]byte(readFile(t, manifestFile)), []update.PublicKey{key})
	if err != nil {
		t.Fatal(err)
	}
	win := m.Files["windows-amd64"]
	if m.Version != "1.4.0" || m.MinimumVersion != "1.2.0" || m.Notes["ja"] != "速くなりました。" ||
		win.Size != int64(len("MZ installer")) || win.SHA256 != "9bddb44627973bc5a5e0b20bf4a44cf2449f8b6ca1e8dfee0525b528ad80e020" ||
		win.URL != "https://github.com/imageconverter/app/releases/download/v1.4.0/ImageConverter-1.4.0-windows-x64-setup.exe" ||
		m.Files["linux-amd64-deb-debian12"].Size != int64(len("!<arch> deb")) {
		b, _ := json.MarshalIndent(m, "", " ")
		t.Fatalf("manifest:\n%s", b)
	}
	if err := verify([]string{"-key", public[1], manifestFile}, &out); err != nil {
		t.Fatal(err)
	}
	if err := verify([]string{manifestFile}, &out); err == nil {
		t.Fatal("verify trusted a key that is not compiled in")
	}

	// -online downloads what the manifest names, as the app will: the packages
	// where the manifest says they are pass; a release asset that was renamed
	// on upload (a 404) does not.
	srv := httptest.NewTLSServer(http.StripPrefix("/imageconverter/app/releases/download/v1.4.0", http.FileServer(http.Dir(dir))))
	defer srv.Close()
	downloadClient = srv.Client()
	defer func() { downloadClient = nil }()
	args[len(args)-5] = srv.URL + "/imageconverter/app/releases/download/v1.4.0" // -base-url
	if err := manifest(args, &out); err != nil {
		t.Fatal(err)
	}
	if err := verify([]string{"-online", "-key", public[1], manifestFile}, &out); err != nil {
		t.Fatalf("verify -online: %v", err)
	}
	os.Rename(deb, deb+".renamed")
	if err := verify([]string{"-online", "-key", public[1], manifestFile}, &out); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("verify -online with a missing package: %v", err)
	}
	os.Rename(deb+".renamed", deb)

	// A package of another version, or notes missing a language, are refused.
	os.WriteFile(filepath.Join(dir, "ImageConverter-1.3.9-windows-x64-setup.exe"), []byte("old"), 0o644)
	bad := append(append([]string{}, args[:len(args)-2]...), filepath.Join(dir, "ImageConverter-1.3.9-windows-x64-setup.exe"))
	if err := manifest(bad, &out); err == nil || !strings.Contains(err.Error(), "1.3.9") {
		t.Fatalf("a 1.3.9 package in a 1.4.0 manifest: %v", err)
	}
	os.Remove(filepath.Join(notes, "ja.txt"))
	if err := manifest(args, &out); err == nil || !strings.Contains(err.Error(), "ja") {
		t.Fatalf("notes without Japanese: %v", err)
	}
}

func TestEntitlementKeyFitsTheServer(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "entitlement.key")
	var out bytes.Buffer
	if err := keygen([]string{"-kind", "entitlement", "-kid", "2026-12", "-out", keyFile}, &out); err != nil {
		t.Fatal(err)
	}
	// The file is what ENTITLEMENT_SIGNING_KEY takes; the printed line is licensing/keys.go's.
	if !regexp.MustCompile(`^[A-Za-z0-9+/]{43}=\n$`).MatchString(readFile(t, keyFile)) {
		t.Fatalf("entitlement key file is not a base64 seed: %q", readFile(t, keyFile))
	}
	if !regexp.MustCompile(`"2026-12": "[A-Za-z0-9_-]{43}"`).MatchString(out.String()) || !strings.Contains(out.String(), "gcloud secrets") {
		t.Fatalf("keygen output: %s", out.String())
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func sha(t *testing.T, p string) string {
	t.Helper()
	_, s, err := hashFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The local stack's manifest is trusted with the local key and makes any
// working-tree build ("0.0.0-dev+g<commit>") current, with nothing to install.
func TestLocalManifestMakesLocalBuildsCurrent(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "local.key")
	var out bytes.Buffer
	if err := keygen([]string{"-kind", "update", "-kid", "local", "-out", keyFile}, &out); err != nil {
		t.Fatal(err)
	}
	public := regexp.MustCompile(`"(local:[A-Za-z0-9_-]{43})"`).FindStringSubmatch(out.String())
	if public == nil {
		t.Fatalf("keygen did not print the public line: %s", out.String())
	}
	pub, err := update.ParsePublicKey(public[1])
	if err != nil {
		t.Fatal(err)
	}
	manifestFile := filepath.Join(dir, "updates", "local", "stable.json")
	if err := localManifest([]string{"-key", keyFile, "-out", manifestFile}, &out); err != nil {
		t.Fatal(err)
	}
	m, err := update.Verify([]byte(readFile(t, manifestFile)), []update.PublicKey{pub})
	if err != nil {
		t.Fatalf("the local manifest does not verify with the local key: %v", err)
	}
	if len(m.Files) != 0 || update.Compare(m.Version, "0.0.0-dev+g337f842") != 0 || update.Compare(m.Version, "1.0.0") >= 0 {
		t.Fatalf("local manifest %+v: want no packages and a version equal to working-tree builds, below releases", m)
	}
	if err := localManifest([]string{"-key", filepath.Join(dir, "missing.key"), "-out", manifestFile}, &out); err == nil {
		t.Fatal("a missing key was accepted")
	}
}
