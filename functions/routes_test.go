package api

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"firebase.google.com/go/v4/auth"

	"imageconverter/functions/entitlement"
	"imageconverter/functions/internal/httpx"
	"imageconverter/functions/internal/store"
	"imageconverter/functions/wire"
)

func TestPlansRoute(t *testing.T) {
	e := newTestEnv(t)
	var got wire.PlansResponse
	e.call("GET", "/v1/plans", "", nil).wantOK(t, &got)
	if len(got.Plans) != 3 {
		t.Fatalf("plans = %+v", got.Plans)
	}
	free, basic, pro := got.Plans[0], got.Plans[1], got.Plans[2]
	if free.ID != "free" || *free.DailyLimit != 5 || free.PriceKRW != 0 || free.MaxDevices != 1 || free.BatchSize != 1 {
		t.Errorf("free = %+v", free)
	}
	if basic.ID != "basic" || *basic.DailyLimit != 50 || basic.PriceKRW != 4900 || !basic.Limits().AllowsFormat("avif") || !basic.Limits().Has("schedules") {
		t.Errorf("basic = %+v", basic)
	}
	if pro.ID != "pro" || pro.DailyLimit != nil || pro.PriceKRW != 9900 || pro.MaxDevices != 3 || !pro.Limits().Has("scan") {
		t.Errorf("pro = %+v", pro)
	}
	// The raw JSON uses the Firestore field names, null for unlimited.
	raw := string(e.call("GET", "/v1/plans", "", nil).Body)
	if !strings.Contains(raw, `"id":"pro","name":"Pro","priceKRW":9900,"dailyLimit":null`) {
		t.Errorf("plans JSON = %s", raw)
	}
}

func TestRouterFallbacks(t *testing.T) {
	e := newTestEnv(t)
	e.call("GET", "/v1/nothing", "", nil).wantError(t, wire.CodeNotFound)
	r := e.call("POST", "/v1/plans", "", nil)
	r.wantError(t, wire.CodeMethodNotAllowed)
	if !strings.Contains(r.Header.Get("Allow"), "GET") {
		t.Errorf("Allow = %q", r.Header.Get("Allow"))
	}
	// CORS preflight from the checkout pages' origin.
	r = e.call("OPTIONS", "/v1/plans", "", nil, "Origin", "http://127.0.0.1:5190", "Access-Control-Request-Method", "POST")
	if r.Status != http.StatusNoContent || r.Header.Get("Access-Control-Allow-Origin") != "http://127.0.0.1:5190" {
		t.Errorf("preflight: %d %v", r.Status, r.Header)
	}
	r = e.call("GET", "/v1/plans", "", nil, "Origin", "https://evil.example")
	if r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("foreign origin allowed: %v", r.Header)
	}
}

func TestKeysRoute(t *testing.T) {
	e := newTestEnv(t)
	var set wire.JWKS
	e.call("GET", "/v1/keys", "", nil).wantOK(t, &set)
	keys, err := entitlement.KeysFromJWKS(set)
	if err != nil || len(keys) != 1 || keys[0].KeyID != e.cfg.Signer.KeyID() || !keys[0].Key.Equal(e.cfg.Signer.PublicKey().Key) {
		t.Fatalf("keys = %+v, %v", keys, err)
	}
}

