package api

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"cloud.google.com/go/firestore"
	"google.golang.org/api/option"

	"imageconverter/functions/internal/store"
	"imageconverter/functions/wire"
)

// Plans seeded before fine control existed get it on the next seeding (deploy runs seed-plans),
// on the plans that have it by default only, once: an admin who then removes it from a plan keeps
// it removed. In a Firestore project of its own, so no other test sees these plans.
func TestSeedingAddsNewFeaturesOnce(t *testing.T) {
	requireEmulators(t)
	ctx := context.Background()
	fs, err := firestore.NewClient(ctx, fmt.Sprintf("demo-seed-%d", time.Now().UnixNano()), option.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	defer fs.Close()
	st := store.New(fs)
	// The plans as the previous version seeded them: no "fine", no record of what was seeded.
	for _, p := range wire.DefaultPlans() {
		legacy := slices.DeleteFunc(slices.Clone(p.Features), func(f string) bool { return f == wire.FeatureFine })
		if _, err := fs.Collection(store.ColPlans).Doc(p.ID).Set(ctx, map[string]any{
			"name": p.Name, "priceKRW": p.PriceKRW, "formats": p.Formats, "features": legacy,
			"batchSize": p.BatchSize, "maxDevices": p.MaxDevices,
		}); err != nil {
			t.Fatal(err)
		}
	}
	features := func() map[string][]string {
		t.Helper()
		st.InvalidatePlans()
		ps, err := st.Plans(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string][]string{}
		for _, p := range ps {
			out[p.ID] = p.Features
		}
		return out
	}
	if got := features(); slices.Contains(got["basic"], wire.FeatureFine) {
		t.Fatalf("legacy plans already have fine: %v", got)
	}
	written, err := st.SeedPlans(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	got := features()
	if !slices.Contains(got["basic"], wire.FeatureFine) || !slices.Contains(got["pro"], wire.FeatureFine) || slices.Contains(got["free"], wire.FeatureFine) {
		t.Fatalf("after seeding: %v", got)
	}
	if !slices.Contains(written, "basic") || !slices.Contains(written, "pro") {
		t.Errorf("written %v", written)
	}
	// The admin takes fine control out of Basic; seeding again leaves it out and writes nothing.
	if _, err := fs.Collection(store.ColPlans).Doc("basic").Update(ctx, []firestore.Update{{Path: "features",
		Value: []string{wire.FeatureFiles, wire.FeatureFolders, wire.FeatureSchedules}}}); err != nil {
		t.Fatal(err)
	}
	if written, err = st.SeedPlans(ctx, false); err != nil || len(written) != 0 {
		t.Fatalf("second seeding wrote %v, %v", written, err)
	}
	if got := features(); slices.Contains(got["basic"], wire.FeatureFine) || !slices.Contains(got["pro"], wire.FeatureFine) {
		t.Errorf("after the admin's edit and a second seeding: %v", got)
	}
}
