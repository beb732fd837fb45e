// Package config reads the backend's settings from the environment. The same
// names are used in production (Cloud Functions, values from Secret Manager)
// and locally (scripts/stack.sh). Locally, when the emulators are in use and
// no signing key is set, a development key is generated into an ignored file.
package config

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"imageconverter/functions/entitlement"
	"imageconverter/functions/toss"
)

// Defaults of the local stack (docs/ARCHITECTURE.md).
const (
	DefaultPort      = "8081"
	DefaultProjectID = "demo-imageconverter"
	DefaultTimeZone  = "Asia/Seoul"
	DefaultTossBase  = "https://api.tosspayments.com"
	LocalTossBase    = "http://127.0.0.1:8091"
	// DefaultTossSDKURL is the Toss JS SDK v2 (the script the npm package
	// @tosspayments/tosspayments-sdk loads); locally the fake Toss serves a
	// stand-in at $TOSS_API_BASE/sdk.js.
	DefaultTossSDKURL = "https://js.tosspayments.com/v2/standard"
	// LocalWebBase is the Hosting emulator serving web/ (the checkout pages).
	LocalWebBase = "http://127.0.0.1:5190"
)

// The fake Toss's keys (faketoss.Default*; a test checks they agree): the
// local stack uses them when no Toss keys are set.
const (
	LocalTossSecretKey        = "test_sk_fake_imageconverter"
	LocalTossClientKey        = "test_ck_fake_imageconverter"
	LocalTossBillingSecretKey = "test_sk_fake_imageconverter_billing"
	LocalTossBillingClientKey = "test_ck_fake_imageconverter_billing"
)

// Config is everything the backend reads from the environment.
type Config struct {
	Port      string // PORT
	ProjectID string // GOOGLE_CLOUD_PROJECT (or GCLOUD_PROJECT)

	FirestoreEmulator string // FIRESTORE_EMULATOR_HOST
	AuthEmulator      string // FIREBASE_AUTH_EMULATOR_HOST

	// Signer signs entitlements (ENTITLEMENT_SIGNING_KEY + ENTITLEMENT_KEY_ID,
	// or the generated development key).
	Signer *entitlement.Signer
	// TrustedKeys are published at GET /v1/keys: the signer's key first, then
	// ENTITLEMENT_EXTRA_PUBLIC_KEYS ("kid:base64url-x,...") kept during a rotation.
	TrustedKeys []entitlement.PublicKey
	// DevKeyFile is set when the development key was used (path of the file).
	DevKeyFile string

	SchedulerSecret string // SCHEDULER_SECRET: shared secret of POST /v1/renewals/run
	// Cloud Scheduler's OIDC token on POST /v1/renewals/run is accepted when it
	// is for SchedulerOIDCAudience (the URL the job calls) and from
	// SchedulerServiceAccount; both or neither are set. With them, production
	// needs no SchedulerSecret.
	SchedulerOIDCAudience   string // SCHEDULER_OIDC_AUDIENCE
	SchedulerServiceAccount string // SCHEDULER_SERVICE_ACCOUNT

	TossAPIBase string // TOSS_API_BASE
	// Toss contracts one-time payments and automatic payments (자동결제,
	// billing keys) separately, usually on two MIDs with their own keys:
	// TossSecretKey/TossClientKey are the one-time MID's (TOSS_SECRET_KEY,
	// TOSS_CLIENT_KEY), TossBillingSecretKey/TossBillingClientKey the
	// automatic-payments MID's (TOSS_BILLING_SECRET_KEY, TOSS_BILLING_CLIENT_KEY;
	// the same values when one MID has both contracts). All are API 개별
	// 연동 키 (…_sk_…, …_ck_…), all test_ or all live_ (checked).
	TossSecretKey        string
	TossClientKey        string
	TossBillingSecretKey string
	TossBillingClientKey string
	// TossBillingUpgrades allows charging the registered card off-cycle for
	// an upgrade (POST /v1/subscription/change; TOSS_BILLING_UPGRADES=1).
	// Off by default: upgrades are one-time payments through checkout unless
	// the automatic-payments contract allows such charges (docs/payments.md).
	TossBillingUpgrades bool
	// OperatorEmail receives the alerts a person must act on (a renewal that
	// Toss refused for a reason the customer cannot fix); OPERATOR_EMAIL.
	OperatorEmail string
	// TossSDKURL is the Toss JS SDK the checkout pages load (TOSS_SDK_URL;
	// default DefaultTossSDKURL, locally TossAPIBase + "/sdk.js").
	TossSDKURL string
	// WebBaseURL is where the checkout pages are served, without a trailing
	// slash (WEB_BASE_URL; default https://<project>.web.app, locally LocalWebBase).
	WebBaseURL string

	// QuotaLocation is the time zone of the "day" of daily limits (QUOTA_TIME_ZONE).
	QuotaLocation *time.Location

	// Rate limits (requests per second, burst). 0 rps disables that limiter.
	// Defaults: production 20/60 per IP and 5/30 per user; emulated 200/400 and 20/60.
	IPRate, UserRate   float64 // RATE_LIMIT_IP_RPS, RATE_LIMIT_USER_RPS
	IPBurst, UserBurst int     // RATE_LIMIT_IP_BURST, RATE_LIMIT_USER_BURST
	// TrustProxy takes the client IP from X-Forwarded-For (TRUST_PROXY; on by
	// default in production, where Google's front end adds the header), and
	// TrustedProxies is how many proxies of ours append to that header: the
	// client is the TrustedProxies-th entry from the right (entries further
	// left are whatever the client sent). TRUST_PROXY=1 or true: one proxy
	// (Google's front end of Cloud Functions/Cloud Run, the default); 2: an
	// external HTTPS load balancer in front of it; 0 or false: off.
	TrustProxy     bool
	TrustedProxies int
	// CORSOrigins may call the API from a browser (CORS_ORIGINS, comma-separated).
	CORSOrigins []string
}