func TestEntitlementFreeUser(t *testing.T) {
	e := newTestEnv(t)
	u := signUp(t, "free")
	var got wire.EntitlementResponse
	e.call("GET", "/v1/entitlement", u.Token, nil, append(device("dev-a"), "Accept-Language", "ko-KR,ko;q=0.9")...).wantOK(t, &got)
	if got.Plan != "free" || got.Status != wire.StatusNone || got.PeriodEnd != nil || got.AutoRenew ||
		*got.Limits.DailyLimit != 5 || got.UsageToday != 0 || *got.Remaining != 5 || got.Day != "2026-11-27" ||
		got.Device.ID != "dev-a" || got.Device.Name != "Test PC dev-a" || !got.Device.Current {
		t.Fatalf("entitlement = %+v", got)
	}
	if !got.OfflineUntil.Equal(testNoon.Add(7 * 24 * time.Hour)) {
		t.Errorf("offlineUntil = %v", got.OfflineUntil)
	}
	// The signed entitlement verifies with the published key, for this device only.
	v, _ := entitlement.NewVerifier(e.cfg.TrustedKeys...)
	v.Now = e.clock.Now
	ent, err := v.VerifyForDevice(got.Entitlement, "dev-a")
	if err != nil || ent.UserID != u.UID || ent.Plan != "free" || *ent.Limits.DailyLimit != 5 || !ent.ExpiresAt.Equal(testNoon.Add(entitlement.OfflineGrace)) {
		t.Fatalf("verify: %+v %v", ent, err)
	}
	// Firestore: users/{uid} and the device document.
	ctx := context.Background()
	snap, err := e.srv.fs.Collection("users").Doc(u.UID).Get(ctx)
	if err != nil || snap.Data()["email"] != u.Email || snap.Data()["locale"] != "ko-KR" {
		t.Fatalf("user doc: %v %v", snap.Data(), err)
	}
	if _, ok := snap.Data()["createdAt"].(time.Time); !ok {
		t.Errorf("createdAt is not a Timestamp: %T", snap.Data()["createdAt"])
	}
	devs, _ := e.srv.store.Devices(ctx, u.UID)
	if len(devs) != 1 || devs[0].OS != "linux" || devs[0].AppVersion != "1.0.0" {
		t.Fatalf("devices = %+v", devs)
	}
	// Same device again: refreshed, not added.
	e.clock.Advance(time.Hour)
	e.call("GET", "/v1/entitlement", u.Token, nil, device("dev-a")...).wantOK(t, &got)
	devs, _ = e.srv.store.Devices(ctx, u.UID)
	if len(devs) != 1 || !devs[0].LastSeenAt.Equal(testNoon.Add(time.Hour)) || !devs[0].FirstSeenAt.Equal(testNoon) {
		t.Fatalf("devices after refresh = %+v", devs)
	}
	// A second device exceeds the free plan's single device.
	r := e.call("GET", "/v1/entitlement", u.Token, nil, device("dev-b")...)
	body := r.wantError(t, wire.CodeDeviceLimit)
	if len(body.Devices) != 1 || body.Devices[0].ID != "dev-a" {
		t.Fatalf("device_limit devices = %+v", body.Devices)
	}
}

func TestEntitlementErrors(t *testing.T) {
	e := newTestEnv(t)
	u := signUp(t, "err")
	e.call("GET", "/v1/entitlement", "", nil, device("d1")...).wantError(t, wire.CodeUnauthenticated)
	e.call("GET", "/v1/entitlement", "not-a-token", nil, device("d1")...).wantError(t, wire.CodeUnauthenticated)
	e.call("GET", "/v1/entitlement", u.Token, nil).wantError(t, wire.CodeInvalidArgument)
	e.call("GET", "/v1/entitlement", u.Token, nil, wire.HeaderDeviceID, "bad/id").wantError(t, wire.CodeInvalidArgument)
	e.call("GET", "/v1/entitlement", u.Token, nil, wire.HeaderDeviceID, "__reserved__").wantError(t, wire.CodeInvalidArgument)

	// Revoked: tokens issued before the revocation are refused (the check has
	// one-second resolution, hence the pause); a new sign-in works.
	time.Sleep(1100 * time.Millisecond)
	ctx := context.Background()
	if err := e.srv.auth.RevokeRefreshTokens(ctx, u.UID); err != nil {
		t.Fatal(err)
	}
	r := e.call("GET", "/v1/entitlement", u.Token, nil, device("d1")...)
	if b := r.wantError(t, wire.CodeUnauthenticated); !strings.Contains(b.Message, "signed out") {
		t.Errorf("revoked message = %q", b.Message)
	}
	time.Sleep(1100 * time.Millisecond)
	fresh := signIn(t, u)
	e.call("GET", "/v1/entitlement", fresh, nil, device("d1")...).wantOK(t, nil)

	// Disabled account.
	if _, err := e.srv.auth.UpdateUser(ctx, u.UID, (&auth.UserToUpdate{}).Disabled(true)); err != nil {
		t.Fatal(err)
	}
	e.call("GET", "/v1/entitlement", fresh, nil, device("d1")...).wantError(t, wire.CodeUnauthenticated)
}

