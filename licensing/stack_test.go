package licensing

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"imageconverter/functions/entitlement"
	"imageconverter/functions/wire"
	"imageconverter/licensing/internal/testenv"
	"imageconverter/licensing/secrets"
)

// stack is the real local backend: the functions server on the Firestore
// emulator and the Auth emulator. Tests reach the server through a proxy
// they can switch off, which is how "the server stopped" looks from the app.
type stack struct {
	api      string // the real server
	authHost string
	proxy    *httptest.Server
	down     atomic.Bool
	repoRoot string
	keys     []entitlement.PublicKey // the stack's signing keys, given to clients as trusted
}

func requireStack(t *testing.T) *stack {
	t.Helper()
	v := testenv.Require(t, "IC_API_BASE", "FIREBASE_AUTH_EMULATOR_HOST", "FIRESTORE_EMULATOR_HOST")
	st := &stack{api: v[0], authHost: v[1]}
	_, file, _, _ := runtime.Caller(0)
	st.repoRoot = filepath.Dir(filepath.Dir(file))
	target, err := url.Parse(st.api)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(target)
	st.proxy = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if st.down.Load() {
			panic(http.ErrAbortHandler) // drop the connection: a network error for the client
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(st.proxy.Close)
	st.keys = stackKeys(t, st.api)
	return st
}

// stackKeys fetches the local stack's public keys (GET /v1/keys) once, so
// tests trust them through Options.TrustedKeys: builds without the
// localstack tag never learn keys from a server.
func stackKeys(t *testing.T, api string) []entitlement.PublicKey {
	t.Helper()
	resp, err := http.Get(api + "/v1/keys")
	if err != nil {
		t.Fatalf("GET /v1/keys: %v", err)
	}
	defer resp.Body.Close()
	var set wire.JWKS
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
		t.Fatalf("GET /v1/keys: %v", err)
	}
	keys, err := entitlement.KeysFromJWKS(set)
	if err != nil || len(keys) == 0 {
		t.Fatalf("GET /v1/keys: %d keys, %v", len(keys), err)
	}
	return keys
}

// counter counts requests by method and path at the http.RoundTripper.
// calls holds the requests the server answered (any status but 429/5xx);
// refused holds the attempts that were throttled or failed and retried, so
// a busy shared test server does not inflate the design figure.
type counter struct {
	mu      sync.Mutex
	calls   map[string]int
	refused map[string]int
	next    http.RoundTripper
}

func (c *counter) RoundTrip(r *http.Request) (*http.Response, error) {
	key := r.Method + " " + r.URL.Path
	if i := strings.Index(key, "accounts:"); i >= 0 { // identitytoolkit paths
		key = r.Method + " " + key[i:]
	}
	resp, err := c.next.RoundTrip(r)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.calls == nil {
		c.calls, c.refused = map[string]int{}, map[string]int{}
	}
	if err != nil || resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") != "" || resp.StatusCode >= 500 {
		c.refused[key]++
	} else {
		c.calls[key]++
	}
	return resp, err
}

func (c *counter) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.calls {
		n += v
	}
	return n
}

func (c *counter) get(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[key]
}

func (c *counter) snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := map[string]int{}
	for k, v := range c.calls {
		m[k] = v
	}
	return m
}

type client struct {
	*Service
	clock *fakeClock
	calls *counter
	path  string
}

// newClient is one installation of the app: its own device id, clock,
// secrets file and request counter.
func (st *stack) newClient(t *testing.T, device string) *client {
	t.Helper()
	return st.reopen(t, device, filepath.Join(t.TempDir(), "secrets.json"), &fakeClock{t: time.Now()})
}

// reopen starts the app again on the same secrets file.
func (st *stack) reopen(t *testing.T, device, path string, clock *fakeClock) *client {
	t.Helper()
	return st.reopenAs(t, device, path, clock, "")
}

// reopenAs starts the app again on the same secrets file as another app version ("" = this build's).
func (st *stack) reopenAs(t *testing.T, device, path string, clock *fakeClock, appVersion string) *client {
	t.Helper()
	cfg := DefaultConfig()
	if appVersion != "" {
		cfg.AppVersion = appVersion
	}
	cfg.APIBase = st.proxy.URL
	cfg.AuthEmulatorHost = st.authHost
	calls := &counter{next: http.DefaultTransport}
	svc, err := New(Options{Config: cfg, Store: &secrets.File{Path: path}, StatePath: filepath.Join(filepath.Dir(path), "state.json"), DeviceID: device, DeviceName: "test " + device,
		Clock: clock.Now, HTTP: &http.Client{Transport: calls, Timeout: 20 * time.Second}, Backoff: 20 * time.Millisecond, TrustedKeys: st.keys})
	if err != nil {
		t.Fatal(err)
	}
	return &client{Service: svc, clock: clock, calls: calls, path: path}
}

// admin runs the backend's admin command (functions/cmd/admin) against the
// emulators, e.g. admin(t, "grant", "-email", e, "-plan", "basic"). It uses
// IC_ADMIN_BIN, else the binary scripts/stack.sh built, else builds it once.
func (st *stack) admin(t *testing.T, args ...string) string {
	t.Helper()
	bin := adminBin(t, st.repoRoot)
	cmd := exec.Command(bin, args...)
	cmd.Dir = filepath.Join(st.repoRoot, "functions")
	cmd.Env = append(os.Environ(), "GOOGLE_CLOUD_PROJECT=demo-imageconverter")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("admin %v: %v\n%s", args, err, out)
	}
	return string(out)
}

var (
	adminOnce sync.Once
	adminPath string
	adminErr  error
)

func adminBin(t *testing.T, root string) string {
	if p := os.Getenv("IC_ADMIN_BIN"); p != "" {
		return p
	}
	// scripts/stack.sh builds it into $IC_LOCAL_DIR/bin (default .local/bin).
	local := os.Getenv("IC_LOCAL_DIR")
	if local == "" {
		local = filepath.Join(root, ".local")
	}
	if p := filepath.Join(local, "bin", "admin"); fileExists(p) {
		return p
	}
	adminOnce.Do(func() {
		dir, err := os.MkdirTemp("", "licensing-admin-")
		if err != nil {
			adminErr = err
			return
		}
		adminPath = filepath.Join(dir, "admin")
		cmd := exec.Command("go", "build", "-o", adminPath, "./cmd/admin")
		cmd.Dir = filepath.Join(root, "functions")
		if out, err := cmd.CombinedOutput(); err != nil {
			adminErr = &buildError{out: string(out), err: err}
		}
	})
	if adminErr != nil {
		t.Fatalf("build functions/cmd/admin: %v", adminErr)
	}
	return adminPath
}

type buildError struct {
	out string
	err error
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