// Emulated reports whether the backend runs against the Firebase emulators.
func (c *Config) Emulated() bool { return c.FirestoreEmulator != "" }

// FromEnv reads the configuration. Errors say which variable is wrong and how
// to fix it; production (no emulator host set) refuses missing secrets.
func FromEnv() (*Config, error) {
	c := &Config{
		Port:                    env("PORT", DefaultPort),
		ProjectID:               env("GOOGLE_CLOUD_PROJECT", env("GCLOUD_PROJECT", DefaultProjectID)),
		FirestoreEmulator:       os.Getenv("FIRESTORE_EMULATOR_HOST"),
		AuthEmulator:            os.Getenv("FIREBASE_AUTH_EMULATOR_HOST"),
		SchedulerSecret:         os.Getenv("SCHEDULER_SECRET"),
		SchedulerOIDCAudience:   os.Getenv("SCHEDULER_OIDC_AUDIENCE"),
		SchedulerServiceAccount: os.Getenv("SCHEDULER_SERVICE_ACCOUNT"),
		TossSecretKey:           os.Getenv("TOSS_SECRET_KEY"),
		TossClientKey:           os.Getenv("TOSS_CLIENT_KEY"),
		TossBillingSecretKey:    os.Getenv("TOSS_BILLING_SECRET_KEY"),
		TossBillingClientKey:    os.Getenv("TOSS_BILLING_CLIENT_KEY"),
		OperatorEmail:           strings.TrimSpace(os.Getenv("OPERATOR_EMAIL")),
	}
	var problems []string
	if c.Emulated() != (c.AuthEmulator != "") {
		problems = append(problems, "FIRESTORE_EMULATOR_HOST and FIREBASE_AUTH_EMULATOR_HOST must be set together (both emulators, or production)")
	}
	if c.Emulated() {
		for _, k := range []struct {
			v   *string
			def string
		}{{&c.TossSecretKey, LocalTossSecretKey}, {&c.TossClientKey, LocalTossClientKey},
			{&c.TossBillingSecretKey, LocalTossBillingSecretKey}, {&c.TossBillingClientKey, LocalTossBillingClientKey}} {
			if *k.v == "" {
				*k.v = k.def
			}
		}
		c.TossAPIBase = env("TOSS_API_BASE", LocalTossBase)
		// The fake Toss serves a stand-in of the SDK that opens its own windows.
		c.TossSDKURL = env("TOSS_SDK_URL", strings.TrimRight(c.TossAPIBase, "/")+"/sdk.js")
		c.WebBaseURL = env("WEB_BASE_URL", LocalWebBase)
	} else {
		c.TossAPIBase = env("TOSS_API_BASE", DefaultTossBase)
		c.TossSDKURL = env("TOSS_SDK_URL", DefaultTossSDKURL)
		c.WebBaseURL = env("WEB_BASE_URL", "https://"+c.ProjectID+".web.app")
	}
	c.WebBaseURL = strings.TrimRight(c.WebBaseURL, "/")
	switch v := strings.TrimSpace(os.Getenv("TOSS_BILLING_UPGRADES")); v {
	case "", "0", "false":
	case "1", "true":
		c.TossBillingUpgrades = true
	default:
		problems = append(problems, fmt.Sprintf("TOSS_BILLING_UPGRADES=%q: want 1 (the automatic-payments contract allows off-cycle charges for upgrades) or 0", v))
	}
	problems = append(problems, toss.CheckKeys(
		toss.KeyPair{ClientName: "TOSS_CLIENT_KEY", Client: c.TossClientKey, SecretName: "TOSS_SECRET_KEY", Secret: c.TossSecretKey},
		toss.KeyPair{ClientName: "TOSS_BILLING_CLIENT_KEY", Client: c.TossBillingClientKey, SecretName: "TOSS_BILLING_SECRET_KEY", Secret: c.TossBillingSecretKey},
	)...)
	if (c.SchedulerOIDCAudience == "") != (c.SchedulerServiceAccount == "") {
		problems = append(problems, "SCHEDULER_OIDC_AUDIENCE and SCHEDULER_SERVICE_ACCOUNT must be set together (the scheduler job's URL and its service account)")
	}
	tz := env("QUOTA_TIME_ZONE", DefaultTimeZone)
	loc, err := time.LoadLocation(tz)
	if err != nil {
		problems = append(problems, fmt.Sprintf("QUOTA_TIME_ZONE=%q is not a time zone (%v)", tz, err))
	}
	c.QuotaLocation = loc

	// Locally every client (tests, the app, browsers) shares 127.0.0.1, so the
	// per-IP bucket is larger there; production defaults are per real client.
	ipRate, ipBurst, userRate, userBurst := 20.0, 60.0, 5.0, 30.0
	if c.Emulated() {
		ipRate, ipBurst, userRate, userBurst = 200, 400, 20, 60
	}
	c.IPRate, problems = float(problems, "RATE_LIMIT_IP_RPS", ipRate)
	c.UserRate, problems = float(problems, "RATE_LIMIT_USER_RPS", userRate)
	var b float64
	b, problems = float(problems, "RATE_LIMIT_IP_BURST", ipBurst)
	c.IPBurst = int(b)
	b, problems = float(problems, "RATE_LIMIT_USER_BURST", userBurst)
	c.UserBurst = int(b)
	c.TrustedProxies = 1
	if c.Emulated() {
		c.TrustedProxies = 0
	}
	if v := strings.TrimSpace(os.Getenv("TRUST_PROXY")); v != "" {
		switch n, err := strconv.Atoi(v); {
		case strings.EqualFold(v, "true"):
			c.TrustedProxies = 1
		case strings.EqualFold(v, "false"):
			c.TrustedProxies = 0
		case err == nil && n >= 0 && n <= 10:
			c.TrustedProxies = n
		default:
			problems = append(problems, fmt.Sprintf("TRUST_PROXY=%q: want the number of proxies that append to X-Forwarded-For (0–10; 1 behind Google's front end), true or false", v))
		}
	}
	c.TrustProxy = c.TrustedProxies > 0

	cors := os.Getenv("CORS_ORIGINS")
	if cors == "" && c.Emulated() {
		cors = "http://127.0.0.1:5190,http://localhost:5190"
	}
	for _, o := range strings.Split(cors, ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.CORSOrigins = append(c.CORSOrigins, o)
		}
	}

	if err := c.loadSigner(); err != nil {
		problems = append(problems, err.Error())
	}
	if !c.Emulated() {
		for _, k := range []struct{ name, v string }{
			{"TOSS_SECRET_KEY", c.TossSecretKey}, {"TOSS_CLIENT_KEY", c.TossClientKey},
			{"TOSS_BILLING_SECRET_KEY", c.TossBillingSecretKey}, {"TOSS_BILLING_CLIENT_KEY", c.TossBillingClientKey},
		} {
			if k.v == "" {
				problems = append(problems, k.name+" is not set (production needs the keys of both Toss MIDs; see docs/payments.md)")
			}
		}
		// The renewal route needs one way to authenticate Cloud Scheduler.
		if c.SchedulerSecret == "" && c.SchedulerOIDCAudience == "" {
			problems = append(problems, "SCHEDULER_SECRET is not set, nor SCHEDULER_OIDC_AUDIENCE with SCHEDULER_SERVICE_ACCOUNT (production needs one to authenticate Cloud Scheduler; see functions/README.md, Deploy)")
		}
	}
	if len(problems) > 0 {
		return nil, errors.New("config: " + strings.Join(problems, "; "))
	}
	return c, nil
}