func TestEntitlementPaidPlanAndExpiry(t *testing.T) {
	e := newTestEnv(t)
	u := signUp(t, "paid")
	end := testNoon.Add(20 * 24 * time.Hour)
	e.subscribe(u.UID, "basic", end, true)
	var got wire.EntitlementResponse
	e.call("GET", "/v1/entitlement", u.Token, nil, device("p1")...).wantOK(t, &got)
	if got.Plan != "basic" || got.Status != wire.StatusActive || !got.AutoRenew || got.PeriodEnd == nil || !got.PeriodEnd.Equal(end) || *got.Remaining != 50 {
		t.Fatalf("basic = %+v", got)
	}
	// Basic allows two devices.
	e.call("GET", "/v1/entitlement", u.Token, nil, device("p2")...).wantOK(t, nil)
	e.call("GET", "/v1/entitlement", u.Token, nil, device("p3")...).wantError(t, wire.CodeDeviceLimit)
	// The plan is mirrored into the custom claim.
	rec, err := e.srv.auth.GetUser(context.Background(), u.UID)
	if err != nil || rec.CustomClaims["plan"] != "basic" {
		t.Fatalf("claims = %v %v", rec.CustomClaims, err)
	}
	// After the period end the user is on free, status expired, and the claim follows.
	e.clock.Set(end.Add(time.Minute))
	e.call("GET", "/v1/entitlement", signIn(t, u), nil, device("p1")...).wantOK(t, &got)
	if got.Plan != "free" || got.Status != wire.StatusExpired || got.AutoRenew || *got.Limits.DailyLimit != 5 {
		t.Fatalf("after period end = %+v", got)
	}
	rec, _ = e.srv.auth.GetUser(context.Background(), u.UID)
	if rec.CustomClaims["plan"] != "free" {
		t.Fatalf("claim after expiry = %v", rec.CustomClaims)
	}
	// Two devices from the basic period, one allowed on free: the earliest
	// registered keeps working, the other gets device_limit until one is removed.
	tok := signIn(t, u)
	body := e.call("GET", "/v1/entitlement", tok, nil, device("p2")...).wantError(t, wire.CodeDeviceLimit)
	if len(body.Devices) != 2 {
		t.Fatalf("device_limit after downgrade lists %+v", body.Devices)
	}
	if r := e.call("DELETE", "/v1/devices/p1", tok, nil); r.Status != http.StatusNoContent {
		t.Fatalf("delete p1 = %d", r.Status)
	}
	e.call("GET", "/v1/entitlement", tok, nil, device("p2")...).wantOK(t, nil)
	// Unknown plan ids fall back to free.
	e.subscribe(u.UID, "platinum", end.AddDate(0, 1, 0), false)
	e.call("GET", "/v1/entitlement", tok, nil, device("p2")...).wantOK(t, &got)
	if got.Plan != "free" {
		t.Fatalf("unknown plan = %+v", got)
	}
}

// register registers devices of a user (GET /v1/entitlement), as the app does
// before it reserves or syncs.
func register(e *testEnv, token string, ids ...string) {
	e.t.Helper()
	for _, id := range ids {
		e.call("GET", "/v1/entitlement", token, nil, device(id)...).wantOK(e.t, nil)
	}
}

// reserve reserves from device dev-1 (register it first).
func reserve(e *testEnv, token, run string, n int) response {
	return e.call("POST", "/v1/usage/reserve", token, wire.ReserveRequest{RunID: run, Count: n}, wire.HeaderDeviceID, "dev-1")
}

