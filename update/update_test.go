package update

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"imageconverter/uierr"
)

// published is a release on a test server: the manifest at
// /stable.json and the package at /ImageConverter-Setup.exe.
type published struct {
	t        *testing.T
	srv      *httptest.Server
	key      ed25519.PrivateKey
	pub      PublicKey
	mu       sync.Mutex
	manifest []byte
	pkg      []byte
	served   int // package downloads
}

func newPublished(t *testing.T) *published {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	r := &published{t: t, key: priv, pub: PublicKey{KeyID: "test-1", Key: pub}}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		defer r.mu.Unlock()
		switch req.URL.Path {
		case "/stable.json":
			if r.manifest == nil {
				http.NotFound(w, req)
				return
			}
			w.Write(r.manifest)
		case "/ImageConverter-Setup.exe":
			r.served++
			w.Write(r.pkg)
		default:
			http.NotFound(w, req)
		}
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// publish signs a manifest for version with key (the release's own when nil)
// whose package entry states the hash of stated (the served bytes when nil).
func (r *published) publish(version, minimum string, pkg []byte, stated []byte, key ed25519.PrivateKey) {
	if stated == nil {
		stated = pkg
	}
	if key == nil {
		key = r.key
	}
	sum := sha256.Sum256(stated)
	m := Manifest{Version: version, MinimumVersion: minimum, Published: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		Notes: map[string]string{"ko": "더 빨라졌습니다", "en": "Faster"},
		Files: map[string]File{"test-os": {URL: r.srv.URL + "/ImageConverter-Setup.exe", Size: int64(len(stated)), SHA256: hex.EncodeToString(sum[:])}}}
	signed, err := Sign(m, r.pub.KeyID, key)
	if err != nil {
		r.t.Fatal(err)
	}
	r.mu.Lock()
	r.manifest, r.pkg = signed, pkg
	r.mu.Unlock()
}

// updater is an Updater of version current on system "test-os" whose
// installs are recorded.
func (r *published) updater(current, dir string, how How) (*Updater, *[]string) {
	var installed []string
	u := New(Config{Source: Source{URL: r.srv.URL + "/stable.json", Keys: []PublicKey{r.pub}}, Current: current, Dir: dir,
		platform: "test-os", how: how, install: func(p string) error { installed = append(installed, p); return nil }})
	return u, &installed
}

// settle waits for a background download to end.
func settle(t *testing.T, u *Updater) Status {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if st := u.Status(); st.Phase != Downloading {
			return st
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("the download did not end")
	return Status{}
}

func TestNewerVersionIsDownloadedVerifiedAndInstalled(t *testing.T) {
	r := newPublished(t)
	pkg := []byte(strings.Repeat("installer bytes ", 5000))
	r.publish("1.4.0", "1.0.0", pkg, nil, nil)
	dir := t.TempDir()
	u, installed := r.updater("1.3.2", dir, HowRestart)

	if err := u.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	st := settle(t, u)
	if !st.Newer || st.Latest != "1.4.0" || st.Notes["ko"] != "더 빨라졌습니다" || st.Required {
		t.Fatalf("status after the check = %+v", st)
	}
	if st.Phase != Ready || st.File != filepath.Join(dir, "ImageConverter-Setup.exe") || st.Done != int64(len(pkg)) {
		t.Fatalf("want the package ready at %s, got %+v", filepath.Join(dir, "ImageConverter-Setup.exe"), st)
	}
	got, err := os.ReadFile(st.File)
	if err != nil || string(got) != string(pkg) {
		t.Fatalf("the downloaded package differs from the published one (%v)", err)
	}
	if err := u.Install(); err != nil {
		t.Fatal(err)
	}
	if len(*installed) != 1 || (*installed)[0] != st.File {
		t.Fatalf("installer runs = %v, want the verified package once", *installed)
	}

	// The next daily check finds the package already there: not downloaded again.
	if err := u.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := settle(t, u); st.Phase != Ready || r.served != 1 {
		t.Fatalf("after a second check: phase %s, package served %d times, want ready and 1", st.Phase, r.served)
	}
}

func TestHashMismatchIsRefusedAndNothingIsInstalled(t *testing.T) {
	r := newPublished(t)
	// The server sends other bytes of the same size than the manifest states.
	stated := []byte(strings.Repeat("A", 4096))
	served := []byte(strings.Repeat("B", 4096))
	r.publish("1.4.0", "", served, stated, nil)
	dir := t.TempDir()
	u, installed := r.updater("1.3.2", dir, HowRestart)
	if err := u.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	st := settle(t, u)
	if st.Phase != Failed || st.Problem != string(CodeHash) || st.File != "" {
		t.Fatalf("status = %+v, want failed with %s and no file", st, CodeHash)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != manifestFile {
			t.Errorf("left behind in the downloads folder: %s", e.Name())
		}
	}
	if err := u.Install(); uierr.CodeOf(err) != CodeInstall || len(*installed) != 0 {
		t.Fatalf("Install after a refused download: %v, installer runs %v; want refused, none", err, *installed)
	}
}

func TestShortDownloadIsRefused(t *testing.T) {
	r := newPublished(t)
	pkg := []byte(strings.Repeat("x", 1000))
	r.publish("1.4.0", "", pkg[:600], pkg, nil) // the server stops short
	u, _ := r.updater("1.3.2", t.TempDir(), HowRestart)
	_ = u.Check(context.Background())
	if st := settle(t, u); st.Phase != Failed || st.Problem != string(CodeSize) {
		t.Fatalf("status = %+v, want failed with %s", st, CodeSize)
	}
}

func TestManifestSignedByAForeignKeyChangesNothing(t *testing.T) {
	r := newPublished(t)
	r.publish("1.4.0", "1.0.0", []byte("good"), nil, nil)
	dir := t.TempDir()
	u, _ := r.updater("1.3.2", dir, HowRestart)
	if err := u.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	settle(t, u)

	// Someone publishes 9.9.9 with a minimum of 9.0.0, signed by their own key under ours.
	_, foreign, _ := ed25519.GenerateKey(rand.Reader)
	r.publish("9.9.9", "9.0.0", []byte("evil"), nil, foreign)
	err := u.Check(context.Background())
	if !errors.Is(err, ErrBadSignature) {
		t.Fatalf("Check = %v, want %v", err, ErrBadSignature)
	}
	st := u.Status()
	if st.Latest != "1.4.0" || st.Required || st.Problem != string(CodeUntrusted) || st.Phase != Ready {
		t.Fatalf("status after the forged manifest = %+v; want 1.4.0 still ready, not required, problem %s", st, CodeUntrusted)
	}
	// Nor does it replace the kept manifest.
	if again := New(Config{Source: Source{Keys: []PublicKey{r.pub}}, Current: "1.3.2", Dir: dir, platform: "test-os"}); again.Status().Latest != "1.4.0" {
		t.Fatalf("kept manifest names %q, want 1.4.0", again.Status().Latest)
	}
}

func TestMinimumVersionRefusesConversionAndHoldsOffline(t *testing.T) {
	r := newPublished(t)
	r.publish("2.0.0", "1.5.0", []byte("pkg"), nil, nil)
	dir := t.TempDir()
	u, _ := r.updater("1.3.2", dir, HowRestart)
	if err := u.Required(); err != nil {
		t.Fatalf("before any check: %v", err)
	}
	if err := u.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	settle(t, u)
	err := u.Required()
	if uierr.CodeOf(err) != CodeRequired {
		t.Fatalf("Required = %v, want code %s", err, CodeRequired)
	}
	var ue *uierr.Error
	if !errors.As(err, &ue) || ue.Detail != "2.0.0" {
		t.Fatalf("the refusal should name the version to install, got %#v", err)
	}

	// Restarted offline: the kept manifest still says so.
	r.srv.Close()
	again, _ := r.updater("1.3.2", dir, HowRestart)
	if uierr.CodeOf(again.Required()) != CodeRequired {
		t.Fatal("after a restart without the server, the minimum version is forgotten")
	}
	if err := again.Check(context.Background()); !errors.Is(err, ErrUnreachable) || again.Status().Problem != string(CodeUnreachable) {
		t.Fatalf("offline check = %v, problem %q", err, again.Status().Problem)
	}
	if uierr.CodeOf(again.Required()) != CodeRequired {
		t.Fatal("an unreachable server lifted the minimum version")
	}

	// The updated app (2.0.0) converts.
	updated, _ := r.updater("2.0.0", dir, HowRestart)
	if err := updated.Required(); err != nil {
		t.Fatalf("the current version is refused: %v", err)
	}
}

// A server that answers without a manifest (nothing published, an outage) is
// not the person's connection: the problem says so, and nothing changes.
func TestServerErrorIsNotBlamedOnTheConnection(t *testing.T) {
	r := newPublished(t) // nothing published: 404
	u, installed := r.updater("1.0.0", t.TempDir(), HowRestart)
	err := u.Check(context.Background())
	if !errors.Is(err, ErrServer) || u.Status().Problem != string(CodeServer) {
		t.Fatalf("404: err %v, problem %q; want %s", err, u.Status().Problem, CodeServer)
	}
	if st := u.Status(); st.Phase != Current || len(*installed) != 0 {
		t.Fatalf("a server error changed the state: %+v", st)
	}
	r.srv.Close()
	if err := u.Check(context.Background()); errors.Is(err, ErrServer) || u.Status().Problem != string(CodeUnreachable) {
		t.Fatalf("server gone: err %v, problem %q; want %s", err, u.Status().Problem, CodeUnreachable)
	}
}

func TestSameVersionIsCurrentAndOldPackagesAreRemoved(t *testing.T) {
	r := newPublished(t)
	r.publish("1.4.0", "", []byte("pkg"), nil, nil)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ImageConverter-1.3.0-Setup.exe"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	u, _ := r.updater("1.4.0+2.gabc1234", dir, HowRestart)
	if err := u.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := settle(t, u); st.Newer || st.Phase != Current || r.served != 0 {
		t.Fatalf("status = %+v (served %d); want current, nothing downloaded", st, r.served)
	}
	if _, err := os.Stat(filepath.Join(dir, "ImageConverter-1.3.0-Setup.exe")); !os.IsNotExist(err) {
		t.Fatal("the package of an older version stays in the downloads folder")
	}
}

func TestLinuxSaysTheCommandInsteadOfInstalling(t *testing.T) {
	r := newPublished(t)
	r.publish("1.4.0", "", []byte("deb"), nil, nil)
	u, installed := r.updater("1.3.2", t.TempDir(), HowCommand)
	_ = u.Check(context.Background())
	if st := settle(t, u); st.Phase != Ready || st.How != HowCommand {
		t.Fatalf("status = %+v", st)
	}
	if err := u.Install(); err != nil || len(*installed) != 0 {
		t.Fatalf("Install = %v, runs %v; want nothing started", err, *installed)
	}
}

func TestVerifyRejectsTamperedManifests(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	keys := []PublicKey{{KeyID: "k1", Key: pub}}
	signed, err := Sign(Manifest{Version: "1.4.0"}, "k1", priv)
	if err != nil {
		t.Fatal(err)
	}
	if m, err := Verify(signed, keys); err != nil || m.Version != "1.4.0" {
		t.Fatalf("Verify(good) = %+v, %v", m, err)
	}
	// The manifest changed after signing: 1.4.0 → 1.5.0.
	body, _ := Sign(Manifest{Version: "1.5.0"}, "k1", priv)
	tampered := strings.Replace(string(signed), manifestField(t, signed), manifestField(t, body), 1)
	if _, err := Verify([]byte(tampered), keys); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("Verify(tampered) = %v, want %v", err, ErrBadSignature)
	}
	if _, err := Verify(signed, []PublicKey{{KeyID: "k2", Key: pub}}); !errors.Is(err, ErrUntrustedKey) {
		t.Fatalf("Verify(unknown kid) = %v, want %v", err, ErrUntrustedKey)
	}
	if _, err := Verify([]byte("<html>"), keys); !errors.Is(err, ErrMalformed) {
		t.Fatalf("Verify(html) = %v, want %v", err, ErrMalformed)
	}
}

func manifestField(t *testing.T, signed []byte) string {
	t.Helper()
	i := strings.Index(string(signed), `"manifest": "`)
	if i < 0 {
		t.Fatalf("no manifest field in %s", signed)
	}
	rest := string(signed)[i+len(`"manifest": "`):]
	v := rest[:strings.Index(rest, `"`)]
	if _, err := base64.RawURLEncoding.DecodeString(v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestParsePublicKey(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	k, err := ParsePublicKey("2026-12:" + base64.RawURLEncoding.EncodeToString(pub))
	if err != nil || k.KeyID != "2026-12" || !k.Key.Equal(pub) {
		t.Fatalf("ParsePublicKey = %+v, %v", k, err)
	}
	for _, bad := range []string{"", "nokid", ":" + base64.RawURLEncoding.EncodeToString(pub), "k:short"} {
		if _, err := ParsePublicKey(bad); err == nil {
			t.Errorf("ParsePublicKey(%q) accepted", bad)
		}
	}
}
