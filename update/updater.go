package update

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"imageconverter/uierr"
)

// How the user finishes an update once the package is downloaded.
type How string

const (
	HowRestart How = "restart" // Windows: the app runs the installer and restarts
	HowOpen    How = "open"    // macOS: the disk image opens
	HowCommand How = "command" // Linux: one apt command (needs the administrator)
)

// Phase is where the update stands.
type Phase string

const (
	Current     Phase = "current"     // no newer version known
	Available   Phase = "available"   // newer, not downloaded (no package for this system, or a retry is due)
	Downloading Phase = "downloading" // Done of Total bytes so far
	Ready       Phase = "ready"       // downloaded and verified: File
	Failed      Phase = "failed"      // the download was refused or broke: Problem says why
)

// Codes the UI translates (frontend locales, "err.<code>").
var (
	CodeRequired    = uierr.Declare("update_required")
	CodeUnreachable = uierr.Declare("update_unreachable")
	CodeServer      = uierr.Declare("update_server")
	CodeUntrusted   = uierr.Declare("update_untrusted")
	CodeHash        = uierr.Declare("update_hash")
	CodeSize        = uierr.Declare("update_size")
	CodeDownload    = uierr.Declare("update_download")
	CodeInstall     = uierr.Declare("update_install")
)

// Status is what the UI shows.
type Status struct {
	Current  string            // this app's version
	Latest   string            // the newest published version ("" before a check)
	Minimum  string            // the oldest version that may still convert
	Newer    bool              // Latest is newer than Current
	Required bool              // Current is below Minimum: conversions are refused until updated
	Notes    map[string]string // Latest's release notes by language
	Phase    Phase
	Done     int64 // bytes downloaded (Downloading)
	Total    int64 // bytes of the package
	How      How
	File     string    // the verified package (Ready)
	Problem  string    // a code above: the last check or download went wrong (the app is unchanged)
	Checked  time.Time // the last successful check
	// Seq grows with every change: the UI keeps the newest of the events and
	// of a call's answer, which may arrive after later events.
	Seq uint64
}

// Config wires an Updater.
type Config struct {
	Source  Source
	Current string // this app's version (version.Version)
	// Dir keeps the downloads and the last trusted manifest (so the minimum
	// version holds offline too); the user's cache folder.
	Dir     string
	Changed func(Status) // every change; nil: nobody listens
	Every   time.Duration
	HTTP    *http.Client // downloads; nil: no timeout beyond the context
	Now     func() time.Time

	// platform and install are this system's (install_*.go); tests set them.
	platform string
	how      How
	install  func(path string) error
}

// Updater checks, downloads and starts updates.
type Updater struct {
	cfg Config

	mu          sync.Mutex
	st          Status
	file        File   // the package of st.Latest for this system
	downloading string // the version being downloaded, "" when none
}

// manifestFile keeps the last trusted manifest, as published.
const manifestFile = "manifest.json"