func TestReserveRoute(t *testing.T) {
	e := newTestEnv(t)
	u := signUp(t, "res")
	register(e, u.Token, "dev-1")
	var got wire.ReserveResponse
	reserve(e, u.Token, "run-1", 3).wantOK(t, &got)
	if got.Granted != 3 || *got.Remaining != 2 || got.UsageToday != 3 || got.Day != "2026-11-27" {
		t.Fatalf("first = %+v", got)
	}
	// Same run id: the same grant, nothing more counted.
	reserve(e, u.Token, "run-1", 3).wantOK(t, &got)
	if got.Granted != 3 || *got.Remaining != 2 || got.UsageToday != 3 {
		t.Fatalf("replay = %+v", got)
	}
	// Only what is left is granted, then quota_exceeded.
	reserve(e, u.Token, "run-2", 5).wantOK(t, &got)
	if got.Granted != 2 || *got.Remaining != 0 {
		t.Fatalf("partial = %+v", got)
	}
	reserve(e, u.Token, "run-3", 1).wantError(t, wire.CodeQuotaExceeded)
	// Firestore holds the day with both reservations.
	snap, err := e.srv.fs.Doc("usage/" + u.UID + "/days/2026-11-27").Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var day store.DayDoc
	_ = snap.DataTo(&day)
	if day.Count != 5 || len(day.Reservations) != 2 || day.Reservations["run-2"].Granted != 2 || day.Reservations["run-1"].Device != "dev-1" {
		t.Fatalf("day doc = %+v", day)
	}
	// 23:59:59 in Seoul is still the same day; one second later the quota is fresh.
	e.clock.Set(time.Date(2026, 11, 27, 14, 59, 59, 0, time.UTC))
	reserve(e, u.Token, "run-4", 1).wantError(t, wire.CodeQuotaExceeded)
	e.clock.Set(time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC))
	reserve(e, u.Token, "run-4", 1).wantOK(t, &got)
	if got.Day != "2026-11-28" || got.Granted != 1 || *got.Remaining != 4 {
		t.Fatalf("next day = %+v", got)
	}

	// Pro: unlimited, remaining null.
	p := signUp(t, "pro")
	e.subscribe(p.UID, "pro", testNoon.AddDate(0, 1, 0), false)
	register(e, p.Token, "dev-1")
	r := reserve(e, p.Token, "big", 1000)
	r.wantOK(t, &got)
	if got.Granted != 1000 || got.Remaining != nil || !strings.Contains(string(r.Body), `"remaining":null`) {
		t.Fatalf("pro = %+v %s", got, r.Body)
	}
}

func TestReserveErrors(t *testing.T) {
	e := newTestEnv(t)
	u := signUp(t, "reserr")
	e.call("POST", "/v1/usage/reserve", "", wire.ReserveRequest{RunID: "r", Count: 1}).wantError(t, wire.CodeUnauthenticated)
	for name, body := range map[string]any{
		"no run id":    wire.ReserveRequest{Count: 1},
		"bad run id":   wire.ReserveRequest{RunID: "a b", Count: 1},
		"zero count":   wire.ReserveRequest{RunID: "r", Count: 0},
		"huge count":   wire.ReserveRequest{RunID: "r", Count: 1001},
		"not JSON":     "{runId:",
		"wrong type":   `{"runId":"r","count":"three"}`,
		"two objects":  `{"runId":"r","count":1}{"runId":"r","count":1}`,
		"empty":        "",
		"too large":    `{"runId":"r","count":1,"pad":"` + strings.Repeat("x", httpx.MaxBodyBytes) + `"}`,
		"not an array": `[]`,
	} {
		t.Run(name, func(t *testing.T) {
			r := e.call("POST", "/v1/usage/reserve", u.Token, body)
			if name == "empty" { // an empty body is sent without a reader
				r = e.call("POST", "/v1/usage/reserve", u.Token, nil)
			}
			r.wantError(t, wire.CodeInvalidArgument)
		})
	}
	r := e.call("POST", "/v1/usage/reserve", u.Token, `{"runId":"r","count":1}`, "Content-Type", "text/plain")
	r.wantError(t, wire.CodeInvalidArgument)
}

