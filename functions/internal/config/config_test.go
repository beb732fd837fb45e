package config

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"imageconverter/functions/toss/faketoss"
)

// clearEnv unsets every variable FromEnv reads, for the duration of the test.
func clearEnv(t *testing.T) {
	for _, k := range []string{"PORT", "GOOGLE_CLOUD_PROJECT", "GCLOUD_PROJECT", "FIRESTORE_EMULATOR_HOST", "FIREBASE_AUTH_EMULATOR_HOST",
		"ENTITLEMENT_SIGNING_KEY", "ENTITLEMENT_KEY_ID", "ENTITLEMENT_EXTRA_PUBLIC_KEYS", "SCHEDULER_SECRET", "TOSS_API_BASE",
		"TOSS_SECRET_KEY", "TOSS_CLIENT_KEY", "TOSS_BILLING_SECRET_KEY", "TOSS_BILLING_CLIENT_KEY", "TOSS_BILLING_UPGRADES", "OPERATOR_EMAIL", "QUOTA_TIME_ZONE", "RATE_LIMIT_IP_RPS", "RATE_LIMIT_USER_RPS",
		"RATE_LIMIT_IP_BURST", "RATE_LIMIT_USER_BURST", "TRUST_PROXY", "CORS_ORIGINS", "TOSS_SDK_URL", "WEB_BASE_URL",
		"SCHEDULER_OIDC_AUDIENCE", "SCHEDULER_SERVICE_ACCOUNT", DevKeyFileEnv} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
}