func (c *Config) loadSigner() error {
	seedText, kid := os.Getenv("ENTITLEMENT_SIGNING_KEY"), os.Getenv("ENTITLEMENT_KEY_ID")
	switch {
	case seedText != "":
		if kid == "" {
			return errors.New("ENTITLEMENT_KEY_ID is not set (the kid of ENTITLEMENT_SIGNING_KEY)")
		}
		seed, err := entitlement.ParseSeed(strings.TrimSpace(seedText))
		if err != nil {
			return fmt.Errorf("ENTITLEMENT_SIGNING_KEY: %v (want base64 of a 32-byte Ed25519 seed, e.g. `head -c32 /dev/urandom | base64`)", err)
		}
		if c.Signer, err = entitlement.NewSigner(kid, seed); err != nil {
			return fmt.Errorf("ENTITLEMENT_SIGNING_KEY: %v", err)
		}
	case c.Emulated():
		path, err := DevKeyPath()
		if err != nil {
			return err
		}
		if c.Signer, err = LoadOrCreateDevKey(path); err != nil {
			return err
		}
		c.DevKeyFile = path
	default:
		return errors.New("ENTITLEMENT_SIGNING_KEY is not set (production reads it from Secret Manager; see functions/README.md, Deploy)")
	}
	c.TrustedKeys = []entitlement.PublicKey{c.Signer.PublicKey()}
	if extra := os.Getenv("ENTITLEMENT_EXTRA_PUBLIC_KEYS"); extra != "" {
		for _, item := range strings.Split(extra, ",") {
			kid, x, ok := strings.Cut(strings.TrimSpace(item), ":")
			pub, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(x, "="))
			if !ok || err != nil || len(pub) != ed25519.PublicKeySize {
				return fmt.Errorf("ENTITLEMENT_EXTRA_PUBLIC_KEYS: %q is not kid:base64url-public-key", item)
			}
			c.TrustedKeys = append(c.TrustedKeys, entitlement.PublicKey{KeyID: kid, Key: pub})
		}
	}
	return nil
}

