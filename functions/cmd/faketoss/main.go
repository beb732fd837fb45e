// Command faketoss serves the fake Toss Payments API and payment windows
// (package faketoss) for the local stack, with no internet.
//
//	cd functions && go run ./cmd/faketoss
//
// Environment: FAKETOSS_ADDR (default 127.0.0.1:8091), TOSS_SECRET_KEY and
// TOSS_CLIENT_KEY (default faketoss.DefaultSecretKey / DefaultClientKey; the
// api function must use the same), FAKETOSS_WEBHOOK_URL (where status-change
// webhooks go, e.g. http://127.0.0.1:8081/v1/webhooks/toss; unset = none),
// FAKETOSS_LATENCY (added to every POST, e.g. 800ms; default none).
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
	s := faketoss.New(env("TOSS_SECRET_KEY", faketoss.DefaultSecretKey), env("TOSS_CLIENT_KEY", faketoss.DefaultClientKey))
	s.WebhookURL = os.Getenv("FAKETOSS_WEBHOOK_URL")
	if v := os.Getenv("FAKETOSS_LATENCY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			log.Fatalf("faketoss: FAKETOSS_LATENCY=%q: %v (e.g. 800ms)", v, err)
		}
		s.Latency = d
	}
	srv := &http.Server{Addr: addr, Handler: s, ReadHeaderTimeout: 10 * time.Second}
	log.Printf("faketoss: listening on http://%s (payment window /pay, billing window /billing-auth, SDK /sdk.js)", addr)
	if err := srv.ListenAndServe(); err != nil {
		log.Fatalf("faketoss: %v", err)
	}
}