func TestProductionRefusesMissingSettings(t *testing.T) {
	clearEnv(t)
	_, err := FromEnv()
	if err == nil {
		t.Fatal("production config without secrets accepted")
	}
	for _, want := range []string{"ENTITLEMENT_SIGNING_KEY is not set", "TOSS_SECRET_KEY is not set", "TOSS_CLIENT_KEY is not set",
		"TOSS_BILLING_SECRET_KEY is not set", "TOSS_BILLING_CLIENT_KEY is not set", "SCHEDULER_SECRET"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

func TestProductionSettings(t *testing.T) {
	clearEnv(t)
	seed := base64.StdEncoding.EncodeToString(make([]byte, 32))
	t.Setenv("ENTITLEMENT_SIGNING_KEY", seed)
	t.Setenv("ENTITLEMENT_KEY_ID", "2026-11")
	setLiveTossKeys(t)
	t.Setenv("SCHEDULER_SECRET", "s")
	t.Setenv("GOOGLE_CLOUD_PROJECT", "prod-project")
	c, err := FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if c.Emulated() || c.Port != "8081" || c.ProjectID != "prod-project" || c.TossAPIBase != DefaultTossBase ||
		c.Signer.KeyID() != "2026-11" || !c.TrustProxy || c.TrustedProxies != 1 || c.IPRate != 20 || c.UserBurst != 30 || c.QuotaLocation.String() != "Asia/Seoul" || len(c.CORSOrigins) != 0 ||
		c.TossSDKURL != DefaultTossSDKURL || c.WebBaseURL != "https://prod-project.web.app" ||
		c.TossClientKey != "live_ck_once" || c.TossBillingSecretKey != "live_sk_billing" || c.TossBillingUpgrades {
		t.Fatalf("config = %+v", c)
	}
	// Malformed values are named in the message.
	for k, v := range map[string]string{
		"ENTITLEMENT_SIGNING_KEY": "not base64!", "QUOTA_TIME_ZONE": "Mars/Base", "RATE_LIMIT_IP_RPS": "-1",
		"ENTITLEMENT_EXTRA_PUBLIC_KEYS": "nokid", "TRUST_PROXY": "yes please", "TOSS_BILLING_UPGRADES": "maybe",
		"TOSS_BILLING_CLIENT_KEY": "live_gck_widget", "TOSS_SECRET_KEY": "test_sk_mixed",
	} {
		t.Run(k, func(t *testing.T) {
			old := os.Getenv(k)
			t.Setenv(k, v)
			defer os.Setenv(k, old)
			if _, err := FromEnv(); err == nil || !strings.Contains(err.Error(), k) {
				t.Fatalf("%s=%q: err = %v", k, v, err)
			}
		})
	}
	// TRUST_PROXY counts the proxies that append to X-Forwarded-For.
	for v, want := range map[string]int{"2": 2, "1": 1, "true": 1, "TRUE": 1, "0": 0, "false": 0} {
		t.Setenv("TRUST_PROXY", v)
		c, err := FromEnv()
		if err != nil || c.TrustedProxies != want || c.TrustProxy != (want > 0) {
			t.Fatalf("TRUST_PROXY=%s: %d %v, %v", v, c.TrustedProxies, c.TrustProxy, err)
		}
	}
	os.Unsetenv("TRUST_PROXY")
	os.Unsetenv("ENTITLEMENT_KEY_ID")
	if _, err := FromEnv(); err == nil || !strings.Contains(err.Error(), "ENTITLEMENT_KEY_ID") {
		t.Fatalf("missing kid: %v", err)
	}
}

// With Cloud Scheduler's OIDC check configured, production needs no shared
// secret; without either it refuses to start, and the OIDC pair goes together.
func TestProductionSchedulerAuth(t *testing.T) {
	clearEnv(t)
	t.Setenv("ENTITLEMENT_SIGNING_KEY", base64.StdEncoding.EncodeToString(make([]byte, 32)))
	t.Setenv("ENTITLEMENT_KEY_ID", "2026-11")
	setLiveTossKeys(t)
	t.Setenv("WEB_BASE_URL", "https://pay.example.com/")
	t.Setenv("TOSS_SDK_URL", "https://sdk.example.com/v2")
	if _, err := FromEnv(); err == nil || !strings.Contains(err.Error(), "SCHEDULER_SECRET is not set, nor SCHEDULER_OIDC_AUDIENCE") {
		t.Fatalf("no scheduler auth: err = %v", err)
	}
	t.Setenv("SCHEDULER_OIDC_AUDIENCE", "https://asia-northeast3-p.cloudfunctions.net/api/v1/renewals/run")
	if _, err := FromEnv(); err == nil || !strings.Contains(err.Error(), "SCHEDULER_SERVICE_ACCOUNT") {
		t.Fatalf("audience without account: err = %v", err)
	}
	t.Setenv("SCHEDULER_SERVICE_ACCOUNT", "scheduler@p.iam.gserviceaccount.com")
	c, err := FromEnv()
	if err != nil {
		t.Fatalf("OIDC without SCHEDULER_SECRET: %v", err)
	}
	if c.SchedulerSecret != "" || c.SchedulerServiceAccount != "scheduler@p.iam.gserviceaccount.com" ||
		c.WebBaseURL != "https://pay.example.com" || c.TossSDKURL != "https://sdk.example.com/v2" {
		t.Fatalf("config = %+v", c)
	}
}

func TestEmulatorDevKey(t *testing.T) {
	clearEnv(t)
	t.Setenv("FIRESTORE_EMULATOR_HOST", "127.0.0.1:1")
	t.Setenv("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:2")
	path := filepath.Join(t.TempDir(), "keys", "dev.json")
	t.Setenv(DevKeyFileEnv, path)
	c1, err := FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("dev key file: %v %v", st, err)
	}
	c2, err := FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if c1.Signer.KeyID() != c2.Signer.KeyID() || !c1.Signer.PublicKey().Key.Equal(c2.Signer.PublicKey().Key) || c1.DevKeyFile != path {
		t.Fatal("dev key not reused")
	}
	if c1.TossSecretKey != faketoss.DefaultSecretKey || c1.TossClientKey != faketoss.DefaultClientKey ||
		c1.TossBillingSecretKey != faketoss.DefaultBillingSecretKey || c1.TossBillingClientKey != faketoss.DefaultBillingClientKey {
		t.Fatalf("local Toss keys are not the fake's: %+v", c1)
	}
	if c1.TossAPIBase != LocalTossBase || c1.TrustProxy || c1.TrustedProxies != 0 || len(c1.CORSOrigins) == 0 || c1.IPRate != 200 || c1.UserRate != 20 ||
		c1.TossSDKURL != LocalTossBase+"/sdk.js" || c1.WebBaseURL != LocalWebBase {
		t.Fatalf("local defaults = %+v", c1)
	}
	// Only one emulator set is a mistake.
	os.Unsetenv("FIREBASE_AUTH_EMULATOR_HOST")
	if _, err := FromEnv(); err == nil {
		t.Fatal("half-emulated config accepted")
	}
}

func setLiveTossKeys(t *testing.T) {
	t.Setenv("TOSS_SECRET_KEY", "live_sk_once")
	t.Setenv("TOSS_CLIENT_KEY", "live_ck_once")
	t.Setenv("TOSS_BILLING_SECRET_KEY", "live_sk_billing")
	t.Setenv("TOSS_BILLING_CLIENT_KEY", "live_ck_billing")
}

// Start-up refuses Toss keys of the wrong kind, naming every problem at once:
// a widget key where the payment window needs the API key, test and live
// keys mixed. Locally too (a wrong key set for the fake is as wrong).
func TestTossKeysAreChecked(t *testing.T) {
	clearEnv(t)
	t.Setenv("FIRESTORE_EMULATOR_HOST", "127.0.0.1:1")
	t.Setenv("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:2")
	t.Setenv(DevKeyFileEnv, filepath.Join(t.TempDir(), "dev.json"))
	t.Setenv("TOSS_CLIENT_KEY", "test_gck_widget")
	t.Setenv("TOSS_BILLING_SECRET_KEY", "live_sk_billing")
	_, err := FromEnv()
	if err == nil {
		t.Fatal("a widget key and mixed keys were accepted")
	}
	for _, want := range []string{"TOSS_CLIENT_KEY is a 결제위젯", "test and live Toss keys are mixed", "live: TOSS_BILLING_SECRET_KEY"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	t.Setenv("TOSS_CLIENT_KEY", "")
	t.Setenv("TOSS_BILLING_SECRET_KEY", "")
	t.Setenv("TOSS_BILLING_UPGRADES", "1")
	c, err := FromEnv()
	if err != nil || !c.TossBillingUpgrades {
		t.Fatalf("local defaults: %v %+v", err, c)
	}
}
