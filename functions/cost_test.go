package api

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"imageconverter/functions/internal/config"
	"imageconverter/functions/internal/fscount"
	"imageconverter/functions/wire"
)

// Firestore operations per call of each account route, counted on the way to
// the emulator (fscount) and held to a budget: the numbers docs/server-cost.md
// prices. Counts are stable from run to run (times are not). The plans are
// cached per instance (30 s), so calls after the first read no plan.
func TestRouteFirestoreBudgets(t *testing.T) {
	requireEmulators(t)
	t.Setenv(config.DevKeyFileEnv, filepath.Join(t.TempDir(), "devkey.json"))
	t.Setenv("RATE_LIMIT_IP_RPS", "0")
	t.Setenv("RATE_LIMIT_USER_RPS", "0")
	cfg, err := config.FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	opt, counter, err := fscount.Emulator(os.Getenv("FIRESTORE_EMULATOR_HOST"))
	if err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{t: testNoon}
	srv, err := NewServer(context.Background(), cfg, WithClock(clock.Now), withFirestoreOptions(opt))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.store.SeedPlans(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); srv.Close() })
	e := &testEnv{t: t, srv: srv, http: hs, clock: clock, cfg: cfg}

	first := signUp(t, "budget-first")
	u := signUp(t, "budget")
	e.subscribe(u.UID, "basic", testNoon.AddDate(0, 1, 0), true)
	e.call("GET", "/v1/plans", "", nil).wantOK(t, nil) // warms the plan cache

	type step struct {
		name   string
		budget fscount.Ops
		call   func() response
	}
	yesterday := testNoon.Add(-24 * time.Hour).Format(time.DateOnly)
	var grant wire.ReserveResponse
	steps := []step{
		{"GET /v1/plans", fscount.Ops{}, func() response { return e.call("GET", "/v1/plans", "", nil) }},
		{"GET /v1/keys", fscount.Ops{}, func() response { return e.call("GET", "/v1/keys", "", nil) }},
		{"GET /v1/entitlement (a new user's first call)", fscount.Ops{Reads: 3, Writes: 1}, func() response {
			return e.call("GET", "/v1/entitlement", first.Token, nil, device("dev-f")...)
		}},
		{"GET /v1/entitlement (new device)", fscount.Ops{Reads: 2, Writes: 1}, func() response {
			return e.call("GET", "/v1/entitlement", u.Token, nil, device("dev-a")...)
		}},
		{"GET /v1/entitlement", fscount.Ops{Reads: 2, Writes: 1}, func() response {
			return e.call("GET", "/v1/entitlement", u.Token, nil, device("dev-a")...)
		}},
		{"POST /v1/usage/reserve", fscount.Ops{Reads: 2, Writes: 1}, func() response {
			r := e.call("POST", "/v1/usage/reserve", u.Token, wire.ReserveRequest{RunID: "run-1", Count: 10}, wire.HeaderDeviceID, "dev-a")
			if r.Status == 200 {
				r.decode(t, &grant)
			}
			return r
		}},
		{"POST /v1/usage/sync", fscount.Ops{Reads: 2, Writes: 1}, func() response {
			return e.call("POST", "/v1/usage/sync", u.Token, wire.SyncRequest{Entries: []wire.SyncEntry{{ID: "run-1", Day: grant.Day, Count: 7}}}, wire.HeaderDeviceID, "dev-a")
		}},
		{"POST /v1/entitlement (daily: sync today + reserve)", fscount.Ops{Reads: 2, Writes: 2}, func() response {
			return entitle(e, u.Token, "dev-a", wire.EntitlementRequest{
				Sync:    []wire.SyncEntry{{ID: "offline-1", Day: grant.Day, Count: 2}},
				Reserve: &wire.ReserveRequest{RunID: "run-2", Count: 10},
			})
		}},
		{"POST /v1/entitlement (daily: yesterday's settlements + reserve)", fscount.Ops{Reads: 2, Writes: 2}, func() response {
			return entitle(e, u.Token, "dev-a", wire.EntitlementRequest{
				Sync:    []wire.SyncEntry{{ID: "block-y", Day: yesterday, Count: 4}, {ID: "offline-2", Day: yesterday, Count: 1}},
				Reserve: &wire.ReserveRequest{RunID: "run-3", Count: 10},
			})
		}},
		{"POST /v1/usage/sync (yesterday's entries)", fscount.Ops{Reads: 2, Writes: 1}, func() response {
			return e.call("POST", "/v1/usage/sync", u.Token, wire.SyncRequest{Entries: []wire.SyncEntry{{ID: "offline-3", Day: yesterday, Count: 1}}}, wire.HeaderDeviceID, "dev-a")
		}},
		{"GET /v1/devices", fscount.Ops{Reads: 1}, func() response { return e.call("GET", "/v1/devices", u.Token, nil) }},
		{"DELETE /v1/devices/{id}", fscount.Ops{Reads: 1, Writes: 1}, func() response { return e.call("DELETE", "/v1/devices/dev-a", u.Token, nil) }},
	}
	var table strings.Builder
	for _, s := range steps {
		before := counter.Now()
		r := s.call()
		got := counter.Now().Sub(before)
		if r.Status/100 != 2 {
			t.Fatalf("%s: %d %s", s.name, r.Status, r.Body)
		}
		fmt.Fprintf(&table, "\n  %-64s %2d reads %2d writes %2d deletes (budget %d/%d/%d)", s.name, got.Reads, got.Writes, got.Deletes, s.budget.Reads, s.budget.Writes, s.budget.Deletes)
		if got.Reads > s.budget.Reads || got.Writes > s.budget.Writes || got.Deletes > s.budget.Deletes {
			t.Errorf("%s: %s, over its budget of %s", s.name, got, s.budget)
		}
	}
	t.Logf("Firestore operations per call:%s", table.String())
}
