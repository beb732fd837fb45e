package api

import (
	"context"
	"log"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"

	"imageconverter/functions/entitlement"
	"imageconverter/functions/internal/claims"
	"imageconverter/functions/internal/httpx"
	"imageconverter/functions/internal/store"
	"imageconverter/functions/wire"
)

func (s *Server) registerAccountRoutes(rt *httpx.Router) {
	rt.User("GET /v1/entitlement", s.entitlement)
	rt.User("POST /v1/entitlement", s.entitlementWithUsage)
	rt.User("POST /v1/usage/reserve", s.reserve)
	rt.User("POST /v1/usage/sync", s.syncUsage)
	rt.User("GET /v1/devices", s.listDevices)
	rt.User("DELETE /v1/devices/{id}", s.removeDevice)
}

// Limits of request values.
const (
	maxReserveCount = 1000 // more than any plan's files per run
	maxSyncEntries  = 100
	maxSyncCount    = 10000
	syncMaxAgeDays  = 31 // older offline entries are ignored (the offline grace is 7 days)
)

// cleanText trims a header value for display: no control characters, at most n runes.
func cleanText(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	if r := []rune(s); len(r) > n {
		s = string(r[:n])
	}
	return s
}

// account is what a user's subscription grants right now.
type account struct {
	eff  store.Effective
	plan wire.Plan
	day  string
}

// planOf is the plan a subscription grants at now (unknown plan ids: free).
func (s *Server) planOf(ctx context.Context, sub *store.SubscriptionDoc, now time.Time) (store.Effective, wire.Plan, error) {
	eff := store.EffectiveAt(sub, now)
	plan, err := s.store.Plan(ctx, eff.Plan)
	if err != nil {
		return eff, wire.Plan{}, err
	}
	eff.Plan = plan.ID
	return eff, plan, nil
}

// accountOnDevice is what the usage routes know of the caller: only a
// registered device within the plan's device limit may call them (the rule of
// GET /v1/entitlement); otherwise device_limit with the device list. Without
// the check a removed device, or one beyond the limit after a downgrade, would
// keep converting with an entitlement it still holds. One document read.
func (s *Server) accountOnDevice(r *http.Request, uid, device string) (account, error) {
	if !httpx.ValidID(device) {
		return account{}, httpx.Invalid("Header %s is missing or malformed (1–128 letters, digits, '-' or '_').", wire.HeaderDeviceID)
	}
	acc, err := s.store.ReadAccount(r.Context(), uid)
	if err != nil {
		return account{}, err
	}
	now := s.now()
	a := account{day: store.DayKey(now, s.cfg.QuotaLocation)}
	if a.eff, a.plan, err = s.planOf(r.Context(), acc.Subscription, now); err != nil {
		return account{}, err
	}
	if err := store.DeviceAllowed(acc.Devices(), device, a.plan.MaxDevices); err != nil {
		return account{}, err
	}
	return a, nil
}

func remaining(limit *int, used int) *int {
	if limit == nil {
		return nil
	}
	n := max(0, *limit-used)
	return &n
}

// entitlement is GET /v1/entitlement: registers the device, reports the plan
// and today's usage, and signs an entitlement for offline use.
func (s *Server) entitlement(w http.ResponseWriter, r *http.Request, c httpx.Caller) error {
	return s.entitle(w, r, c, wire.EntitlementRequest{})
}

// entitlementWithUsage is POST /v1/entitlement: GET /v1/entitlement plus the
// sync entries and reservation of the body (wire.EntitlementRequest), so the
// desktop's daily refresh, its waiting syncs and the day's block are one call.
func (s *Server) entitlementWithUsage(w http.ResponseWriter, r *http.Request, c httpx.Caller) error {
	var req wire.EntitlementRequest
	if err := httpx.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	return s.entitle(w, r, c, req)
}

