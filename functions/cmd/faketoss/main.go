// Command faketoss serves the fake Toss Payments API and payment windows
// (package faketoss) for the local stack, with no internet.
//
//	cd functions && go run ./cmd/faketoss
//
// It serves two merchants, as production has: the one-time payments MID
// (TOSS_SECRET_KEY, TOSS_CLIENT_KEY) and the automatic payments MID
// (TOSS_BILLING_SECRET_KEY, TOSS_BILLING_CLIENT_KEY); the defaults are
// faketoss.Default*, which the api function also uses locally.
//
// Environment: FAKETOSS_ADDR (default 127.0.0.1:8091), FAKETOSS_WEBHOOK_URL and
// FAKETOSS_BILLING_WEBHOOK_URL (where each MID's status-change webhooks go,
// e.g. http://127.0.0.1:8081/v1/webhooks/toss?merchant=once; unset = none),
// FAKETOSS_BILLING_CHARGE_WEBHOOKS (1, default: billing-key charges send
// webhooks too; 0: they do not), FAKETOSS_LATENCY (added to every POST, e.g.
// 800ms; default none).
package main

import (
	"log"
	"net/http"
	"os"
	"time"

	"imageconverter/functions/toss/faketoss"
)

func env(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func main() {
	addr := env("FAKETOSS_ADDR", "127.0.0.1:8091")
	once := faketoss.Merchant{MID: faketoss.DefaultMID, SecretKey: env("TOSS_SECRET_KEY", faketoss.DefaultSecretKey),
		ClientKey: env("TOSS_CLIENT_KEY", faketoss.DefaultClientKey), WebhookURL: os.Getenv("FAKETOSS_WEBHOOK_URL")}
	billing := faketoss.Merchant{MID: faketoss.DefaultBillingMID, SecretKey: env("TOSS_BILLING_SECRET_KEY", faketoss.DefaultBillingSecretKey),
		ClientKey: env("TOSS_BILLING_CLIENT_KEY", faketoss.DefaultBillingClientKey), WebhookURL: os.Getenv("FAKETOSS_BILLING_WEBHOOK_URL")}
	s := faketoss.NewMerchants(once, billing)
	s.BillingChargeWebhooks = env("FAKETOSS_BILLING_CHARGE_WEBHOOKS", "1") != "0"
	if v := os.Getenv("FAKETOSS_LATENCY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			log.Fatalf("faketoss: FAKETOSS_LATENCY=%q: %v (e.g. 800ms)", v, err)
		}
		s.Latency = d
	}
	srv := &http.Server{Addr: addr, Handler: s, ReadHeaderTimeout: 10 * time.Second}
	log.Printf("faketoss: listening on http://%s (MIDs %s and %s; payment window /pay, billing window /billing-auth, SDK /sdk.js)",
		addr, once.MID, billing.MID)
	if err := srv.ListenAndServe(); err != nil {
		log.Fatalf("faketoss: %v", err)
	}
}