func TestSyncRoute(t *testing.T) {
	e := newTestEnv(t)
	u := signUp(t, "sync")
	b := signUp(t, "sync-basic")
	e.subscribe(b.UID, "basic", testNoon.AddDate(0, 1, 0), false)
	register(e, u.Token, "dev-1")
	register(e, b.Token, "dev-1")
	var rr wire.ReserveResponse
	reserve(e, b.Token, "run-a", 10).wantOK(t, &rr)

	sync := func(tok string, entries ...wire.SyncEntry) response {
		return e.call("POST", "/v1/usage/sync", tok, wire.SyncRequest{Entries: entries}, wire.HeaderDeviceID, "dev-1")
	}
	var got wire.SyncResponse
	// Settle run-a (used 4 of 10), record an offline run today and one yesterday.
	sync(b.Token,
		wire.SyncEntry{ID: "run-a", Day: "2026-11-27", Count: 4},
		wire.SyncEntry{ID: "off-1", Day: "2026-11-27", Count: 3},
		wire.SyncEntry{ID: "off-0", Day: "2026-11-26", Count: 7},
	).wantOK(t, &got)
	if got.Recorded != 3 || got.UsageToday != 7 || got.Day != "2026-11-27" {
		t.Fatalf("sync = %+v", got)
	}
	// Replays change nothing; settling can only lower.
	sync(b.Token,
		wire.SyncEntry{ID: "run-a", Day: "2026-11-27", Count: 10},
		wire.SyncEntry{ID: "off-1", Day: "2026-11-27", Count: 3},
	).wantOK(t, &got)
	if got.Recorded != 0 || got.UsageToday != 7 {
		t.Fatalf("replay = %+v", got)
	}
	if n, _ := e.srv.store.UsageRecord(context.Background(), b.UID, "2026-11-26"); n != 7 {
		t.Fatalf("yesterday = %d", n)
	}
	// Offline use beyond the limit is recorded (it happened), so reserve then grants nothing.
	sync(u.Token, wire.SyncEntry{ID: "off-x", Day: "2026-11-27", Count: 6}).wantOK(t, &got)
	if got.UsageToday != 6 {
		t.Fatalf("over limit = %+v", got)
	}
	reserve(e, u.Token, "after", 1).wantError(t, wire.CodeQuotaExceeded)
	// Entries older than a month are ignored.
	sync(u.Token, wire.SyncEntry{ID: "ancient", Day: "2026-09-01", Count: 6}).wantOK(t, &got)
	if got.Recorded != 0 || got.UsageToday != 6 {
		t.Fatalf("ancient = %+v", got)
	}

	e.call("POST", "/v1/usage/sync", "", wire.SyncRequest{}).wantError(t, wire.CodeUnauthenticated)
	many := make([]wire.SyncEntry, 101)
	for i := range many {
		many[i] = wire.SyncEntry{ID: "m" + strings.Repeat("x", i%5) + string(rune('a'+i%26)), Day: "2026-11-27", Count: 1}
	}
	for name, entries := range map[string][]wire.SyncEntry{
		"none":         {},
		"too many":     many,
		"bad id":       {{ID: "a/b", Day: "2026-11-27", Count: 1}},
		"bad day":      {{ID: "a", Day: "27.11.2026", Count: 1}},
		"negative":     {{ID: "a", Day: "2026-11-27", Count: -1}},
		"duplicate id": {{ID: "a", Day: "2026-11-27", Count: 1}, {ID: "a", Day: "2026-11-26", Count: 1}},
	} {
		t.Run(name, func(t *testing.T) { sync(u.Token, entries...).wantError(t, wire.CodeInvalidArgument) })
	}
}

// Only a registered device within the plan's device limit may reserve or sync:
// the rule of GET /v1/entitlement. Refused calls count nothing.
func TestUsageRoutesNeedARegisteredDevice(t *testing.T) {
	e := newTestEnv(t)
	u := signUp(t, "usagedev")
	reserveOn := func(tok, dev, run string) response {
		return e.call("POST", "/v1/usage/reserve", tok, wire.ReserveRequest{RunID: run, Count: 1}, wire.HeaderDeviceID, dev)
	}
	syncOn := func(tok, dev, id string) response {
		return e.call("POST", "/v1/usage/sync", tok, wire.SyncRequest{Entries: []wire.SyncEntry{{ID: id, Day: "2026-11-27", Count: 1}}}, wire.HeaderDeviceID, dev)
	}
	// No header, or a malformed one.
	e.call("POST", "/v1/usage/reserve", u.Token, wire.ReserveRequest{RunID: "r0", Count: 1}).wantError(t, wire.CodeInvalidArgument)
	e.call("POST", "/v1/usage/sync", u.Token, wire.SyncRequest{Entries: []wire.SyncEntry{{ID: "s0", Day: "2026-11-27", Count: 1}}}).wantError(t, wire.CodeInvalidArgument)
	reserveOn(u.Token, "__x__", "r0").wantError(t, wire.CodeInvalidArgument)
	// A device never registered.
	if body := reserveOn(u.Token, "ghost", "r1").wantError(t, wire.CodeDeviceLimit); len(body.Devices) != 0 || !strings.Contains(body.Message, "not registered") {
		t.Fatalf("unregistered device: %+v", body)
	}
	syncOn(u.Token, "ghost", "s1").wantError(t, wire.CodeDeviceLimit)
	// Registered: allowed. A second device of the free plan (1 computer) is not.
	register(e, u.Token, "dev-a")
	reserveOn(u.Token, "dev-a", "r2").wantOK(t, nil)
	syncOn(u.Token, "dev-a", "s2").wantOK(t, nil)
	body := reserveOn(u.Token, "dev-b", "r3").wantError(t, wire.CodeDeviceLimit)
	if len(body.Devices) != 1 || body.Devices[0].ID != "dev-a" {
		t.Fatalf("device list = %+v, want dev-a", body.Devices)
	}
	syncOn(u.Token, "dev-b", "s3").wantError(t, wire.CodeDeviceLimit)
	// Removed from another computer: it stops at once.
	e.call("DELETE", "/v1/devices/dev-a", u.Token, nil, device("dev-a")...).wantOK(t, nil)
	reserveOn(u.Token, "dev-a", "r4").wantError(t, wire.CodeDeviceLimit)
	if used, _ := e.srv.store.UsageOn(context.Background(), u.UID, "2026-11-27"); used != 2 {
		t.Fatalf("usage = %d, want 2 (r2 and s2 only)", used)
	}

	// After a downgrade only the earliest registered devices within the new limit keep working.
	p := signUp(t, "usagedown")
	e.subscribe(p.UID, "pro", testNoon.Add(time.Hour), false)
	for _, id := range []string{"p1", "p2", "p3"} {
		register(e, p.Token, id)
		e.clock.Advance(time.Minute)
	}
	reserveOn(p.Token, "p3", "pro-run").wantOK(t, nil)
	e.clock.Advance(2 * time.Hour) // Pro ended: free, one computer
	tok := signIn(t, p)
	reserveOn(tok, "p1", "free-run").wantOK(t, nil)
	if body := reserveOn(tok, "p3", "free-run-3").wantError(t, wire.CodeDeviceLimit); len(body.Devices) != 3 {
		t.Fatalf("after downgrade: %+v", body)
	}
	syncOn(tok, "p2", "free-sync-2").wantError(t, wire.CodeDeviceLimit)
}

