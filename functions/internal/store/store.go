// Package store is the Firestore data layer: plans, users, devices,
// subscriptions and daily usage. Documents use Timestamps and plain field
// names so an admin can read and edit them in the Firebase console.
package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"cloud.google.com/go/firestore"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"imageconverter/functions/wire"
)

// Collection names.
const (
	ColPlans         = "plans"
	ColUsers         = "users"
	ColDevices       = "devices" // under users/{uid}
	ColSubscriptions = "subscriptions"
	ColBilling       = "billing"
	ColUsage         = "usage"
	ColDays          = "days" // under usage/{uid}
	ColOrders        = "orders"
	ColPayments      = "payments"
	ColWebhookEvents = "webhookEvents"
	ColMail          = "mail"
)

// TxMaxAttempts bounds every read-write transaction of the backend (the
// client's default is 5). Concurrent calls on one document (usage of one user,
// replays of one payment) are serialised by retries, and the Firestore
// emulator's lock timeouts make each retry slow, so 5 attempts end in
// "too much contention" errors under load.
const TxMaxAttempts = 30

// Sentinel errors; the HTTP layer maps them to error codes.
var (
	ErrNotFound      = errors.New("store: not found")
	ErrDeviceLimit   = errors.New("store: device limit reached")
	ErrQuotaExceeded = errors.New("store: no conversions left today")
)

// Store reads and writes the documents. It is safe for concurrent use.
type Store struct {
	FS  *firestore.Client
	Now func() time.Time

	// PlanCacheTTL bounds how long plans edited in the console take to apply.
	PlanCacheTTL time.Duration
	mu           sync.Mutex
	plans        map[string]wire.Plan
	plansAt      time.Time
}

// New returns a store over fs with the real clock.
func New(fs *firestore.Client) *Store {
	return &Store{FS: fs, Now: time.Now, PlanCacheTTL: 30 * time.Second}
}

// isNotFound reports a Firestore NotFound error.
func isNotFound(err error) bool { return status.Code(err) == codes.NotFound }

// --- plans ---

// PlanDoc is plans/{id}.
type PlanDoc struct {
	Name       string   `firestore:"name"`
	PriceKRW   int      `firestore:"priceKRW"`
	DailyLimit *int64   `firestore:"dailyLimit"` // null = unlimited
	Formats    []string `firestore:"formats"`
	Features   []string `firestore:"features"`
	BatchSize  int      `firestore:"batchSize"`
	MaxDevices int      `firestore:"maxDevices"`
	// SeededFeatures are the features the seeding knew when it last wrote or checked this plan: a
	// feature added to the product later (wire.DefaultPlans) is added once to the seeded plans that
	// include it by default, and never again, so an admin's removal stands. Absent on plans seeded
	// before the field existed: those knew legacyFeatures.
	SeededFeatures []string `firestore:"seededFeatures,omitempty"`
}

// legacyFeatures are the features of the plans seeded before SeededFeatures was recorded.
var legacyFeatures = []string{wire.FeatureFiles, wire.FeatureFolders, wire.FeatureSchedules, wire.FeatureScan}

