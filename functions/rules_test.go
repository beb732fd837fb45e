package api

// Security rules tests: real users signed in on the Auth emulator read and
// write over the Firestore REST API, which applies firestore.rules (the
// emulator was started with them). Documents are seeded with the Admin client.

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"testing"
)

func firestoreREST(t *testing.T, method, docPath, token string, body []byte) int {
	t.Helper()
	url := fmt.Sprintf("http://%s/v1/projects/%s/databases/(default)/documents/%s",
		os.Getenv("FIRESTORE_EMULATOR_HOST"), os.Getenv("GOOGLE_CLOUD_PROJECT"), docPath)
	req, _ := http.NewRequest(method, url, bytes.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, docPath, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestFirestoreRules(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	alice, bob := signUp(t, "alice"), signUp(t, "bob")
	// Seed every collection for alice with the Admin client (rules do not apply to it).
	docs := map[string]map[string]any{
		"users/" + alice.UID:                      {"email": alice.Email},
		"users/" + alice.UID + "/devices/dev1":    {"name": "PC"},
		"subscriptions/" + alice.UID:              {"plan": "basic"},
		"usage/" + alice.UID + "/days/2026-11-27": {"count": 1},
		"billing/" + alice.UID:                    {"billingKey": "secret"},
		"orders/order-" + alice.UID:               {"uid": alice.UID, "amount": 4900},
		"payments/pay-" + alice.UID:               {"uid": alice.UID},
		"webhookEvents/evt-" + alice.UID:          {"type": "PAYMENT_STATUS_CHANGED"},
		"mail/mail-" + alice.UID:                  {"to": alice.Email},
		"somethingElse/" + alice.UID:              {"x": 1},
	}
	for p, d := range docs {
		if _, err := e.srv.fs.Doc(p).Set(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	ownReadable := map[string]bool{
		"users/" + alice.UID: true, "users/" + alice.UID + "/devices/dev1": true,
		"subscriptions/" + alice.UID: true, "usage/" + alice.UID + "/days/2026-11-27": true,
	}
	write := []byte(`{"fields":{"plan":{"stringValue":"pro"}}}`)
	for p := range docs {
		t.Run(p[:min(len(p), 20)], func(t *testing.T) {
			want := http.StatusForbidden
			if ownReadable[p] {
				want = http.StatusOK
			}
			if got := firestoreREST(t, "GET", p, alice.Token, nil); got != want {
				t.Errorf("owner read %s = %d, want %d", p, got, want)
			}
			if got := firestoreREST(t, "GET", p, bob.Token, nil); got != http.StatusForbidden {
				t.Errorf("other user's read %s = %d, want 403", p, got)
			}
			if got := firestoreREST(t, "GET", p, "", nil); got != http.StatusForbidden {
				t.Errorf("unauthenticated read %s = %d, want 403", p, got)
			}
			if got := firestoreREST(t, "PATCH", p, alice.Token, write); got != http.StatusForbidden {
				t.Errorf("owner write %s = %d, want 403", p, got)
			}
			if got := firestoreREST(t, "DELETE", p, alice.Token, nil); got != http.StatusForbidden {
				t.Errorf("owner delete %s = %d, want 403", p, got)
			}
		})
	}
	// A user cannot create documents for themselves either (all writes go through the function).
	for _, p := range []string{"users/" + bob.UID, "subscriptions/" + bob.UID, "usage/" + bob.UID + "/days/2026-11-27", "users/" + bob.UID + "/devices/x"} {
		if got := firestoreREST(t, "PATCH", p, bob.Token, write); got != http.StatusForbidden {
			t.Errorf("self-create %s = %d, want 403", p, got)
		}
	}
	// Plans are public to read, closed to write.
	if _, err := e.srv.store.SeedPlans(ctx, false); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{"", alice.Token} {
		if got := firestoreREST(t, "GET", "plans/basic", tok, nil); got != http.StatusOK {
			t.Errorf("read plans/basic (token %v) = %d, want 200", tok != "", got)
		}
		if got := firestoreREST(t, "PATCH", "plans/basic", tok, []byte(`{"fields":{"priceKRW":{"integerValue":"1"}}}`)); got != http.StatusForbidden {
			t.Errorf("write plans/basic (token %v) = %d, want 403", tok != "", got)
		}
	}
}
