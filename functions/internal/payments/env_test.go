package payments

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cloud.google.com/go/firestore"
	firebase "firebase.google.com/go/v4"
	"firebase.google.com/go/v4/auth"
	"google.golang.org/api/option"

	"imageconverter/functions/internal/config"
	"imageconverter/functions/internal/fscount"
	"imageconverter/functions/internal/httpx"
	"imageconverter/functions/internal/store"
	"imageconverter/functions/toss/faketoss"
	"imageconverter/functions/wire"
)

// The payment tests run the real handler against the Firebase emulators
// (FIRESTORE_EMULATOR_HOST, FIREBASE_AUTH_EMULATOR_HOST) and the fake Toss in
// process, with an injectable clock. Each test keeps its Firestore documents
// in a project of its own (see newPayEnv) and deletes nothing else.

const testSchedulerSecret = "test-scheduler-secret"

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

type payEnv struct {
	t     *testing.T
	ctx   context.Context
	svc   *Service
	fs    *firestore.Client
	auth  *auth.Client
	store *store.Store
	ops   *fscount.Counter // Firestore operations of the service
	api   *httptest.Server
	fake  *faketoss.Server
	clock *testClock
	seoul *time.Location
}

var userSeq atomic.Int64

func newPayEnv(t *testing.T, start time.Time) *payEnv {
	t.Helper()
	fsHost, authHost := os.Getenv("FIRESTORE_EMULATOR_HOST"), os.Getenv("FIREBASE_AUTH_EMULATOR_HOST")
	if fsHost == "" || authHost == "" {
		if os.Getenv("IC_REQUIRE_SERVICES") == "1" {
			t.Fatal("FIRESTORE_EMULATOR_HOST and FIREBASE_AUTH_EMULATOR_HOST are required (scripts/emulators.sh start)")
		}
		t.Skip("emulators not configured: eval \"$(scripts/emulators.sh env)\" to run the payment tests")
	}
	project := os.Getenv("GOOGLE_CLOUD_PROJECT")
	if project == "" {
		project = config.DefaultProjectID
	}
	seoul, _ := time.LoadLocation("Asia/Seoul")
	// Two MIDs, as in production: one-time payments and automatic payments.
	fake := faketoss.NewMerchants(
		faketoss.Merchant{MID: faketoss.DefaultMID, SecretKey: faketoss.DefaultSecretKey, ClientKey: faketoss.DefaultClientKey},
		faketoss.Merchant{MID: faketoss.DefaultBillingMID, SecretKey: faketoss.DefaultBillingSecretKey, ClientKey: faketoss.DefaultBillingClientKey})
	tossSrv := httptest.NewServer(fake)
	t.Cleanup(tossSrv.Close)
	clock := &testClock{t: start}
	fake.Now = clock.Now
	cfg := &config.Config{
		ProjectID: project, FirestoreEmulator: fsHost, AuthEmulator: authHost,
		SchedulerSecret: testSchedulerSecret, TossAPIBase: tossSrv.URL,
		TossSecretKey: faketoss.DefaultSecretKey, TossClientKey: faketoss.DefaultClientKey,
		TossBillingSecretKey: faketoss.DefaultBillingSecretKey, TossBillingClientKey: faketoss.DefaultBillingClientKey,
		OperatorEmail: "ops@example.com",
		QuotaLocation: seoul, CORSOrigins: []string{"http://127.0.0.1:5190"},
		TossSDKURL: tossSrv.URL + "/sdk.js", WebBaseURL: config.LocalWebBase,
	}
	ctx := context.Background()
	// A renewal run charges every due billing document of its Firestore
	// project, so the test keeps its documents in a project of its own on the
	// shared emulator: it sees only its own subscriptions, and it never
	// touches (or deletes) the stack's or other suites' documents. Auth stays
	// on the shared project (the ID tokens are signed for it).
	fsProject := fmt.Sprintf("demo-paytest-%d-%d", time.Now().UnixNano(), userSeq.Add(1))
	// No credentials locally: never look for cloud credentials.
	app, err := firebase.NewApp(ctx, &firebase.Config{ProjectID: project}, option.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	authc, err := app.Auth(ctx)
	if err != nil {
		t.Fatal(err)
	}
	countOpt, ops, err := fscount.Emulator(fsHost)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := firestore.NewClient(ctx, fsProject, option.WithoutAuthentication(), countOpt)
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(fs)
	st.Now = clock.Now
	svc, err := New(Deps{Config: cfg, Firestore: fs, Auth: authc, Store: st, Now: clock.Now})
	if err != nil {
		t.Fatalf("payments: %v", err)
	}
	t.Cleanup(func() {
		fs.Close()
		dropEmulatorProject(t, fsHost, fsProject)
	})
	// The payment routes read the plans (prices, limits): seeded idempotently,
	// as the stack does.
	if _, err := st.SeedPlans(ctx, false); err != nil {
		t.Fatalf("seed plans: %v", err)
	}
	rt := httpx.NewRouter(authc, nil, cfg.SchedulerSecret)
	svc.Register(rt)
	api := httptest.NewServer(rt.Mux())
	t.Cleanup(api.Close)
	return &payEnv{t: t, ctx: ctx, svc: svc, fs: fs, auth: authc, store: st, ops: ops, api: api, fake: fake, clock: clock, seoul: seoul}
}

// user creates an Auth user (with an unrelated custom claim that must
// survive) and its users/{uid} document, and returns uid and an ID token.
func (e *payEnv) user(locale string) (uid, token string) {
	e.t.Helper()
	email := fmt.Sprintf("pay%d-%d@example.com", time.Now().UnixNano(), userSeq.Add(1))
	u, err := e.auth.CreateUser(e.ctx, (&auth.UserToCreate{}).Email(email).Password("secret-123"))
	if err != nil {
		e.t.Fatalf("create user: %v", err)
	}
	if err := e.auth.SetCustomUserClaims(e.ctx, u.UID, map[string]any{"role": "tester"}); err != nil {
		e.t.Fatal(err)
	}
	if err := e.store.TouchUser(e.ctx, u.UID, email, locale); err != nil {
		e.t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"email": email, "password": "secret-123", "returnSecureToken": true})
	resp, err := http.Post("http://"+os.Getenv("FIREBASE_AUTH_EMULATOR_HOST")+"/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=fake-api-key", "application/json", bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ IDToken string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.IDToken == "" {
		e.t.Fatalf("sign in: %v %d", err, resp.StatusCode)
	}
	return u.UID, out.IDToken
}

// call sends a JSON request to the API and decodes a 2xx answer into out; it
// returns the status and the error code of a non-2xx answer.
func (e *payEnv) call(method, path, token string, body, out any, headers ...string) (int, string) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.api.URL+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		var er struct {
			Error struct{ Code, Message string }
		}
		json.Unmarshal(b, &er)
		return resp.StatusCode, er.Error.Code
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			e.t.Fatalf("decode %s: %v: %s", path, err, b)
		}
	}
	return resp.StatusCode, ""
}