// entitle answers both forms of /v1/entitlement. Every part of the body is
// checked before anything is written, and the device is registered (or
// refused with device_limit, writing nothing) in the same transaction that
// counts today's usage: the usage routes' rule that only a registered device
// within the limit counts conversions. The usual call (today's entries, a
// reservation) is two document reads and two writes.
func (s *Server) entitle(w http.ResponseWriter, r *http.Request, c httpx.Caller, req wire.EntitlementRequest) error {
	dev := wire.Device{
		ID:         r.Header.Get(wire.HeaderDeviceID),
		Name:       cleanText(r.Header.Get(wire.HeaderDeviceName), 100),
		OS:         cleanText(r.Header.Get(wire.HeaderDeviceOS), 50),
		AppVersion: cleanText(r.Header.Get(wire.HeaderAppVersion), 50),
	}
	if !httpx.ValidID(dev.ID) {
		return httpx.Invalid("Header %s is missing or malformed (1–128 letters, digits, '-' or '_').", wire.HeaderDeviceID)
	}
	now := s.now()
	var batch syncBatch
	if len(req.Sync) > 0 {
		var err error
		if batch, err = s.parseSync(req.Sync, now, "sync"); err != nil {
			return err
		}
	}
	if req.Reserve != nil {
		if err := checkReserve(*req.Reserve, "reserve."); err != nil {
			return err
		}
	}
	// The account, the device, today's sync entries and the reservation:
	// one transaction over users/{uid} and today's usage document. Entries of
	// other days (offline days, a client clock ahead) follow, one transaction
	// per day, once the device is known to be allowed.
	day := store.DayKey(now, s.cfg.QuotaLocation)
	locale, _, _ := strings.Cut(r.Header.Get("Accept-Language"), ",")
	todays, late, later := batch.split(day)
	args := store.EntitleArgs{UID: c.UID, Email: c.Email, Locale: cleanText(locale, 20), Device: dev, Day: day, Reserve: req.Reserve,
		Sync: todays, Late: late,
		Plan: func(ctx context.Context, sub *store.SubscriptionDoc) (wire.Plan, error) {
			_, plan, err := s.planOf(ctx, sub, now)
			return plan, err
		}}
	res, err := s.store.Entitle(r.Context(), args)
	if err != nil {
		return err
	}
	a := account{plan: res.Plan, day: day}
	if a.eff, _, err = s.planOf(r.Context(), res.Subscription, now); err != nil {
		return err
	}
	registered := res.Device
	registered.Current = true
	resp := wire.EntitlementResponse{}
	used := res.Count
	if len(req.Sync) > 0 {
		sr := wire.SyncResponse{Recorded: res.Synced, UsageToday: res.AfterSync, Day: day}
		for _, d := range later {
			applied, _, err := s.store.Sync(r.Context(), c.UID, d, batch.byDay[d], dev.ID)
			if err != nil {
				return err
			}
			sr.Recorded += applied
		}
		resp.Sync = &sr
	}
	if req.Reserve != nil {
		// Where POST /v1/usage/reserve answers quota_exceeded, the grant is
		// 0 and the entitlement is still due.
		rr := wire.ReserveResponse{Granted: res.Reserve.Granted, Remaining: remaining(a.plan.DailyLimit, res.Count), UsageToday: res.Count, Day: day}
		if res.QuotaExceeded {
			zero := 0
			rr.Granted, rr.Remaining = 0, &zero
		}
		resp.Grant = &rr
	}
	signedAt := s.now().Truncate(time.Second)
	offlineUntil := offlineUntil(a.plan.ID, a.eff, signedAt)
	token, err := s.cfg.Signer.Sign(entitlement.Entitlement{
		UserID: c.UID, Plan: a.plan.ID, Limits: a.plan.Limits(), Device: dev.ID,
		PeriodEnd: a.eff.PeriodEnd, IssuedAt: signedAt, ExpiresAt: offlineUntil,
	})
	if err != nil {
		return err
	}
	if c.Plan != a.plan.ID {
		// Keep the custom claim in step (e.g. after a period ended); not worth failing the call.
		if err := claims.MirrorPlan(r.Context(), s.auth, c.UID, a.plan.ID); err != nil {
			log.Printf("api: %v", err)
		}
	}
	resp.Plan, resp.Status, resp.PeriodEnd, resp.AutoRenew = a.plan.ID, a.eff.Status, a.eff.PeriodEnd, a.eff.AutoRenew
	resp.CancelAtPeriodEnd, resp.Limits, resp.Day, resp.UsageToday = a.eff.CancelAt, a.plan.Limits(), a.day, used
	resp.RenewalIssue = a.eff.RenewalIssue
	resp.Remaining, resp.Entitlement = remaining(a.plan.DailyLimit, used), token
	resp.OfflineUntil, resp.ServerTime, resp.Device = offlineUntil.UTC(), signedAt.UTC(), registered
	httpx.WriteJSON(w, http.StatusOK, resp)
	return nil
}

