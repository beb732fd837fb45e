// Command loadtest is a load benchmark (not a test) of GET /v1/entitlement,
// POST /v1/usage/reserve and the desktop's daily call, POST /v1/entitlement
// with a sync entry and a reserve block ("daily"): C concurrent clients for a
// duration per route against
// a running api server on the emulators. It prints throughput, p50, p90, p99
// and errors by code. scripts/loadtest.sh starts a server for it with the rate
// limits off (they would otherwise throttle one machine's 200 clients).
//
//	go run ./cmd/loadtest -base http://127.0.0.1:8081 -clients 200 -duration 30s
//
// It needs FIREBASE_AUTH_EMULATOR_HOST and FIRESTORE_EMULATOR_HOST: it signs up
// one user per client on the Auth emulator and gives them the pro plan (no
// daily limit), so every reservation is a real grant, not quota_exceeded.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"cloud.google.com/go/firestore"
	firebase "firebase.google.com/go/v4"
	"google.golang.org/api/option"

	"imageconverter/functions/internal/claims"
	"imageconverter/functions/internal/config"
	"imageconverter/functions/internal/store"
	"imageconverter/functions/wire"
)

func main() {
	base := flag.String("base", envOr("IC_API_BASE", "http://127.0.0.1:8081"), "api base URL")
	clients := flag.Int("clients", 200, "concurrent clients (one user and device each)")
	duration := flag.Duration("duration", 30*time.Second, "duration per route")
	routes := flag.String("routes", "entitlement,reserve,daily", "routes to load: entitlement, reserve, daily (POST /v1/entitlement with sync and reserve)")
	flag.Parse()

	authHost, fsHost := os.Getenv("FIREBASE_AUTH_EMULATOR_HOST"), os.Getenv("FIRESTORE_EMULATOR_HOST")
	if authHost == "" || fsHost == "" {
		fail(fmt.Errorf("FIREBASE_AUTH_EMULATOR_HOST and FIRESTORE_EMULATOR_HOST must be set (eval \"$(scripts/stack.sh env)\")"))
	}
	project := envOr("GOOGLE_CLOUD_PROJECT", config.DefaultProjectID)
	ctx := context.Background()
	fs, err := firestore.NewClient(ctx, project, option.WithoutAuthentication())
	if err != nil {
		fail(err)
	}
	defer fs.Close()
	st := store.New(fs)
	app, err := firebase.NewApp(ctx, &firebase.Config{ProjectID: project}, option.WithoutAuthentication())
	if err != nil {
		fail(err)
	}
	authc, err := app.Auth(ctx)
	if err != nil {
		fail(err)
	}

	httpc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConns: *clients * 2, MaxIdleConnsPerHost: *clients * 2}}
	fmt.Printf("setting up %d users on the Auth emulator...\n", *clients)
	users := make([]string, *clients)
	run := time.Now().UnixNano()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	var setupErr atomic.Value
	for i := range users {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			email := fmt.Sprintf("load-%d-%d@loadtest.example.com", run, i)
			tok, uid, err := authCall(httpc, authHost, "accounts:signUp", email)
			if err == nil {
				// Pro (no daily limit) with the plan claim in the token, as after a purchase.
				now := time.Now()
				err = st.SetSubscription(ctx, uid, store.SubscriptionDoc{Plan: wire.PlanPro, Status: wire.StatusActive,
					CurrentPeriodStart: now, CurrentPeriodEnd: now.AddDate(0, 1, 0), LastPaymentID: "loadtest"})
			}
			if err == nil {
				err = claims.MirrorPlan(ctx, authc, uid, wire.PlanPro)
			}
			if err == nil {
				tok, _, err = authCall(httpc, authHost, "accounts:signInWithPassword", email)
			}
			if err != nil {
				setupErr.Store(err)
			}
			users[i] = tok
		}()
	}
	wg.Wait()
	if err, _ := setupErr.Load().(error); err != nil {
		fail(fmt.Errorf("setup: %w", err))
	}

	// Warm-up, not measured in the route figures: each client registers its
	// device once (a transaction that takes a device slot), as an installed
	// app has done long before; the steady state is a refresh.
	entitlementReq := func(i, n int) (*http.Request, error) {
		req, err := http.NewRequest("GET", *base+"/v1/entitlement", nil)
		if err == nil {
			req.Header.Set(wire.HeaderDeviceID, fmt.Sprintf("load-device-%d", i))
			req.Header.Set(wire.HeaderDeviceName, "load test")
		}
		return req, err
	}
	reg := loadOnce(httpc, users, entitlementReq)
	reg.print("register", *clients, 0)
	if len(reg.errors) > 0 {
		fail(fmt.Errorf("device registration failed: %v", reg.errors))
	}
	day, err := quotaDay(httpc, users[0], entitlementReq)
	if err != nil {
		fail(err)
	}

	for _, route := range splitComma(*routes) {
		var mk func(i, n int) (*http.Request, error)
		var check func(n int, body []byte) string // "" when a 200 body is right
		switch route {
		case "entitlement":
			mk = entitlementReq
		case "reserve":
			mk = func(i, n int) (*http.Request, error) {
				b, _ := json.Marshal(wire.ReserveRequest{RunID: fmt.Sprintf("load-%d-%d-%d", run, i, n), Count: 1 + n%10})
				req, err := http.NewRequest("POST", *base+"/v1/usage/reserve", bytes.NewReader(b))
				if err == nil {
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set(wire.HeaderDeviceID, fmt.Sprintf("load-device-%d", i)) // registered by loadOnce above
				}
				return req, err
			}
		case "daily":
			// The desktop's refresh: settle the previous block to what was
			// used (or, on a client's first call, record offline conversions)
			// and reserve the next block, in one POST /v1/entitlement.
			mk = func(i, n int) (*http.Request, error) {
				entry := wire.SyncEntry{ID: fmt.Sprintf("daily-off-%d-%d", run, i), Day: day, Count: 3}
				if n > 0 {
					entry = wire.SyncEntry{ID: dailyRunID(run, i, n-1), Day: day, Count: dailyCount(n-1) / 2}
				}
				b, _ := json.Marshal(wire.EntitlementRequest{
					Sync:    []wire.SyncEntry{entry},
					Reserve: &wire.ReserveRequest{RunID: dailyRunID(run, i, n), Count: dailyCount(n)},
				})
				req, err := http.NewRequest("POST", *base+"/v1/entitlement", bytes.NewReader(b))
				if err == nil {
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set(wire.HeaderDeviceID, fmt.Sprintf("load-device-%d", i))
					req.Header.Set(wire.HeaderDeviceName, "load test")
				}
				return req, err
			}
			// A 200 without both parts, or a short grant for a pro user, is a failure too.
			check = func(n int, body []byte) string {
				var e wire.EntitlementResponse
				switch {
				case json.Unmarshal(body, &e) != nil:
					return "200 bad body"
				case e.Entitlement == "":
					return "200 no entitlement"
				case e.Sync == nil:
					return "200 no sync"
				case e.Grant == nil || e.Grant.Granted != dailyCount(n):
					return "200 short grant"
				}
				return ""
			}
		default:
			fail(fmt.Errorf("unknown route %q", route))
		}
		res := load(httpc, users, *duration, mk, check)
		res.print(route, *clients, *duration)
	}
}

