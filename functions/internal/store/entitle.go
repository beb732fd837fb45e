package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"cloud.google.com/go/firestore"

	"imageconverter/functions/wire"
)

// EntitleArgs is one call of GET or POST /v1/entitlement.
type EntitleArgs struct {
	UID, Email, Locale string
	Device             wire.Device // ID set; name, OS and app version refreshed
	Day                string      // today (the quota day)
	// Sync are sync entries dated Day; Late those of earlier days (recorded
	// as late entries in Day's document); entries of later days go through Sync.
	Sync    []wire.SyncEntry
	Late    []wire.SyncEntry
	Reserve *wire.ReserveRequest
	// Plan is the plan the subscription grants at this moment (from the plans table).
	Plan func(ctx context.Context, sub *SubscriptionDoc) (wire.Plan, error)
}

// EntitleResult is what Entitle did.
type EntitleResult struct {
	Subscription *SubscriptionDoc
	Plan         wire.Plan
	Device       wire.Device // as registered
	Synced       int         // sync entries applied (not replays)
	AfterSync    int         // the day's count after the sync entries
	Reserve      ReserveResult
	// QuotaExceeded: nothing was left for the reservation (nothing recorded for it).
	QuotaExceeded bool
	Count         int // the day's count at the end
}

// Entitle does the account part of a call of /v1/entitlement in one
// transaction over users/{uid} and today's usage document: it reads the
// subscription copy and the devices, registers or refreshes the device within
// the plan's device limit (or fails with *DeviceLimitError, writing nothing),
// refreshes email, locale and lastSeenAt, applies today's sync entries and
// then the reservation (as Sync and Reserve), and writes each document once.
func (s *Store) Entitle(ctx context.Context, a EntitleArgs) (EntitleResult, error) {
	var res EntitleResult
	userRef, dayRef := s.userRef(a.UID), s.dayRef(a.UID, a.Day)
	err := s.FS.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
		res = EntitleResult{}
		now := s.Now()
		acc, err := s.readAccount(ctx, tx, a.UID)
		if err != nil {
			return err
		}
		d, err := readDay(tx.Get(dayRef))
		if err != nil {
			return err
		}
		res.Subscription = acc.Subscription
		if res.Plan, err = a.Plan(ctx, acc.Subscription); err != nil {
			return err
		}
		dev, err := registerOn(&acc, a.Device, res.Plan.MaxDevices, now)
		if err != nil {
			return err
		}
		res.Device = toWireDevice(a.Device.ID, dev)

		dayChanged := false
		if len(a.Sync)+len(a.Late) > 0 {
			res.Synced = syncOn(&d, a.Sync, a.Device.ID, now) + lateOn(&d, a.Late, a.Device.ID, now)
			dayChanged = res.Synced > 0
		}
		res.AfterSync = d.Count
		if a.Reserve != nil {
			r, changed, err := reserveOn(&d, a.Reserve.RunID, a.Reserve.Count, res.Plan.DailyLimit, a.Device.ID, now)
			switch {
			case errors.Is(err, ErrQuotaExceeded):
				res.QuotaExceeded = true
			case err != nil:
				return err
			}
			res.Reserve, dayChanged = r, dayChanged || changed
		}
		res.Count = d.Count

		// users/{uid}: one write with everything that changed.
		if !acc.Exists {
			u := UserDoc{Email: a.Email, Locale: a.Locale, CreatedAt: now, LastSeenAt: now,
				Devices: map[string]DeviceDoc{a.Device.ID: dev}, Subscription: acc.Subscription, SubscriptionCopied: true}
			if err := tx.Set(userRef, u); err != nil {
				return err
			}
		} else {
			upd := []firestore.Update{
				{Path: "lastSeenAt", Value: now}, {Path: "email", Value: a.Email},
				{FieldPath: firestore.FieldPath{"devices", a.Device.ID}, Value: dev},
			}
			if a.Locale != "" {
				upd = append(upd, firestore.Update{Path: "locale", Value: a.Locale})
			}
			if !acc.User.SubscriptionCopied {
				upd = append(upd, firestore.Update{Path: "subscription", Value: acc.Subscription}, firestore.Update{Path: "subscriptionCopied", Value: true})
			}
			if err := tx.Update(userRef, upd); err != nil {
				return err
			}
		}
		if dayChanged {
			return tx.Set(dayRef, d)
		}
		return nil
	}, firestore.MaxAttempts(TxMaxAttempts))
	if err != nil {
		var dl *DeviceLimitError
		if errors.As(err, &dl) {
			return EntitleResult{}, dl
		}
		return EntitleResult{}, fmt.Errorf("firestore entitlement of %s: %w", a.UID, err)
	}
	return res, nil
}

// registerOn adds or refreshes dev in the account's devices: a known device is
// refreshed (after a downgrade, only the earliest maxDevices keep working); a
// new one takes a free slot, or the call fails with *DeviceLimitError. The
// transaction that reads and writes users/{uid} serialises two new devices
// racing for the last slot.
func registerOn(acc *Account, dev wire.Device, maxDevices int, now time.Time) (DeviceDoc, error) {
	list := acc.Devices()
	if known, ok := acc.User.Devices[dev.ID]; ok {
		if len(list) > maxDevices && !amongFirst(list, dev.ID, maxDevices) {
			return DeviceDoc{}, &DeviceLimitError{Devices: list}
		}
		known.Name, known.OS, known.AppVersion, known.LastSeenAt = dev.Name, dev.OS, dev.AppVersion, now
		return known, nil
	}
	if len(list) >= maxDevices {
		return DeviceDoc{}, &DeviceLimitError{Devices: list}
	}
	return DeviceDoc{Name: dev.Name, OS: dev.OS, AppVersion: dev.AppVersion, FirstSeenAt: now, LastSeenAt: now}, nil
}