// offlineUntil is the entitlement's exp: iat + the offline grace, but no
// later than the paid period's end when the subscription will not renew
// itself (auto-renew off, or not active: canceled, past due). A refund, a
// cancellation or the end of the period then ends the offline Pro/Basic
// with the period, not up to a week later.
func offlineUntil(plan string, eff store.Effective, iat time.Time) time.Time {
	exp := iat.Add(entitlement.OfflineGrace)
	if plan == wire.PlanFree || eff.PeriodEnd == nil || eff.AutoRenew && eff.Status == wire.StatusActive {
		return exp
	}
	end := eff.PeriodEnd.Truncate(time.Second)
	switch {
	case end.Before(iat):
		return iat
	case end.Before(exp):
		return end
	}
	return exp
}

// checkReserve validates a reservation request; field prefixes its names in messages.
func checkReserve(req wire.ReserveRequest, field string) error {
	if !httpx.ValidID(req.RunID) {
		return httpx.Invalid("%srunId is missing or malformed (1–128 letters, digits, '-' or '_').", field)
	}
	if req.Count < 1 || req.Count > maxReserveCount {
		return httpx.Invalid("%scount must be between 1 and %d.", field, maxReserveCount)
	}
	return nil
}

// reserveRun grants a checked reservation for a device already allowed on
// account a (POST /v1/usage/reserve and POST /v1/entitlement): one
// transaction on the day's document, idempotent by run id, never above the
// plan's daily limit. Nothing left is quota_exceeded, with the day's count
// in the response.
func (s *Server) reserveRun(ctx context.Context, uid string, a account, req wire.ReserveRequest, device string) (wire.ReserveResponse, error) {
	res, err := s.store.Reserve(ctx, uid, a.day, req.RunID, req.Count, a.plan.DailyLimit, device)
	if err == store.ErrQuotaExceeded {
		return wire.ReserveResponse{UsageToday: res.Count, Day: a.day}, &httpx.Error{Code: wire.CodeQuotaExceeded, Message: quotaMessage(a.plan), Cause: err}
	}
	if err != nil {
		return wire.ReserveResponse{}, err
	}
	return wire.ReserveResponse{
		Granted: res.Granted, Remaining: remaining(a.plan.DailyLimit, res.Count), UsageToday: res.Count, Day: a.day,
	}, nil
}

// reserve is POST /v1/usage/reserve.
func (s *Server) reserve(w http.ResponseWriter, r *http.Request, c httpx.Caller) error {
	var req wire.ReserveRequest
	if err := httpx.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := checkReserve(req, ""); err != nil {
		return err
	}
	device := r.Header.Get(wire.HeaderDeviceID)
	a, err := s.accountOnDevice(r, c.UID, device)
	if err != nil {
		return err
	}
	resp, err := s.reserveRun(r.Context(), c.UID, a, req, device)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, resp)
	return nil
}

func quotaMessage(p wire.Plan) string {
	if p.DailyLimit == nil {
		return "No conversions are left for today."
	}
	return "You have used all " + strconv.Itoa(*p.DailyLimit) + " conversions of the " + p.Name + " plan for today. More are available tomorrow, or upgrade your plan."
}

// syncBatch is a checked list of sync entries grouped by day (days in the
// order first seen); entries too old to matter are left out.
type syncBatch struct {
	days  []string
	byDay map[string][]wire.SyncEntry
}

// split sorts the batch by what each entry does: entries dated today count
// today; entries of earlier days are bookkeeping of days that are over (late
// entries, kept in today's document); entries dated tomorrow (a client clock
// slightly ahead) count on that day, by day.
func (b syncBatch) split(today string) (todays, late []wire.SyncEntry, later []string) {
	for _, d := range b.days {
		switch {
		case d == today:
			todays = b.byDay[d]
		case d < today:
			late = append(late, b.byDay[d]...)
		default:
			later = append(later, d)
		}
	}
	return todays, late, later
}

