package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"cloud.google.com/go/firestore"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"imageconverter/functions/wire"
)

// users/{uid} is the account document: who the user is, the computers they
// use, and a copy of subscriptions/{uid}. The account routes read it and the
// day's usage document, nothing else: a day of use is two reads and two
// writes (docs/server-cost.md).

// UserDoc is users/{uid}.
type UserDoc struct {
	Email      string    `firestore:"email"`
	CreatedAt  time.Time `firestore:"createdAt"`
	LastSeenAt time.Time `firestore:"lastSeenAt"`
	Locale     string    `firestore:"locale"`
	// Devices are the registered computers, by device id.
	Devices map[string]DeviceDoc `firestore:"devices,omitempty"`
	// Subscription is a copy of subscriptions/{uid} (nil: none), written in
	// the same transaction as every change of it (SetSubscriptionTx), once
	// SubscriptionCopied is set; before that, subscriptions/{uid} is read.
	// Change subscriptions with the API or cmd/admin, not in the console
	// (the copy would not follow).
	Subscription       *SubscriptionDoc `firestore:"subscription"`
	SubscriptionCopied bool             `firestore:"subscriptionCopied,omitempty"`
}

// DeviceDoc is users/{uid}.devices.{deviceId}.
type DeviceDoc struct {
	Name        string    `firestore:"name"`
	OS          string    `firestore:"os"`
	AppVersion  string    `firestore:"appVersion"`
	FirstSeenAt time.Time `firestore:"firstSeenAt"`
	LastSeenAt  time.Time `firestore:"lastSeenAt"`
}

func (s *Store) userRef(uid string) *firestore.DocumentRef { return s.FS.Collection(ColUsers).Doc(uid) }

// TouchUser creates users/{uid} on first sight and refreshes lastSeenAt, email
// and locale afterwards.
func (s *Store) TouchUser(ctx context.Context, uid, email, locale string) error {
	ref := s.userRef(uid)
	now := s.Now()
	// Update first: the user usually exists, so this is one round trip.
	upd := []firestore.Update{{Path: "lastSeenAt", Value: now}, {Path: "email", Value: email}}
	if locale != "" {
		upd = append(upd, firestore.Update{Path: "locale", Value: locale})
	}
	_, err := ref.Update(ctx, upd)
	if isNotFound(err) {
		_, err = ref.Create(ctx, UserDoc{Email: email, CreatedAt: now, LastSeenAt: now, Locale: locale})
		if status.Code(err) == codes.AlreadyExists { // created concurrently
			_, err = ref.Update(ctx, upd)
		}
	}
	if err != nil {
		return fmt.Errorf("firestore touch user %s: %w", uid, err)
	}
	return nil
}

// Account is what the account routes read of a user.
type Account struct {
	Exists       bool
	User         UserDoc
	Subscription *SubscriptionDoc
}

// Devices lists the account's computers, most recently seen first.
func (a Account) Devices() []wire.Device {
	out := make([]wire.Device, 0, len(a.User.Devices))
	for id, d := range a.User.Devices {
		out = append(out, toWireDevice(id, d))
	}
	sortDevices(out)
	return out
}

// readAccount reads users/{uid} (in tx when tx is not nil) and, while it holds
// no copy of the subscription yet, subscriptions/{uid}.
func (s *Store) readAccount(ctx context.Context, tx *firestore.Transaction, uid string) (Account, error) {
	get := func(ref *firestore.DocumentRef) (*firestore.DocumentSnapshot, error) {
		if tx != nil {
			return tx.Get(ref)
		}
		return ref.Get(ctx)
	}
	var a Account
	snap, err := get(s.userRef(uid))
	switch {
	case isNotFound(err):
	case err != nil:
		return a, fmt.Errorf("firestore get user %s: %w", uid, err)
	default:
		a.Exists = true
		if err := snap.DataTo(&a.User); err != nil {
			return a, fmt.Errorf("firestore user %s: %w", uid, err)
		}
	}
	if a.User.SubscriptionCopied {
		a.Subscription = a.User.Subscription
		return a, nil
	}
	snap, err = get(s.SubscriptionRef(uid))
	switch {
	case isNotFound(err):
	case err != nil:
		return a, fmt.Errorf("firestore get subscription %s: %w", uid, err)
	default:
		var d SubscriptionDoc
		if err := snap.DataTo(&d); err != nil {
			return a, fmt.Errorf("firestore subscription %s: %w", uid, err)
		}
		a.Subscription = &d
	}
	return a, nil
}