// DevKeyFileEnv overrides where the development key lives.
const DevKeyFileEnv = "IC_DEV_KEY_FILE"

// DevKeyPath is functions/.devkeys/entitlement-dev.json of this checkout
// (found from the working directory upwards), or $IC_DEV_KEY_FILE.
func DevKeyPath() (string, error) {
	if p := os.Getenv(DevKeyFileEnv); p != "" {
		return p, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("dev key: %w", err)
	}
	for {
		if isFunctionsModule(dir) {
			return filepath.Join(dir, ".devkeys", "entitlement-dev.json"), nil
		}
		if isFunctionsModule(filepath.Join(dir, "functions")) {
			return filepath.Join(dir, "functions", ".devkeys", "entitlement-dev.json"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("dev key: no functions/ module above the working directory; set %s", DevKeyFileEnv)
		}
		dir = parent
	}
}

func isFunctionsModule(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	return err == nil && strings.HasPrefix(string(b), "module imageconverter/functions\n")
}

// DevKey is the JSON of the development key file. PublicKey lets the desktop
// app trust the local stack's key in development builds.
type DevKey struct {
	KeyID     string `json:"kid"`
	Seed      string `json:"seed"`      // base64, like ENTITLEMENT_SIGNING_KEY
	PublicKey string `json:"publicKey"` // base64url (JWK "x")
	Note      string `json:"note"`
}

// LoadOrCreateDevKey reads the development key at path, creating it (mode
// 0600, directory 0700) on first use.
func LoadOrCreateDevKey(path string) (*entitlement.Signer, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return createDevKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("dev key: %w", err)
	}
	var k DevKey
	if err := json.Unmarshal(b, &k); err != nil {
		return nil, fmt.Errorf("dev key %s: %w (delete it to generate a new one)", path, err)
	}
	seed, err := entitlement.ParseSeed(k.Seed)
	if err != nil {
		return nil, fmt.Errorf("dev key %s: %w", path, err)
	}
	return entitlement.NewSigner(k.KeyID, seed)
}

