package api

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"imageconverter/functions/wire"
)

// Two devices race for the last conversions of the day: 20 parallel
// reservations with distinct run ids, half on POST /v1/usage/reserve and half
// on POST /v1/entitlement, never grant more than the limit.
func TestReserveRaceForLastConversions(t *testing.T) {
	e := newTestEnv(t)
	u := signUp(t, "race")
	e.subscribe(u.UID, "basic", testNoon.AddDate(0, 1, 0), false) // two computers
	register(e, u.Token, "dev-1", "laptop")
	var first wire.ReserveResponse
	reserve(e, u.Token, "warm-up", 48).wantOK(t, &first) // 2 of the basic plan's 50 left

	type result struct {
		status  int
		granted int
		code    wire.Code
	}
	results := make([]result, 20)
	var wg sync.WaitGroup
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dev := []string{"laptop", "dev-1"}[i%2]
			req := wire.ReserveRequest{RunID: fmt.Sprintf("race-%s-%d", dev, i), Count: 1 + i%2}
			var r response
			var rr wire.ReserveResponse
			if i%4 < 2 { // half through the combined call, which answers 200 with a grant of 0
				r = callURL(t, e.http.URL, "POST", "/v1/entitlement", u.Token, wire.EntitlementRequest{Reserve: &req}, wire.HeaderDeviceID, dev)
				var er wire.EntitlementResponse
				if r.Status == 200 {
					r.decode(t, &er)
					rr = *er.Grant
				}
			} else {
				r = callURL(t, e.http.URL, "POST", "/v1/usage/reserve", u.Token, req, wire.HeaderDeviceID, dev)
				if r.Status == 200 {
					r.decode(t, &rr)
				}
			}
			res := result{status: r.Status}
			if r.Status == 200 {
				res.granted = rr.Granted
			} else {
				res.code = r.errorBody(t).Code
			}
			results[i] = res
		}()
	}
	wg.Wait()
	total := 0
	for i, r := range results {
		switch {
		case r.status == 200:
			total += r.granted
		case r.code != wire.CodeQuotaExceeded:
			t.Errorf("reservation %d: status %d code %s", i, r.status, r.code)
		}
	}
	if total != 2 {
		t.Fatalf("granted %d in total for the last 2 conversions: %+v", total, results)
	}
	used, err := e.srv.store.UsageOn(context.Background(), u.UID, "2026-11-27")
	if err != nil || used != 50 {
		t.Fatalf("day count = %d (%v), want 50", used, err)
	}
}

// The same run id sent many times at once (a client retrying) reserves once.
func TestReserveRepeatedRunIDReservesOnce(t *testing.T) {
	e := newTestEnv(t)
	u := signUp(t, "repeat")
	e.subscribe(u.UID, "basic", testNoon.AddDate(0, 1, 0), false)
	register(e, u.Token, "dev-1")
	grants := make([]int, 10)
	var wg sync.WaitGroup
	for i := range grants {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var rr wire.ReserveResponse
			callURL(t, e.http.URL, "POST", "/v1/usage/reserve", u.Token, wire.ReserveRequest{RunID: "same-run", Count: 7}, wire.HeaderDeviceID, "dev-1").wantOK(t, &rr)
			grants[i] = rr.Granted
		}()
	}
	wg.Wait()
	// The combined call shares the reservation: the same run id sent there too.
	var er wire.EntitlementResponse
	callURL(t, e.http.URL, "POST", "/v1/entitlement", u.Token, wire.EntitlementRequest{Reserve: &wire.ReserveRequest{RunID: "same-run", Count: 7}}, wire.HeaderDeviceID, "dev-1").wantOK(t, &er)
	if er.Grant.Granted != 7 || er.UsageToday != 7 {
		t.Fatalf("combined call = %+v usage %d, want the same grant", er.Grant, er.UsageToday)
	}
	for i, g := range grants {
		if g != 7 {
			t.Errorf("call %d granted %d, want the same 7", i, g)
		}
	}
	used, _ := e.srv.store.UsageOn(context.Background(), u.UID, "2026-11-27")
	if used != 7 {
		t.Fatalf("day count = %d, want 7 (reserved once)", used)
	}
}

// Two new devices signing in at once cannot both take the free plan's only slot.
func TestDeviceRegistrationRace(t *testing.T) {
	e := newTestEnv(t)
	u := signUp(t, "devrace")
	statuses := make([]int, 6)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = callURL(t, e.http.URL, "GET", "/v1/entitlement", u.Token, nil, device(fmt.Sprintf("new-%d", i))...).Status
		}()
	}
	wg.Wait()
	ok := 0
	for _, s := range statuses {
		if s == 200 {
			ok++
		}
	}
	devs, _ := e.srv.store.Devices(context.Background(), u.UID)
	if ok != 1 || len(devs) != 1 {
		t.Fatalf("statuses %v, devices %+v: want exactly one registered", statuses, devs)
	}
}