func TestDevicesRoutes(t *testing.T) {
	e := newTestEnv(t)
	u := signUp(t, "dev")
	e.subscribe(u.UID, "pro", testNoon.AddDate(0, 1, 0), false)
	for i, id := range []string{"d1", "d2", "d3"} {
		e.clock.Set(testNoon.Add(time.Duration(i) * time.Minute))
		e.call("GET", "/v1/entitlement", u.Token, nil, device(id)...).wantOK(t, nil)
	}
	var list wire.DevicesResponse
	e.call("GET", "/v1/devices", u.Token, nil, wire.HeaderDeviceID, "d2").wantOK(t, &list)
	if len(list.Devices) != 3 || list.Devices[0].ID != "d3" || list.Devices[2].ID != "d1" || !list.Devices[1].Current || list.Devices[0].Current {
		t.Fatalf("devices = %+v", list.Devices)
	}
	e.call("GET", "/v1/entitlement", u.Token, nil, device("d4")...).wantError(t, wire.CodeDeviceLimit)
	r := e.call("DELETE", "/v1/devices/d1", u.Token, nil)
	if r.Status != http.StatusNoContent {
		t.Fatalf("delete = %d %s", r.Status, r.Body)
	}
	e.call("DELETE", "/v1/devices/d1", u.Token, nil).wantError(t, wire.CodeNotFound)
	e.call("DELETE", "/v1/devices/bad%20id", u.Token, nil).wantError(t, wire.CodeInvalidArgument)
	// The freed slot takes the new device.
	e.call("GET", "/v1/entitlement", u.Token, nil, device("d4")...).wantOK(t, nil)
	// Another user cannot see or remove these devices.
	o := signUp(t, "other")
	e.call("GET", "/v1/devices", o.Token, nil).wantOK(t, &list)
	if len(list.Devices) != 0 {
		t.Fatalf("other user's devices = %+v", list.Devices)
	}
	e.call("DELETE", "/v1/devices/d2", o.Token, nil).wantError(t, wire.CodeNotFound)
	e.call("GET", "/v1/devices", "", nil).wantError(t, wire.CodeUnauthenticated)
	e.call("DELETE", "/v1/devices/d2", "", nil).wantError(t, wire.CodeUnauthenticated)
}

