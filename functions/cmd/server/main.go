// Command server serves the `api` Cloud Function locally, through the
// Functions Framework exactly as Cloud Functions does:
//
//	cd functions && go run ./cmd/server
//
// It reads the same environment as production (see functions/README.md) and
// stops with a clear message when a setting is missing or malformed.
package main

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/GoogleCloudPlatform/functions-framework-go/funcframework"

	api "imageconverter/functions"
	"imageconverter/functions/internal/config"
)

func main() {
	cfg, err := config.FromEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(2)
	}
	// Build the clients now, so a bad emulator address fails here and not on the first request.
	if err := api.Warm(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
	os.Setenv("FUNCTION_TARGET", "api")
	host := os.Getenv("HOST")
	if host == "" {
		host = "127.0.0.1"
	}
	log.Printf("server: api on http://%s:%s (project %s, firestore %s, auth %s)", host, cfg.Port, cfg.ProjectID, or(cfg.FirestoreEmulator, "production"), or(cfg.AuthEmulator, "production"))
	if err := funcframework.StartHostPort(host, cfg.Port); err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