// New returns an Updater that knows the last manifest it trusted.
func New(cfg Config) *Updater {
	if cfg.Every <= 0 {
		cfg.Every = 24 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.platform == "" {
		cfg.platform, cfg.how, cfg.install = platformKey, installKind, startInstall
	}
	u := &Updater{cfg: cfg, st: Status{Current: cfg.Current, Phase: Current, How: cfg.how}}
	if data, err := os.ReadFile(filepath.Join(cfg.Dir, manifestFile)); err == nil {
		if m, err := Verify(data, cfg.Source.Keys); err == nil {
			u.learn(m)
		}
	}
	return u
}

// Run checks now and then every cfg.Every until ctx ends.
func (u *Updater) Run(ctx context.Context) {
	t := time.NewTicker(u.cfg.Every)
	defer t.Stop()
	for {
		_ = u.Check(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Check fetches the manifest and, when it names a newer version with a
// package for this system, downloads it in the background. An unreachable
// server or an untrusted manifest changes nothing but Problem.
func (u *Updater) Check(ctx context.Context) error {
	m, data, err := u.cfg.Source.Fetch(ctx)
	if err != nil {
		code := CodeUnreachable
		if errors.Is(err, ErrServer) {
			code = CodeServer
		} else if !errors.Is(err, ErrUnreachable) {
			code = CodeUntrusted // signed by another key, a bad signature, or garbled
		}
		u.change(func(s *Status) { s.Problem = string(code) })
		return err
	}
	if err := writeAtomic(filepath.Join(u.cfg.Dir, manifestFile), data); err != nil {
		// Only the offline memory of the minimum version is lost.
		_ = err
	}
	u.learn(m)
	u.cleanDownloads()
	u.startDownload(ctx)
	return nil
}

// Retry checks again (after a failed download, or when the user asks).
func (u *Updater) Retry(ctx context.Context) error { return u.Check(ctx) }

// Status is the update's state now.
func (u *Updater) Status() Status {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.st
}

// Required refuses conversions while this version is below the manifest's
// minimum; nil otherwise.
func (u *Updater) Required() error {
	st := u.Status()
	if !st.Required {
		return nil
	}
	return uierr.With(CodeRequired, "This version ("+st.Current+") can no longer convert: update to "+st.Latest+".", st.Latest, nil)
}

// Install starts the downloaded update: on Windows the installer, which
// waits for the app to quit (the caller quits it) and starts the new
// version; on macOS the disk image opens. On Linux there is nothing to start:
// the status names the command.
func (u *Updater) Install() error {
	st := u.Status()
	if st.Phase != Ready || st.File == "" {
		return uierr.With(CodeInstall, "The update is not downloaded yet.", "", nil)
	}
	if u.cfg.how == HowCommand {
		return nil
	}
	if err := u.cfg.install(st.File); err != nil {
		return uierr.With(CodeInstall, "The installer could not be started.", st.File, err)
	}
	return nil
}

// learn takes in a trusted manifest.
func (u *Updater) learn(m Manifest) {
	f, ok := m.Files[u.cfg.platform]
	u.change(func(s *Status) {
		s.Latest, s.Minimum, s.Notes = m.Version, m.MinimumVersion, m.Notes
		s.Newer = Compare(s.Current, m.Version) < 0
		s.Required = m.MinimumVersion != "" && Compare(s.Current, m.MinimumVersion) < 0
		s.Checked = u.cfg.Now()
		s.Problem = ""
		switch {
		case !s.Newer:
			s.Phase, s.File, s.Done, s.Total = Current, "", 0, 0
		case !ok:
			s.Phase = Available // published, but not (yet) for this system
		case s.Phase == Ready && s.File != "" && filepath.Base(s.File) == packageName(m.Version, f):
		case s.Phase != Downloading:
			s.Phase, s.Total = Available, f.Size
		}
	})
	u.mu.Lock()
	u.file = f
	u.mu.Unlock()
}

// startDownload downloads the newer version's package in the background,
// unless it is already downloaded or downloading.
func (u *Updater) startDownload(ctx context.Context) {
	u.mu.Lock()
	st, f := u.st, u.file
	if !st.Newer || f.URL == "" || st.Phase == Ready || u.downloading == st.Latest {
		u.mu.Unlock()
		return
	}
	u.downloading = st.Latest
	u.mu.Unlock()
	u.change(func(s *Status) { s.Phase, s.Done, s.Total, s.Problem = Downloading, 0, f.Size, "" })

	go func() {
		version := st.Latest
		name := packageName(version, f)
		// A package downloaded before (and still whole) is not fetched twice.
		var path string
		var err error
		if p := filepath.Join(u.cfg.Dir, name); verifyFile(p, f) == nil {
			path = p
		} else {
			path, err = Download(ctx, u.cfg.HTTP, f, u.cfg.Dir, name, func(done, total int64) {
				u.change(func(s *Status) { s.Done, s.Total = done, total })
			})
		}
		u.mu.Lock()
		u.downloading = ""
		u.mu.Unlock()
		u.change(func(s *Status) {
			if s.Latest != version { // a newer manifest arrived meanwhile: its own download follows
				return
			}
			if err != nil {
				s.Phase, s.Problem, s.File = Failed, string(downloadCode(err)), ""
				return
			}
			s.Phase, s.File, s.Done = Ready, path, f.Size
		})
	}()
}

func downloadCode(err error) uierr.Code {
	switch {
	case errors.Is(err, ErrHashMismatch):
		return CodeHash
	case errors.Is(err, ErrSizeMismatch):
		return CodeSize
	case errors.Is(err, ErrMalformed):
		return CodeUntrusted
	}
	return CodeDownload
}

// change applies f to the status and tells the listener.
func (u *Updater) change(f func(*Status)) {
	u.mu.Lock()
	f(&u.st)
	u.st.Seq++
	st := u.st
	u.mu.Unlock()
	if u.cfg.Changed != nil {
		u.cfg.Changed(st)
	}
}

// packageName is the file name the package is saved under: the URL's last
// element when it is a plain file name, so the user recognises it in the
// downloads folder (Linux says "sudo apt install ./<it>").
func packageName(version string, f File) string {
	if u, err := url.Parse(f.URL); err == nil {
		if b := path.Base(u.Path); safeName.MatchString(b) {
			return b
		}
	}
	return "ImageConverter-" + strings.Map(func(r rune) rune {
		if r == '.' || r == '-' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') {
			return r
		}
		return '_'
	}, version) + ".update"
}

var safeName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]{0,120}$`)

// cleanDownloads removes packages of other versions and interrupted downloads.
func (u *Updater) cleanDownloads() {
	u.mu.Lock()
	keep := ""
	if u.st.Newer && u.file.URL != "" {
		keep = packageName(u.st.Latest, u.file)
	}
	busy := u.downloading != ""
	u.mu.Unlock()
	if busy {
		return
	}
	entries, _ := os.ReadDir(u.cfg.Dir)
	for _, e := range entries {
		if n := e.Name(); n != manifestFile && n != keep && !e.IsDir() {
			os.Remove(filepath.Join(u.cfg.Dir, n))
		}
	}
}
