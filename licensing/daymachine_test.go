package licensing

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"imageconverter/functions/entitlement"
	"imageconverter/functions/wire"
	"imageconverter/licensing/secrets"
)

// dayMachine lets a month of use run against the real local server in a few
// seconds. The server keeps its real clock, so without help every simulated
// day would be the same server day, and day blocks, their expiry and the
// the syncs carried by refreshes could not be measured. The machine sits between the
// client and the server (inside the request counter, so it adds no counted
// call) and makes the server look as if it lived on the simulated clock:
//
//   - responses: the Date header, serverTime, offlineUntil and the quota day
//     are moved to the simulated time, and the signed entitlement is signed
//     again (same user, device, plan and limits) at the simulated time by a
//     test key the client is built to trust;
//   - requests: sync entries (POST /v1/usage/sync and POST /v1/entitlement)
//     of simulated day D go to the real day the same
//     number of days before the real today, so settlements of past days never
//     touch the real today's count, as on a real server;
//   - when the simulated Seoul day changes it deletes the account's usage
//     document of the real today in the Firestore emulator: the server's day
//     starts from zero, as a new day would.
//
// What the server decides (grants, replays, the daily limit, settlements) is
// the real server's; only the calendar is simulated.
type dayMachine struct {
	next    http.RoundTripper
	clock   *fakeClock
	signer  *entitlement.Signer
	fsHost  string
	project string

	mu      sync.Mutex
	uid     string // set once signed up: whose usage document a new day clears
	lastDay string
}

func newDayMachine(t *testing.T, clock *fakeClock) *dayMachine {
	seed := make([]byte, 32)
	rand.Read(seed)
	signer, err := entitlement.NewSigner("sim-"+strconv.FormatInt(time.Now().UnixNano(), 36), seed)
	if err != nil {
		t.Fatal(err)
	}
	project := os.Getenv("IC_PROJECT_ID")
	if project == "" {
		project = DefaultConfig().ProjectID
	}
	return &dayMachine{next: http.DefaultTransport, clock: clock, signer: signer.WithClock(clock.Now),
		fsHost: os.Getenv("FIRESTORE_EMULATOR_HOST"), project: project, lastDay: DayOf(clock.Now())}
}

// realDay maps a simulated day to the real day as many days before the real today.
func (m *dayMachine) realDay(sim string) string {
	d, err := time.Parse(time.DateOnly, sim)
	s, err2 := time.Parse(time.DateOnly, DayOf(m.clock.Now()))
	if err != nil || err2 != nil {
		return sim
	}
	return DayOf(time.Now().Add(-s.Sub(d)))
}

