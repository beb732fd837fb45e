package wire

import (
	"strings"
	"time"
)

// The rules both the service and the desktop app hold: the plans, the quota
// day, the output formats and how a plan rule refuses. One copy here, so the
// two sides cannot drift apart.

// DefaultPlans is the plans table the service seeds into Firestore (where an
// admin may edit it) and the app uses until it has fetched the service's.
func DefaultPlans() []Plan {
	return []Plan{
		{ID: PlanFree, Name: "Free", PriceKRW: 0, DailyLimit: intp(5), Formats: []string{"webp"},
			Features: []string{FeatureFiles}, BatchSize: 1, MaxDevices: 1},
		{ID: PlanBasic, Name: "Basic", PriceKRW: 4900, DailyLimit: intp(50), Formats: []string{"webp", "avif"},
			Features: []string{FeatureFiles, FeatureFolders, FeatureSchedules, FeatureFine}, BatchSize: 10, MaxDevices: 2},
		{ID: PlanPro, Name: "Pro", PriceKRW: 9900, DailyLimit: nil, Formats: []string{"webp", "avif"},
			Features: []string{FeatureFiles, FeatureFolders, FeatureSchedules, FeatureScan, FeatureFine}, BatchSize: 100, MaxDevices: 3},
	}
}

func intp(n int) *int { return &n }

// Korea is the time zone of the quota day (and of Toss's timestamps). Korea
// has no daylight saving, so the fixed offset is exact where the time zone
// database is missing (a bare Windows).
var Korea = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Seoul"); err == nil {
		return loc
	}
	return time.FixedZone("KST", 9*60*60)
}()

// QuotaDay is the quota day of t, YYYY-MM-DD in Korea.
func QuotaDay(t time.Time) string { return t.In(Korea).Format(time.DateOnly) }

// Format is an output format.
type Format string

// Output formats.
const (
	FormatWebP Format = "webp"
	FormatAVIF Format = "avif"
)

// Name is the format's name as people write it.
func (f Format) Name() string {
	switch f {
	case FormatWebP:
		return "WebP"
	case FormatAVIF:
		return "AVIF"
	}
	return strings.ToUpper(string(f))
}

// Refusal is a plan rule that held files back: a stable code the UI
// translates, an English sentence, the plan that would allow it (if any)
// and how many files it held.
type Refusal struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	UpgradeTo string `json:"upgradeTo"`
	Files     int    `json:"files"`
}

// Plural picks the English word for a count (the UI has its own plural rules).
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
