package licensing

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"imageconverter/functions/wire"
	"imageconverter/licensing/apiclient"
	"log"
	"time"
)

// Refresh fetches the entitlement now (registering this device), sending
// with it the usage the server has not seen. Use it when the user asks,
// after a purchase or plan change; otherwise EnsureFresh.
func (s *Service) Refresh(ctx context.Context) error { return s.refresh(ctx, true, nil) }

// blockAsk is a day block requested with a refresh (POST /v1/entitlement).
type blockAsk struct {
	id    string // the block's id: the run's, or a fresh one at the daily refresh
	run   string // the run that draws n of it now ("" = none)
	n     int
	count int // asked for (blockSize)

	// Set by refresh when the server answered the ask.
	answered bool
	grant    Grant
}

// refresh fetches the entitlement; unless force, only when still needed once
// no other refresh runs. The call carries every sync entry waiting (up to
// syncMaxEntries) and the block ask, if any: one POST /v1/entitlement does
// what a refresh, a sync and a reservation did in three calls. With nothing
// to carry it is GET /v1/entitlement.
func (s *Service) refresh(ctx context.Context, force bool, ask *blockAsk) error {
	s.refreshMu.Lock()
	defer s.refreshMu.Unlock()
	s.mu.Lock()
	signedIn := s.st.Session != nil
	if signedIn && !force && !s.needsRefresh(s.now()) {
		s.mu.Unlock()
		return nil
	}
	var sent []wire.SyncEntry
	if signedIn {
		s.st.Ledger.closeBlocks(DayOf(s.now()))
		sent = s.st.Ledger.pending()
	}
	s.mu.Unlock()
	if !signedIn {
		return &Error{Code: CodeNotSignedIn, Message: Message(CodeNotSignedIn)}
	}
	if len(sent) > syncMaxEntries {
		sent = sent[:syncMaxEntries]
	}
	resp, meta, err := s.fetchEntitlement(ctx, sent, ask)
	var refused []wire.SyncEntry
	if ErrorCode(toError(err)) == string(wire.CodeInvalidArgument) && len(sent) > 0 {
		// The server refused an entry of the batch. Keeping the batch
		// would block every refresh, dropping it would lose genuine usage:
		// ask again without it, then send it apart (syncIsolating), which
		// drops only the entries refused on their own.
		refused, sent = sent, nil
		resp, meta, err = s.fetchEntitlement(ctx, nil, ask)
	}
	if err != nil {
		err = s.failed(err)
		if ErrorCode(err) == string(wire.CodeDeviceLimit) {
			// The server no longer counts this computer among the account's
			// (removed from another one): its cached entitlement ends now.
			s.mu.Lock()
			s.st.Token = ""
			_ = s.save()
			s.mu.Unlock()
		}
		return err
	}
	if err := s.ensureKeys(ctx, resp.Entitlement); err != nil {
		return s.failed(err)
	}
	s.mu.Lock()
	s.offline, s.lastCode = false, ""
	server := resp.ServerTime
	if server.IsZero() {
		server = meta.Date
	}
	if !server.IsZero() {
		s.st.Skew = server.Sub(s.clock())
		if s.st.Skew.Abs() < clockTolerance {
			s.st.Skew = 0 // a correct clock: keep the local one
		}
	}
	// The server's clock is the authority: after a successful online check
	// LastSeen restarts from it, even if the local clock had run ahead.
	// The server's time (rounded up to the second, like the token's iat) is
	// included so that a fresh token is never "issued in the future" for a
	// local clock a little behind the server's.
	now := s.now()
	s.st.LastSeen = now
	if !server.IsZero() {
		s.seen(server.Truncate(time.Second).Add(time.Second))
	}
	s.st.Token = resp.Entitlement
	s.st.Info = info{Status: resp.Status, PeriodEnd: resp.PeriodEnd, AutoRenew: resp.AutoRenew, CancelAtPeriodEnd: resp.CancelAtPeriodEnd,
		RenewalIssue: resp.RenewalIssue}
	s.st.FetchedAt, s.st.FetchedBy = now, s.cfg.AppVersion
	s.st.NeedOnline, s.st.PlanChanged, s.st.LedgerLost = false, false, false
	s.markContact(now)
	led := &s.st.Ledger
	if resp.Sync != nil {
		led.markSynced(sent)
	}
	if ask != nil && resp.Grant != nil {
		ask.answered = true
		ask.grant = Grant{RunID: ask.run, Remaining: resp.Grant.Remaining, Day: resp.Grant.Day}
		if resp.Grant.Granted > 0 {
			ask.grant.Granted = led.addBlock(ask.id, ask.run, ask.n, *resp.Grant)
		}
	}
	led.serverSaw(resp.Day, resp.UsageToday)
	led.prune(DayOf(now), now)
	err = s.save()
	s.mu.Unlock()
	if err != nil || len(refused) == 0 {
		return err
	}
	sr, err := s.syncIsolating(ctx, refused)
	s.mu.Lock()
	defer s.mu.Unlock()
	if sr != nil {
		s.st.Ledger.serverSaw(sr.Day, sr.UsageToday)
	}
	if serr := s.save(); serr != nil {
		return serr
	}
	if err != nil {
		// The entitlement is fresh; the entries wait for the next sync.
		log.Printf("licensing: sending refused usage entries apart: %v", err)
	}
	return nil
}