func TestRateLimits(t *testing.T) {
	e := newTestEnv(t, "RATE_LIMIT_USER_RPS", "0.001", "RATE_LIMIT_USER_BURST", "2")
	u := signUp(t, "rl")
	for i := 0; i < 2; i++ {
		e.call("GET", "/v1/devices", u.Token, nil).wantOK(t, nil)
	}
	r := e.call("GET", "/v1/devices", u.Token, nil)
	r.wantError(t, wire.CodeRateLimited)
	if r.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	// Another user is not affected.
	e.call("GET", "/v1/devices", signUp(t, "rl2").Token, nil).wantOK(t, nil)

	ip := newTestEnv(t, "RATE_LIMIT_IP_RPS", "0.001", "RATE_LIMIT_IP_BURST", "3")
	for i := 0; i < 3; i++ {
		ip.call("GET", "/v1/plans", "", nil).wantOK(t, nil)
	}
	ip.call("GET", "/v1/plans", "", nil).wantError(t, wire.CodeRateLimited)
	ip.call("GET", "/v1/devices", u.Token, nil).wantError(t, wire.CodeRateLimited)
}

// entitle is POST /v1/entitlement from device dev.
func entitle(e *testEnv, token, dev string, req any) response {
	return e.call("POST", "/v1/entitlement", token, req, device(dev)...)
}

// POST /v1/entitlement does the work of GET /v1/entitlement, POST
// /v1/usage/sync and POST /v1/usage/reserve in one call, with their rules.
func TestEntitlementWithUsage(t *testing.T) {
	e := newTestEnv(t)
	u := signUp(t, "combined")
	e.subscribe(u.UID, "basic", testNoon.AddDate(0, 1, 0), false)
	register(e, u.Token, "dev-1")
	var rr wire.ReserveResponse
	reserve(e, u.Token, "block-0", 10).wantOK(t, &rr) // yesterday's habit: a block, used 4

	// Settle the block, record an offline run, and ask for a new block.
	var got wire.EntitlementResponse
	body := wire.EntitlementRequest{
		Sync: []wire.SyncEntry{
			{ID: "block-0", Day: "2026-11-27", Count: 4},
			{ID: "off-1", Day: "2026-11-27", Count: 3},
			{ID: "off-0", Day: "2026-11-26", Count: 7},
		},
		Reserve: &wire.ReserveRequest{RunID: "block-1", Count: 10},
	}
	entitle(e, u.Token, "dev-1", body).wantOK(t, &got)
	if got.Plan != "basic" || got.Entitlement == "" || !got.Device.Current || got.Day != "2026-11-27" {
		t.Fatalf("entitlement part = %+v", got)
	}
	if got.Sync == nil || got.Sync.Recorded != 3 || got.Sync.UsageToday != 7 {
		t.Fatalf("sync part = %+v", got.Sync)
	}
	// The grant comes after the sync: 4 + 3 + 10.
	if got.Grant == nil || got.Grant.Granted != 10 || *got.Grant.Remaining != 33 || got.Grant.UsageToday != 17 || got.Grant.Day != "2026-11-27" {
		t.Fatalf("grant = %+v", got.Grant)
	}
	if got.UsageToday != 17 || *got.Remaining != 33 {
		t.Fatalf("usage = %d remaining %v, want 17 and 33", got.UsageToday, *got.Remaining)
	}
	// A retried call is a replay of both parts.
	entitle(e, u.Token, "dev-1", body).wantOK(t, &got)
	if got.Sync.Recorded != 0 || got.Grant.Granted != 10 || got.UsageToday != 17 {
		t.Fatalf("replay = %+v %+v", got.Sync, got.Grant)
	}
	// The run id is one reservation whichever route sees it.
	reserve(e, u.Token, "block-1", 10).wantOK(t, &rr)
	if rr.Granted != 10 || rr.UsageToday != 17 {
		t.Fatalf("block-1 on the reserve route = %+v", rr)
	}
	if n, _ := e.srv.store.UsageRecord(context.Background(), u.UID, "2026-11-26"); n != 7 {
		t.Fatalf("yesterday = %d, want 7", n)
	}
	// Only what is left; then nothing, which does not fail the call.
	got = wire.EntitlementResponse{}
	entitle(e, u.Token, "dev-1", wire.EntitlementRequest{Reserve: &wire.ReserveRequest{RunID: "big", Count: 40}}).wantOK(t, &got)
	if got.Grant.Granted != 33 || *got.Grant.Remaining != 0 || got.Sync != nil {
		t.Fatalf("partial = %+v", got.Grant)
	}
	r := entitle(e, u.Token, "dev-1", wire.EntitlementRequest{Reserve: &wire.ReserveRequest{RunID: "none", Count: 1}})
	r.wantOK(t, &got)
	if got.Grant.Granted != 0 || *got.Grant.Remaining != 0 || got.Entitlement == "" || got.UsageToday != 50 {
		t.Fatalf("used up = %+v %s", got.Grant, r.Body)
	}
	reserve(e, u.Token, "none", 1).wantError(t, wire.CodeQuotaExceeded) // nothing was recorded for it
	// {} is the GET form: no sync or grant in the answer.
	got = wire.EntitlementResponse{}
	r = entitle(e, u.Token, "dev-1", wire.EntitlementRequest{})
	r.wantOK(t, &got)
	if got.Sync != nil || got.Grant != nil || strings.Contains(string(r.Body), `"grant"`) || got.UsageToday != 50 {
		t.Fatalf("empty body = %s", r.Body)
	}

	// Pro: unlimited, remaining null in the grant.
	p := signUp(t, "combined-pro")
	e.subscribe(p.UID, "pro", testNoon.AddDate(0, 1, 0), false)
	r = entitle(e, p.Token, "pro-1", wire.EntitlementRequest{Reserve: &wire.ReserveRequest{RunID: "pro-run", Count: 1000}})
	r.wantOK(t, &got)
	if got.Grant.Granted != 1000 || got.Grant.Remaining != nil || !strings.Contains(string(r.Body), `"remaining":null`) {
		t.Fatalf("pro = %+v %s", got.Grant, r.Body)
	}
}