// knownFeatures are every feature of the default plans, in order of first appearance.
func knownFeatures() []string {
	var out []string
	for _, p := range wire.DefaultPlans() {
		for _, f := range p.Features {
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}

func intp(n int) *int { return &n }

func planToDoc(p wire.Plan) PlanDoc {
	d := PlanDoc{Name: p.Name, PriceKRW: p.PriceKRW, Formats: p.Formats, Features: p.Features, BatchSize: p.BatchSize, MaxDevices: p.MaxDevices,
		SeededFeatures: knownFeatures()}
	if p.DailyLimit != nil {
		v := int64(*p.DailyLimit)
		d.DailyLimit = &v
	}
	return d
}

func docToPlan(id string, d PlanDoc) wire.Plan {
	p := wire.Plan{ID: id, Name: d.Name, PriceKRW: d.PriceKRW, Formats: d.Formats, Features: d.Features, BatchSize: d.BatchSize, MaxDevices: d.MaxDevices}
	if d.DailyLimit != nil {
		p.DailyLimit = intp(int(*d.DailyLimit))
	}
	if p.Formats == nil {
		p.Formats = []string{}
	}
	if p.Features == nil {
		p.Features = []string{}
	}
	return p
}

// SeedPlans creates the plans of DefaultPlans that do not exist yet (so edits
// made in the console survive) and gives existing ones the features added to
// the product since they were seeded (once: see PlanDoc.SeededFeatures); with
// overwrite it resets them. It returns the ids written.
func (s *Store) SeedPlans(ctx context.Context, overwrite bool) ([]string, error) {
	var written []string
	for _, p := range wire.DefaultPlans() {
		ref := s.FS.Collection(ColPlans).Doc(p.ID)
		var err error
		if overwrite {
			_, err = ref.Set(ctx, planToDoc(p))
		} else {
			_, err = ref.Create(ctx, planToDoc(p))
			if status.Code(err) == codes.AlreadyExists {
				var added bool
				if added, err = s.addNewFeatures(ctx, ref, p); err == nil && !added {
					continue
				}
			}
		}
		if err != nil {
			return written, fmt.Errorf("seed plan %s: %w", p.ID, err)
		}
		written = append(written, p.ID)
	}
	s.InvalidatePlans()
	return written, nil
}

// addNewFeatures gives the seeded plan at ref the features of its default p
// that did not exist when it was seeded, and records every feature known now.
// It reports whether the document changed.
func (s *Store) addNewFeatures(ctx context.Context, ref *firestore.DocumentRef, p wire.Plan) (bool, error) {
	changed := false
	err := s.FS.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
		changed = false
		snap, err := tx.Get(ref)
		if err != nil {
			return err
		}
		var d PlanDoc
		if err := snap.DataTo(&d); err != nil {
			return fmt.Errorf("firestore plan %s: %w", ref.ID, err)
		}
		seeded := d.SeededFeatures
		if seeded == nil {
			seeded = legacyFeatures
		}
		features := d.Features
		for _, f := range p.Features {
			if !slices.Contains(seeded, f) && !slices.Contains(features, f) {
				features = append(features, f)
			}
		}
		known := knownFeatures()
		if len(features) == len(d.Features) && slices.Equal(seeded, known) {
			return nil
		}
		changed = true
		if features == nil {
			features = []string{}
		}
		return tx.Update(ref, []firestore.Update{{Path: "features", Value: features}, {Path: "seededFeatures", Value: known}})
	}, firestore.MaxAttempts(TxMaxAttempts))
	return changed, err
}

// InvalidatePlans drops the plan cache.
func (s *Store) InvalidatePlans() {
	s.mu.Lock()
	s.plans = nil
	s.mu.Unlock()
}

// Plans returns all plans ordered by price. When the collection is empty it
// returns DefaultPlans (a fresh project still works; seed-plans makes it editable).
func (s *Store) Plans(ctx context.Context) ([]wire.Plan, error) {
	m, err := s.planMap(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]wire.Plan, 0, len(m))
	for _, p := range m {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].PriceKRW != out[j].PriceKRW {
			return out[i].PriceKRW < out[j].PriceKRW
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// Plan returns plan id; unknown ids fall back to free.
func (s *Store) Plan(ctx context.Context, id string) (wire.Plan, error) {
	m, err := s.planMap(ctx)
	if err != nil {
		return wire.Plan{}, err
	}
	if p, ok := m[id]; ok {
		return p, nil
	}
	if p, ok := m[wire.PlanFree]; ok {
		return p, nil
	}
	return wire.DefaultPlans()[0], nil
}

func (s *Store) planMap(ctx context.Context) (map[string]wire.Plan, error) {
	s.mu.Lock()
	if s.plans != nil && s.Now().Sub(s.plansAt) < s.PlanCacheTTL {
		m := s.plans
		s.mu.Unlock()
		return m, nil
	}
	s.mu.Unlock()
	docs, err := s.FS.Collection(ColPlans).Documents(ctx).GetAll()
	if err != nil {
		return nil, fmt.Errorf("firestore get plans: %w", err)
	}
	m := map[string]wire.Plan{}
	for _, d := range docs {
		var pd PlanDoc
		if err := d.DataTo(&pd); err != nil {
			return nil, fmt.Errorf("firestore plan %s: %w", d.Ref.ID, err)
		}
		m[d.Ref.ID] = docToPlan(d.Ref.ID, pd)
	}
	if len(m) == 0 {
		for _, p := range wire.DefaultPlans() {
			m[p.ID] = p
		}
	}
	s.mu.Lock()
	s.plans, s.plansAt = m, s.Now()
	s.mu.Unlock()
	return m, nil
}