// loadOnce sends one request per client, all at once.
func loadOnce(httpc *http.Client, tokens []string, mk func(i, n int) (*http.Request, error)) result {
	var mu sync.Mutex
	res := result{errors: map[string]int{}}
	start := time.Now()
	var wg sync.WaitGroup
	for i, tok := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, code := do(httpc, tok, i, 0, mk, nil)
			mu.Lock()
			defer mu.Unlock()
			if code != "" {
				res.errors[code]++
			} else {
				res.latencies = append(res.latencies, d)
			}
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	return res
}

// do sends one request; code is "" on success, else the error code, "transport",
// or what check (if any) finds wrong in a 200 body.
func do(httpc *http.Client, tok string, i, n int, mk func(i, n int) (*http.Request, error), check func(n int, body []byte) string) (time.Duration, string) {
	req, err := mk(i, n)
	if err != nil {
		return 0, "request"
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	t0 := time.Now()
	resp, err := httpc.Do(req)
	if err != nil {
		return 0, "transport"
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		var e wire.ErrorResponse
		_ = json.Unmarshal(body, &e)
		return 0, fmt.Sprintf("%d %s", resp.StatusCode, e.Error.Code)
	}
	d := time.Since(t0)
	if check != nil {
		if code := check(n, body); code != "" {
			return 0, code
		}
	}
	return d, ""
}

// quotaDay asks the server for today's quota day (its time zone, not ours),
// which sync entries must name.
func quotaDay(httpc *http.Client, tok string, mk func(i, n int) (*http.Request, error)) (string, error) {
	req, err := mk(0, 0)
	if err != nil {
		return "", fmt.Errorf("quota day: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := httpc.Do(req)
	if err != nil {
		return "", fmt.Errorf("quota day: %w", err)
	}
	defer resp.Body.Close()
	var e wire.EntitlementResponse
	if err := json.NewDecoder(resp.Body).Decode(&e); err != nil || resp.StatusCode != 200 || e.Day == "" {
		return "", fmt.Errorf("quota day: GET /v1/entitlement answered %d (%v)", resp.StatusCode, err)
	}
	return e.Day, nil
}

func dailyRunID(run int64, i, n int) string { return fmt.Sprintf("daily-%d-%d-%d", run, i, n) }

// dailyCount is the n-th block a daily client reserves (2..20, even, so half is a real settle).
func dailyCount(n int) int { return 2 * (1 + n%10) }

type result struct {
	latencies []time.Duration // successful requests
	errors    map[string]int  // by error code or transport failure
	elapsed   time.Duration
}

// load runs every client in a closed loop until d has passed; each loop is
// bounded by the deadline (and each request by the client's timeout).
func load(httpc *http.Client, tokens []string, d time.Duration, mk func(i, n int) (*http.Request, error), check func(n int, body []byte) string) result {
	var mu sync.Mutex
	res := result{errors: map[string]int{}}
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for i, tok := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			errs := map[string]int{}
			for n := 0; time.Now().Before(deadline); n++ {
				d, code := do(httpc, tok, i, n, mk, check)
				if code != "" {
					errs[code]++
					continue
				}
				lat = append(lat, d)
			}
			mu.Lock()
			res.latencies = append(res.latencies, lat...)
			for k, v := range errs {
				res.errors[k] += v
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	return res
}

func (r result) print(route string, clients int, d time.Duration) {
	sort.Slice(r.latencies, func(i, j int) bool { return r.latencies[i] < r.latencies[j] })
	pct := func(p float64) time.Duration {
		if len(r.latencies) == 0 {
			return 0
		}
		return r.latencies[min(len(r.latencies)-1, int(p*float64(len(r.latencies))))]
	}
	nerr := 0
	for _, v := range r.errors {
		nerr += v
	}
	fmt.Printf("%-12s clients=%d duration=%s ok=%d errors=%d throughput=%.1f req/s p50=%s p90=%s p99=%s max=%s errorsByCode=%v\n",
		route, clients, d, len(r.latencies), nerr, float64(len(r.latencies))/r.elapsed.Seconds(),
		pct(0.50).Round(time.Millisecond), pct(0.90).Round(time.Millisecond), pct(0.99).Round(time.Millisecond),
		pct(1).Round(time.Millisecond), r.errors)
}

// authCall signs up or signs in email on the Auth emulator.
func authCall(c *http.Client, authHost, method, email string) (token, uid string, err error) {
	b, _ := json.Marshal(map[string]any{"email": email, "password": "loadtest-123", "returnSecureToken": true})
	resp, err := c.Post("http://"+authHost+"/identitytoolkit.googleapis.com/v1/"+method+"?key=loadtest", "application/json", bytes.NewReader(b))
	if err != nil {
		return "", "", fmt.Errorf("%s %s: %w", method, email, err)
	}
	defer resp.Body.Close()
	var out struct{ IDToken, LocalID string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
		return "", "", fmt.Errorf("%s %s: status %d %v", method, email, resp.StatusCode, err)
	}
	return out.IDToken, out.LocalID, nil
}

func splitComma(s string) []string {
	var out []string
	for _, p := range bytes.Split([]byte(s), []byte(",")) {
		if len(p) > 0 {
			out = append(out, string(p))
		}
	}
	return out
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "loadtest:", err)
	os.Exit(1)
}