func (e *payEnv) mustCall(method, path, token string, body, out any, headers ...string) {
	e.t.Helper()
	if status, code := e.call(method, path, token, body, out, headers...); status != 200 {
		e.t.Fatalf("%s %s: %d %s", method, path, status, code)
	}
}

func (e *payEnv) checkout(token, plan, mode string) wire.CheckoutResponse {
	e.t.Helper()
	var c wire.CheckoutResponse
	e.mustCall("POST", "/v1/checkout", token, wire.CheckoutRequest{Plan: plan, Mode: mode}, &c)
	return c
}

// buyOnce runs the one-time flow the way the checkout pages do.
func (e *payEnv) buyOnce(token, plan, card string) (wire.CheckoutResponse, wire.SubscriptionResponse, int, string) {
	e.t.Helper()
	c := e.checkout(token, plan, modeOnce)
	key := e.fake.OpenPayment(c.OrderID, c.OrderName, c.Amount, card)
	var s wire.SubscriptionResponse
	status, code := e.call("POST", "/v1/payments/confirm", "", wire.ConfirmRequest{PaymentKey: key, OrderID: c.OrderID, Amount: c.Amount}, &s)
	return c, s, status, code
}

// subscribe runs the auto-renew flow the way the checkout pages do.
func (e *payEnv) subscribe(token, plan, card string) (wire.CheckoutResponse, wire.SubscriptionResponse) {
	e.t.Helper()
	c := e.checkout(token, plan, modeSubscription)
	authKey := e.fake.AuthorizeBilling(c.CustomerKey, card)
	var s wire.SubscriptionResponse
	e.mustCall("POST", "/v1/billing/issue", "", wire.BillingIssueRequest{AuthKey: authKey, CustomerKey: c.CustomerKey, OrderID: c.OrderID}, &s)
	return c, s
}

func (e *payEnv) runRenewals() wire.RenewalReport {
	e.t.Helper()
	var r wire.RenewalReport
	e.mustCall("POST", "/v1/renewals/run", "", nil, &r, "X-Scheduler-Secret", testSchedulerSecret)
	return r
}

func (e *payEnv) sub(uid string) *store.SubscriptionDoc {
	e.t.Helper()
	s, err := e.store.Subscription(e.ctx, uid)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

func (e *payEnv) billing(uid string) store.BillingDoc {
	e.t.Helper()
	var b store.BillingDoc
	snap, err := e.fs.Collection(store.ColBilling).Doc(uid).Get(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	snap.DataTo(&b)
	return b
}

// mails returns the kinds of the user's mail documents.
func (e *payEnv) mails(uid string) []store.MailDoc {
	e.t.Helper()
	docs, err := e.fs.Collection(store.ColMail).Where("uid", "==", uid).OrderBy("createdAt", firestore.Asc).Documents(e.ctx).GetAll()
	if err != nil {
		e.t.Fatal(err)
	}
	var out []store.MailDoc
	for _, d := range docs {
		var m store.MailDoc
		d.DataTo(&m)
		out = append(out, m)
	}
	return out
}

func (e *payEnv) claims(uid string) map[string]any {
	e.t.Helper()
	u, err := e.auth.GetUser(e.ctx, uid)
	if err != nil {
		e.t.Fatal(err)
	}
	return u.CustomClaims
}

func (e *payEnv) approvalsFor(orderPrefix string) int {
	n := 0
	for _, a := range e.fake.Approvals() {
		if len(a.OrderID) >= len(orderPrefix) && a.OrderID[:len(orderPrefix)] == orderPrefix {
			n++
		}
	}
	return n
}

func kst(loc *time.Location, y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, loc)
}

// dropEmulatorProject deletes the documents of a test's own Firestore project
// on the emulator (its REST endpoint for one project; no other project is
// touched). A failure only leaves garbage behind, so it is logged.
func dropEmulatorProject(t *testing.T, fsHost, project string) {
	req, _ := http.NewRequest(http.MethodDelete, "http://"+fsHost+"/emulator/v1/projects/"+project+"/databases/(default)/documents", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Logf("clean up Firestore project %s: %v", project, err)
		return
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Logf("clean up Firestore project %s: %s", project, resp.Status)
	}
}