// A malformed part fails the whole call before anything is written, with the
// separate routes' codes; a device beyond the plan's limit counts nothing.
func TestEntitlementWithUsageErrors(t *testing.T) {
	e := newTestEnv(t)
	u := signUp(t, "combined-err")
	entitle(e, "", "dev-1", wire.EntitlementRequest{}).wantError(t, wire.CodeUnauthenticated)
	ok := wire.SyncEntry{ID: "fine", Day: "2026-11-27", Count: 1}
	for name, body := range map[string]any{
		"bad run id":     wire.EntitlementRequest{Sync: []wire.SyncEntry{ok}, Reserve: &wire.ReserveRequest{RunID: "a b", Count: 1}},
		"zero count":     wire.EntitlementRequest{Reserve: &wire.ReserveRequest{RunID: "r", Count: 0}},
		"huge count":     wire.EntitlementRequest{Reserve: &wire.ReserveRequest{RunID: "r", Count: 1001}},
		"duplicate":      wire.EntitlementRequest{Sync: []wire.SyncEntry{ok, ok}},
		"negative":       wire.EntitlementRequest{Sync: []wire.SyncEntry{{ID: "n", Day: "2026-11-27", Count: -1}}},
		"too many":       wire.EntitlementRequest{Sync: make([]wire.SyncEntry, 101)},
		"not JSON":       "{sync:",
		"wrong type":     `{"reserve":{"runId":"r","count":"three"}}`,
		"empty body":     nil,
		"not an object":  `[]`,
		"malformed head": nil,
	} {
		t.Run(name, func(t *testing.T) {
			dev := "dev-1"
			if name == "malformed head" {
				dev, body = "__x__", wire.EntitlementRequest{}
			}
			entitle(e, u.Token, dev, body).wantError(t, wire.CodeInvalidArgument)
		})
	}
	if used, _ := e.srv.store.UsageOn(context.Background(), u.UID, "2026-11-27"); used != 0 {
		t.Fatalf("usage = %d after refused calls, want 0", used)
	}
	if devs, _ := e.srv.store.Devices(context.Background(), u.UID); len(devs) != 0 {
		t.Fatalf("refused calls registered %+v", devs)
	}
	// Free: one computer. The second one gets device_limit and counts nothing.
	entitle(e, u.Token, "dev-a", wire.EntitlementRequest{Reserve: &wire.ReserveRequest{RunID: "a", Count: 1}}).wantOK(t, nil)
	body := entitle(e, u.Token, "dev-b", wire.EntitlementRequest{
		Sync:    []wire.SyncEntry{{ID: "b-off", Day: "2026-11-27", Count: 2}},
		Reserve: &wire.ReserveRequest{RunID: "b", Count: 1},
	}).wantError(t, wire.CodeDeviceLimit)
	if len(body.Devices) != 1 || body.Devices[0].ID != "dev-a" {
		t.Fatalf("device list = %+v", body.Devices)
	}
	if used, _ := e.srv.store.UsageOn(context.Background(), u.UID, "2026-11-27"); used != 1 {
		t.Fatalf("usage = %d, want 1 (dev-a's reservation only)", used)
	}
}