func (m *dayMachine) RoundTrip(r *http.Request) (*http.Response, error) {
	m.mu.Lock()
	today := DayOf(m.clock.Now())
	newDay := today != m.lastDay
	m.lastDay = today
	uid := m.uid
	m.mu.Unlock()
	if newDay && uid != "" {
		if err := m.clearRealToday(uid); err != nil {
			return nil, err
		}
	}
	syncRoute := strings.HasSuffix(r.URL.Path, "/v1/usage/sync")
	if (syncRoute || strings.HasSuffix(r.URL.Path, "/v1/entitlement")) && r.Method == http.MethodPost && r.Body != nil {
		var body any // POST /v1/entitlement carries entries too
		var entries *[]wire.SyncEntry
		if syncRoute {
			req := &wire.SyncRequest{}
			body, entries = req, &req.Entries
		} else {
			req := &wire.EntitlementRequest{}
			body, entries = req, &req.Sync
		}
		if err := json.NewDecoder(r.Body).Decode(body); err != nil {
			return nil, err
		}
		for i := range *entries {
			(*entries)[i].Day = m.realDay((*entries)[i].Day)
		}
		b, _ := json.Marshal(body)
		r = r.Clone(r.Context())
		r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
	}
	resp, err := m.next.RoundTrip(r)
	if err != nil || !strings.HasPrefix(r.URL.Path, "/v1/") { // the functions API only, not Firebase Auth
		return resp, err
	}
	now := m.clock.Now()
	resp.Header.Set("Date", now.UTC().Format(http.TimeFormat))
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	var obj map[string]any
	if json.Unmarshal(body, &obj) == nil && obj != nil {
		if _, ok := obj["day"]; ok {
			obj["day"] = today
		}
		for _, part := range []string{"sync", "grant"} { // POST /v1/entitlement's results
			if p, ok := obj[part].(map[string]any); ok {
				p["day"] = today
			}
		}
		if _, ok := obj["serverTime"]; ok {
			obj["serverTime"] = now.UTC().Truncate(time.Second)
		}
		if _, ok := obj["offlineUntil"]; ok {
			obj["offlineUntil"] = now.UTC().Truncate(time.Second).Add(entitlement.OfflineGrace)
		}
		if tok, ok := obj["entitlement"].(string); ok && tok != "" {
			if obj["entitlement"], err = m.resign(tok); err != nil {
				return nil, err
			}
		}
		body, _ = json.Marshal(obj)
		resp.Header.Del("Content-Length")
		resp.ContentLength = int64(len(body))
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// resign signs the server's entitlement again at the simulated time. The
// server's signature is not checked here: the client under test checks ours.
func (m *dayMachine) resign(tok string) (string, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return "", fmt.Errorf("day machine: entitlement is not a JWT")
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", fmt.Errorf("day machine: entitlement body: %w", err)
	}
	var c struct {
		Sub       string      `json:"sub"`
		Plan      string      `json:"plan"`
		Limits    wire.Limits `json:"limits"`
		Device    string      `json:"device"`
		PeriodEnd *int64      `json:"periodEnd"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return "", fmt.Errorf("day machine: entitlement claims: %w", err)
	}
	e := entitlement.Entitlement{UserID: c.Sub, Plan: c.Plan, Limits: c.Limits, Device: c.Device}
	if c.PeriodEnd != nil {
		pe := time.Unix(*c.PeriodEnd, 0)
		e.PeriodEnd = &pe
	}
	return m.signer.Sign(e)
}

// clearRealToday deletes usage/{uid}/days/{real today} in the Firestore emulator.
func (m *dayMachine) clearRealToday(uid string) error {
	u := fmt.Sprintf("http://%s/v1/projects/%s/databases/(default)/documents/usage/%s/days/%s", m.fsHost, m.project, uid, DayOf(time.Now()))
	req, _ := http.NewRequest(http.MethodDelete, u, nil)
	req.Header.Set("Authorization", "Bearer owner") // the emulator's admin access
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("day machine: clear the server's day: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNotFound {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("day machine: clear the server's day: %s %s", resp.Status, b)
	}
	return nil
}

// newSimClient is newClient on the day machine's calendar: the client's
// clock is the machine's and it trusts the machine's key only.
func (st *stack) newSimClient(t *testing.T, device string, m *dayMachine) *client {
	t.Helper()
	path := filepath.Join(t.TempDir(), "secrets.json")
	cfg := DefaultConfig()
	cfg.APIBase = st.proxy.URL
	cfg.AuthEmulatorHost = st.authHost
	calls := &counter{next: m}
	svc, err := New(Options{Config: cfg, Store: &secrets.File{Path: path}, StatePath: filepath.Join(filepath.Dir(path), "state.json"), DeviceID: device, DeviceName: "test " + device,
		Clock: m.clock.Now, HTTP: &http.Client{Transport: calls, Timeout: 20 * time.Second}, Backoff: 20 * time.Millisecond,
		TrustedKeys: []entitlement.PublicKey{m.signer.PublicKey()}})
	if err != nil {
		t.Fatal(err)
	}
	return &client{Service: svc, clock: m.clock, calls: calls, path: path}
}
