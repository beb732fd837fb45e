package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"cloud.google.com/go/firestore"

	"imageconverter/functions/wire"
)

// DeviceDoc is users/{uid}/devices/{deviceId}.
type DeviceDoc struct {
	Name        string    `firestore:"name"`
	OS          string    `firestore:"os"`
	AppVersion  string    `firestore:"appVersion"`
	FirstSeenAt time.Time `firestore:"firstSeenAt"`
	LastSeenAt  time.Time `firestore:"lastSeenAt"`
}

func (s *Store) devices(uid string) *firestore.CollectionRef {
	return s.FS.Collection(ColUsers).Doc(uid).Collection(ColDevices)
}

func toWireDevice(id string, d DeviceDoc) wire.Device {
	return wire.Device{ID: id, Name: d.Name, OS: d.OS, AppVersion: d.AppVersion, FirstSeenAt: d.FirstSeenAt, LastSeenAt: d.LastSeenAt}
}

func sortDevices(list []wire.Device) {
	sort.Slice(list, func(i, j int) bool { return list[i].LastSeenAt.After(list[j].LastSeenAt) })
}

// Devices lists a user's devices, most recently seen first.
func (s *Store) Devices(ctx context.Context, uid string) ([]wire.Device, error) {
	docs, err := s.devices(uid).Documents(ctx).GetAll()
	if err != nil {
		return nil, fmt.Errorf("firestore list devices of %s: %w", uid, err)
	}
	out := make([]wire.Device, 0, len(docs))
	for _, d := range docs {
		var dd DeviceDoc
		if err := d.DataTo(&dd); err != nil {
			return nil, fmt.Errorf("firestore device %s: %w", d.Ref.ID, err)
		}
		out = append(out, toWireDevice(d.Ref.ID, dd))
	}
	sortDevices(out)
	return out, nil
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

// RegisterDevice records that device dev (ID set) was seen now. A known device
// is refreshed; a new one is added only while the user has fewer than
// maxDevices, otherwise a *DeviceLimitError lists the current devices. It runs
// in a transaction so two new devices signing in at once cannot both take the
// last slot.
func (s *Store) RegisterDevice(ctx context.Context, uid string, dev wire.Device, maxDevices int) (wire.Device, error) {
	now := s.Now()
	// Fast path, nearly every call: a known device is refreshed without a
	// transaction (it takes no new slot, so it cannot race for one). After a
	// downgrade a user may have more devices than the plan allows: then only
	// the earliest registered ones keep working until others are removed.
	ref := s.devices(uid).Doc(dev.ID)
	docs, err := s.devices(uid).Documents(ctx).GetAll()
	if err != nil {
		return wire.Device{}, fmt.Errorf("firestore list devices of %s: %w", uid, err)
	}
	var known *DeviceDoc
	var list []wire.Device
	for _, d := range docs {
		var dd DeviceDoc
		if err := d.DataTo(&dd); err != nil {
			return wire.Device{}, fmt.Errorf("firestore device %s of %s: %w", d.Ref.ID, uid, err)
		}
		if d.Ref.ID == dev.ID {
			known = &dd
		}
		list = append(list, toWireDevice(d.Ref.ID, dd))
	}
	if known != nil {
		if len(list) > maxDevices && !amongFirst(list, dev.ID, maxDevices) {
			sortDevices(list)
			return wire.Device{}, &DeviceLimitError{Devices: list}
		}
		dd := *known
		dd.Name, dd.OS, dd.AppVersion, dd.LastSeenAt = dev.Name, dev.OS, dev.AppVersion, now
		if _, err := ref.Set(ctx, dd); err != nil {
			return wire.Device{}, fmt.Errorf("firestore refresh device %s of %s: %w", dev.ID, uid, err)
		}
		return toWireDevice(dev.ID, dd), nil
	}
	// A new device takes a slot. Registrations of one user serialise on the
	// users/{uid} document: the transaction reads it and writes its
	// devicesChangedAt, so of two racing registrations one commits and the
	// other is retried and then sees the first device. (A transactional query
	// over the devices would do the same, but the Firestore emulator locks far
	// more than the queried documents for it and stalls under load.)
	userRef := s.FS.Collection(ColUsers).Doc(uid)
	var out wire.Device
	err = s.FS.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
		if _, err := tx.Get(userRef); err != nil && !isNotFound(err) {
			return err
		}
		docs, err := s.devices(uid).Documents(ctx).GetAll()
		if err != nil {
			return err
		}
		var list []wire.Device
		for _, d := range docs {
			if d.Ref.ID == dev.ID {
				continue // registered meanwhile: refreshed below
			}
			var dd DeviceDoc
			if err := d.DataTo(&dd); err != nil {
				return fmt.Errorf("device %s: %w", d.Ref.ID, err)
			}
			list = append(list, toWireDevice(d.Ref.ID, dd))
		}
		if len(list) >= maxDevices {
			sortDevices(list)
			return &DeviceLimitError{Devices: list}
		}
		if err := tx.Set(userRef, map[string]any{"devicesChangedAt": now}, firestore.MergeAll); err != nil {
			return err
		}
		dd := DeviceDoc{Name: dev.Name, OS: dev.OS, AppVersion: dev.AppVersion, FirstSeenAt: now, LastSeenAt: now}
		out = toWireDevice(dev.ID, dd)
		return tx.Set(ref, dd)
	}, firestore.MaxAttempts(TxMaxAttempts))
	if err != nil {
		var dl *DeviceLimitError
		if errors.As(err, &dl) {
			return wire.Device{}, dl
		}
		return wire.Device{}, fmt.Errorf("firestore register device %s of %s: %w", dev.ID, uid, err)
	}
	return out, nil
}

// ErrDeviceNotRegistered is the message of the *DeviceLimitError DeviceAllowed
// returns for a device the user has not registered (or has removed).
var ErrDeviceNotRegistered = errors.New("store: device not registered")

// DeviceAllowed reports whether device id may use the account now, given the
// user's registered devices (Devices): it must be one of them and, when the
// user has more than maxDevices (after a downgrade), one of the earliest
// maxDevices — the rule RegisterDevice applies. Otherwise it returns a
// *DeviceLimitError with the devices. Registering is GET /v1/entitlement's job.
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

// RemoveDevice deletes a device; ErrNotFound when the user has no such device.
func (s *Store) RemoveDevice(ctx context.Context, uid, deviceID string) error {
	_, err := s.devices(uid).Doc(deviceID).Delete(ctx, firestore.Exists)
	if isNotFound(err) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("firestore delete device %s of %s: %w", deviceID, uid, err)
	}
	return nil
}