func createDevKey(path string) (*entitlement.Signer, error) {
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return nil, fmt.Errorf("dev key: %w", err)
	}
	pub := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
	sum := sha256.Sum256(pub)
	k := DevKey{
		KeyID:     "dev-" + hex.EncodeToString(sum[:4]),
		Seed:      base64.StdEncoding.EncodeToString(seed),
		PublicKey: base64.RawURLEncoding.EncodeToString(pub),
		Note:      "Development entitlement key of the local stack. Never use in production.",
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("dev key: %w", err)
	}
	b, _ := json.MarshalIndent(k, "", "  ")
	// Write a temporary file, then link it into place: two processes starting
	// at once must agree on one key and never read a half-written file.
	tmp, err := os.CreateTemp(filepath.Dir(path), ".devkey-*")
	if err != nil {
		return nil, fmt.Errorf("dev key: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("dev key: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("dev key: %w", err)
	}
	if err := os.Link(tmp.Name(), path); errors.Is(err, os.ErrExist) {
		return LoadOrCreateDevKey(path)
	} else if err != nil {
		return nil, fmt.Errorf("dev key: %w", err)
	}
	log.Printf("config: generated development entitlement key %s into %s", k.KeyID, path)
	return entitlement.NewSigner(k.KeyID, seed)
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func float(problems []string, name string, def float64) (float64, []string) {
	v := os.Getenv(name)
	if v == "" {
		return def, problems
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 {
		return def, append(problems, fmt.Sprintf("%s=%q is not a non-negative number", name, v))
	}
	return f, problems
}

// AllowsOrigin reports whether a browser page at origin may call the API
// (CORS_ORIGINS, comma-separated; locally the Hosting emulator by default).
func (c *Config) AllowsOrigin(origin string) bool {
	for _, o := range c.CORSOrigins {
		if o == origin || o == "*" {
			return true
		}
	}
	return false
}