// ReadAccount reads a user's account (one document read once the
// subscription copy exists).
func (s *Store) ReadAccount(ctx context.Context, uid string) (Account, error) {
	return s.readAccount(ctx, nil, uid)
}

// Devices lists a user's devices, most recently seen first.
func (s *Store) Devices(ctx context.Context, uid string) ([]wire.Device, error) {
	a, err := s.ReadAccount(ctx, uid)
	if err != nil {
		return nil, err
	}
	return a.Devices(), nil
}

// RemoveDevice deletes a device; ErrNotFound when the user has no such device.
func (s *Store) RemoveDevice(ctx context.Context, uid, deviceID string) error {
	err := s.FS.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
		a, err := s.readAccount(ctx, tx, uid)
		if err != nil {
			return err
		}
		if _, ok := a.User.Devices[deviceID]; !ok {
			return ErrNotFound
		}
		return tx.Update(s.userRef(uid), []firestore.Update{{FieldPath: firestore.FieldPath{"devices", deviceID}, Value: firestore.Delete}})
	}, firestore.MaxAttempts(TxMaxAttempts))
	if errors.Is(err, ErrNotFound) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("firestore remove device %s of %s: %w", deviceID, uid, err)
	}
	return nil
}

func toWireDevice(id string, d DeviceDoc) wire.Device {
	return wire.Device{ID: id, Name: d.Name, OS: d.OS, AppVersion: d.AppVersion, FirstSeenAt: d.FirstSeenAt, LastSeenAt: d.LastSeenAt}
}

func sortDevices(list []wire.Device) {
	sort.Slice(list, func(i, j int) bool {
		if !list[i].LastSeenAt.Equal(list[j].LastSeenAt) {
			return list[i].LastSeenAt.After(list[j].LastSeenAt)
		}
		return list[i].ID < list[j].ID
	})
}

// DeviceLimitError carries the registered devices with ErrDeviceLimit.
// NotRegistered marks DeviceAllowed's answer for a device that is not among them.
type DeviceLimitError struct {
	Devices       []wire.Device
	NotRegistered bool
}

func (e *DeviceLimitError) Error() string {
	if e.NotRegistered {
		return ErrDeviceNotRegistered.Error()
	}
	return ErrDeviceLimit.Error()
}

func (e *DeviceLimitError) Unwrap() error { return ErrDeviceLimit }

// ErrDeviceNotRegistered is the message of the *DeviceLimitError DeviceAllowed
// returns for a device the user has not registered (or has removed).
var ErrDeviceNotRegistered = errors.New("store: device not registered")

// DeviceAllowed reports whether device id may use the account now, given the
// user's registered devices: it must be one of them and, when the user has
// more than maxDevices (after a downgrade), one of the earliest maxDevices —
// the rule registration applies. Otherwise it returns a *DeviceLimitError with
// the devices. Registering is GET /v1/entitlement's job.
func DeviceAllowed(list []wire.Device, id string, maxDevices int) error {
	known := false
	for _, d := range list {
		known = known || d.ID == id
	}
	if known && (len(list) <= maxDevices || amongFirst(list, id, maxDevices)) {
		return nil
	}
	return &DeviceLimitError{Devices: list, NotRegistered: !known}
}

// amongFirst reports whether device id is one of the n earliest registered.
func amongFirst(list []wire.Device, id string, n int) bool {
	sorted := append([]wire.Device(nil), list...)
	sort.Slice(sorted, func(i, j int) bool {
		if !sorted[i].FirstSeenAt.Equal(sorted[j].FirstSeenAt) {
			return sorted[i].FirstSeenAt.Before(sorted[j].FirstSeenAt)
		}
		return sorted[i].ID < sorted[j].ID
	})
	for _, d := range sorted[:min(n, len(sorted))] {
		if d.ID == id {
			return true
		}
	}
	return false
}