// parseSync checks sync entries as of now; field names them in messages.
func (s *Server) parseSync(entries []wire.SyncEntry, now time.Time, field string) (syncBatch, error) {
	if len(entries) == 0 || len(entries) > maxSyncEntries {
		return syncBatch{}, httpx.Invalid("%s must hold between 1 and %d items.", field, maxSyncEntries)
	}
	tomorrow := store.DayKey(now.Add(24*time.Hour), s.cfg.QuotaLocation)
	today := store.DayKey(now, s.cfg.QuotaLocation)
	oldest := store.DayKey(now.Add(-syncMaxAgeDays*24*time.Hour), s.cfg.QuotaLocation)
	b := syncBatch{byDay: map[string][]wire.SyncEntry{}}
	seen := map[string]bool{}
	for i, e := range entries {
		if !httpx.ValidID(e.ID) {
			return syncBatch{}, httpx.Invalid("%s[%d].id is missing or malformed.", field, i)
		}
		if seen[e.ID] {
			return syncBatch{}, httpx.Invalid("%s[%d].id %q appears twice.", field, i, e.ID)
		}
		seen[e.ID] = true
		if _, err := time.Parse(time.DateOnly, e.Day); err != nil {
			return syncBatch{}, httpx.Invalid("%s[%d].day must be a date like 2026-01-31.", field, i)
		}
		if e.Day > tomorrow { // tomorrow tolerates a client clock slightly ahead
			// A client clock that ran ahead dated real conversions in the
			// future. Refusing them would lose genuine usage (and the rest
			// of the batch): count them today instead.
			log.Printf("api: sync %s[%d] id %s dated %s is in the future; counted on %s", field, i, e.ID, e.Day, today)
			e.Day = today
		}
		if e.Count < 0 || e.Count > maxSyncCount {
			return syncBatch{}, httpx.Invalid("%s[%d].count must be between 0 and %d.", field, i, maxSyncCount)
		}
		if e.Day < oldest {
			continue // too old to matter for any daily limit
		}
		if _, ok := b.byDay[e.Day]; !ok {
			b.days = append(b.days, e.Day)
		}
		b.byDay[e.Day] = append(b.byDay[e.Day], e)
	}
	return b, nil
}

// applySync records a checked batch for a device already allowed (POST
// /v1/usage/sync): today's entries and the late ones of earlier days in one
// transaction on today's document, entries dated tomorrow on theirs; replays
// change nothing. The response's usage is today's after the batch.
func (s *Server) applySync(ctx context.Context, uid, today string, b syncBatch, device string) (wire.SyncResponse, error) {
	todays, late, later := b.split(today)
	applied, count, err := s.store.SyncToday(ctx, uid, today, todays, late, device)
	if err != nil {
		return wire.SyncResponse{}, err
	}
	resp := wire.SyncResponse{Day: today, Recorded: applied, UsageToday: count}
	for _, day := range later {
		n, _, err := s.store.Sync(ctx, uid, day, b.byDay[day], device)
		if err != nil {
			return wire.SyncResponse{}, err
		}
		resp.Recorded += n
	}
	return resp, nil
}

// syncUsage is POST /v1/usage/sync.
func (s *Server) syncUsage(w http.ResponseWriter, r *http.Request, c httpx.Caller) error {
	var req wire.SyncRequest
	if err := httpx.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	now := s.now()
	b, err := s.parseSync(req.Entries, now, "entries")
	if err != nil {
		return err
	}
	device := r.Header.Get(wire.HeaderDeviceID)
	if _, err := s.accountOnDevice(r, c.UID, device); err != nil {
		return err
	}
	resp, err := s.applySync(r.Context(), c.UID, store.DayKey(now, s.cfg.QuotaLocation), b, device)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, resp)
	return nil
}

// listDevices is GET /v1/devices.
func (s *Server) listDevices(w http.ResponseWriter, r *http.Request, c httpx.Caller) error {
	list, err := s.store.Devices(r.Context(), c.UID)
	if err != nil {
		return err
	}
	current := r.Header.Get(wire.HeaderDeviceID)
	for i := range list {
		list[i].Current = list[i].ID == current
	}
	httpx.WriteJSON(w, http.StatusOK, wire.DevicesResponse{Devices: list})
	return nil
}

// removeDevice is DELETE /v1/devices/{id}: frees a device slot.
func (s *Server) removeDevice(w http.ResponseWriter, r *http.Request, c httpx.Caller) error {
	id := r.PathValue("id")
	if !httpx.ValidID(id) {
		return httpx.Invalid("The device id is malformed.")
	}
	if err := s.store.RemoveDevice(r.Context(), c.UID, id); err != nil {
		if err == store.ErrNotFound {
			return httpx.Errorf(wire.CodeNotFound, "This computer is not registered to your account.")
		}
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