// fetchEntitlement is GET /v1/entitlement, or its POST form when there are
// sync entries or a block ask to carry.
func (s *Service) fetchEntitlement(ctx context.Context, sent []wire.SyncEntry, ask *blockAsk) (wire.EntitlementResponse, apiclient.Meta, error) {
	if len(sent) == 0 && ask == nil {
		return s.api.Entitlement(ctx)
	}
	req := wire.EntitlementRequest{Sync: sent}
	if ask != nil {
		req.Reserve = &wire.ReserveRequest{RunID: ask.id, Count: ask.count}
	}
	return s.api.EntitlementWith(ctx, req)
}

// failed records a failed server call and returns it as an *Error.
func (s *Service) failed(err error) error {
	le := toError(err).(*Error)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offline = isOffline(le)
	if !s.offline {
		s.lastCode = le.Code
		if le.Code == string(wire.CodeUnauthenticated) {
			s.lastCode = ReasonSessionExpired
		}
	}
	return le
}

// PlanChanged marks the entitlement stale (after a purchase, cancel or
// resume); the next EnsureFresh fetches it.
func (s *Service) PlanChanged() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.PlanChanged = true
	_ = s.save()
}

// NeedsRefresh reports whether the entitlement should be fetched: none yet,
// older than a day, the plan changed, or the clock was set back.
func (s *Service) NeedsRefresh() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.needsRefresh(s.now())
}

func (s *Service) needsRefresh(now time.Time) bool {
	if s.st.Session == nil {
		return false
	}
	return s.st.Token == "" || s.st.NeedOnline || s.st.PlanChanged || s.st.LedgerLost || s.clockSetBack(now) ||
		now.Sub(s.st.FetchedAt) >= refreshAfter || s.paidPeriodOver(now) || s.st.FetchedBy != s.cfg.AppVersion
}

// paidPeriodOver: the last refresh reported a paid period (active, past due
// or canceled; an expired subscription keeps its old end) that is over now.
func (s *Service) paidPeriodOver(now time.Time) bool {
	switch s.st.Info.Status {
	case wire.StatusActive, wire.StatusPastDue, wire.StatusCanceled:
		return s.st.Info.PeriodEnd != nil && !now.Before(*s.st.Info.PeriodEnd)
	}
	return false
}

// EnsureFresh refreshes the entitlement only when NeedsRefresh. Call it at
// start-up and when the app comes back to the foreground; Reserve calls it.
//
// A routine refresh (the entitlement is a day old) on a plan with a daily
// limit also asks for the day's block when this computer holds none: the
// app is mostly opened to convert, and the block then costs no call of its
// own. A block no run draws from goes back whole with the next refresh.
func (s *Service) EnsureFresh(ctx context.Context) error {
	if !s.NeedsRefresh() {
		return nil
	}
	return s.refresh(ctx, false, s.dailyBlockAsk())
}

// dailyBlockAsk is the block a routine refresh asks for, or nil: only on a
// verified plan with a daily limit (not after a plan change, a clock set
// back or without an entitlement, when the limits are not to be trusted),
// without an open block today and with conversions left as far as known.
func (s *Service) dailyBlockAsk() *blockAsk {
	st := s.Status()
	s.mu.Lock()
	defer s.mu.Unlock()
	if st.Reason != "" || st.Limits.DailyLimit == nil || s.st.PlanChanged || s.st.NeedOnline ||
		s.st.Ledger.openBlock(st.Day) != nil || st.Remaining == nil || *st.Remaining < 1 {
		return nil
	}
	return &blockAsk{id: newBlockID(), count: blockSize(st.Limits, 0)}
}

// newBlockID names a block reserved before any run needs it.
func newBlockID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "block-" + hex.EncodeToString(b)
}
