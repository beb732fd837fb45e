package policy

import (
	"strings"
	"testing"

	"imageconverter/functions/wire"
)

func ip(i int) *int { return &i }

func TestDecide(t *testing.T) {
	free, basic, pro := DefaultPlans.Lookup("free").Limits(), DefaultPlans.Lookup("basic").Limits(), DefaultPlans.Lookup("pro").Limits()
	tests := []struct {
		name       string
		plan       string
		limits     wire.Limits
		req        Request
		allowed    int
		queued     int
		auto       bool
		codes      []string
		upgradeTo  string // of the first refusal
		messageHas string
		refusedAll bool
	}{
		{name: "free one webp file", plan: "free", limits: free, req: Request{Format: "webp", Files: 1, Remaining: ip(5)}, allowed: 1},
		{name: "free avif refused, basic allows", plan: "free", limits: free, req: Request{Format: "avif", Files: 1, Remaining: ip(5)},
			codes: []string{CodeFormat}, upgradeTo: "basic", messageHas: "AVIF", refusedAll: true},
		{name: "free folder refused", plan: "free", limits: free, req: Request{Format: "webp", IncludesDirs: true, Files: 3, Remaining: ip(5)},
			codes: []string{CodeFolders}, upgradeTo: "basic", refusedAll: true},
		{name: "free avif folder: both reasons", plan: "free", limits: free, req: Request{Format: "avif", IncludesDirs: true, Files: 3},
			codes: []string{CodeFormat, CodeFolders}, upgradeTo: "basic", refusedAll: true},
		{name: "free 4 files: 1 now, 3 queued", plan: "free", limits: free, req: Request{Format: "webp", Files: 4, Remaining: ip(5)},
			allowed: 1, queued: 3, codes: []string{CodeBatch}, upgradeTo: "basic", messageHas: "1 photo at a time"},
		{name: "basic folder of 25: 10 now, queued, basic does not auto-continue", plan: "basic", limits: basic,
			req: Request{Format: "avif", IncludesDirs: true, Files: 25, Remaining: ip(50)}, allowed: 10, queued: 15, codes: []string{CodeBatch}, upgradeTo: "pro"},
		{name: "pro 250 files auto-continues", plan: "pro", limits: pro, req: Request{Format: "avif", IncludesDirs: true, Files: 250},
			allowed: 100, queued: 150, auto: true, codes: []string{CodeBatch}, upgradeTo: ""},
		{name: "basic 3 left today of 10", plan: "basic", limits: basic, req: Request{Format: "webp", Files: 10, Remaining: ip(3)},
			allowed: 3, queued: 7, codes: []string{CodeDailyLimit}, upgradeTo: "pro", messageHas: "Only 3 conversions are left"},
		{name: "free nothing left", plan: "free", limits: free, req: Request{Format: "webp", Files: 1, Remaining: ip(0)},
			allowed: 0, queued: 1, codes: []string{CodeDailyLimit}, upgradeTo: "basic", messageHas: "used today's"},
		{name: "batch and daily limit together", plan: "basic", limits: basic, req: Request{Format: "webp", Files: 30, Remaining: ip(4)},
			allowed: 4, queued: 26, codes: []string{CodeBatch, CodeDailyLimit}, upgradeTo: "pro"},
		{name: "free fine control refused, basic allows", plan: "free", limits: free, req: Request{Format: "webp", Files: 1, Remaining: ip(5), Fine: true},
			codes: []string{CodeFine}, upgradeTo: "basic", messageHas: "quality number", refusedAll: true},
		{name: "basic fine control allowed", plan: "basic", limits: basic, req: Request{Format: "webp", Files: 2, Remaining: ip(50), Fine: true}, allowed: 2},
		{name: "pro fine control allowed", plan: "pro", limits: pro, req: Request{Format: "avif", Files: 2, Fine: true}, allowed: 2},
		{name: "empty drop", plan: "pro", limits: pro, req: Request{Format: "webp"}},
		{name: "continuing a queue", plan: "basic", limits: basic, req: Request{Format: "webp", Files: 15, Remaining: ip(40), ContinueQueue: true},
			allowed: 10, queued: 5, codes: []string{CodeBatch}, upgradeTo: "pro", messageHas: "5 more photos are still in the queue"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Decide(tt.plan, tt.limits, DefaultPlans, tt.req)
			if d.Allowed != tt.allowed || d.Queued != tt.queued || d.AutoContinue != tt.auto {
				t.Errorf("allowed/queued/auto = %d/%d/%v, want %d/%d/%v", d.Allowed, d.Queued, d.AutoContinue, tt.allowed, tt.queued, tt.auto)
			}
			if len(d.Refusals) != len(tt.codes) {
				t.Fatalf("refusals %+v, want codes %v", d.Refusals, tt.codes)
			}
			for i, c := range tt.codes {
				if d.Refusals[i].Code != c {
					t.Errorf("refusal %d = %s, want %s", i, d.Refusals[i].Code, c)
				}
				if d.Refusals[i].Message == "" {
					t.Errorf("refusal %d has no message", i)
				}
			}
			if len(tt.codes) > 0 {
				if d.Refusals[0].UpgradeTo != tt.upgradeTo {
					t.Errorf("upgradeTo = %q, want %q", d.Refusals[0].UpgradeTo, tt.upgradeTo)
				}
				if tt.upgradeTo != "" && !strings.Contains(d.Refusals[0].Message, DefaultPlans.Lookup(tt.upgradeTo).Name+" plan") {
					t.Errorf("message %q does not name the %s plan", d.Refusals[0].Message, tt.upgradeTo)
				}
			}
			if tt.messageHas != "" && !strings.Contains(d.Refusals[0].Message, tt.messageHas) {
				t.Errorf("message %q lacks %q", d.Refusals[0].Message, tt.messageHas)
			}
			if tt.refusedAll && (d.Allowed != 0 || d.Queued != 0) {
				t.Errorf("a refused drop converts or queues nothing: %+v", d)
			}
		})
	}
}

func TestFeatureGates(t *testing.T) {
	free, basic, pro := DefaultPlans.Lookup("free").Limits(), DefaultPlans.Lookup("basic").Limits(), DefaultPlans.Lookup("pro").Limits()
	if r := Schedules(free, DefaultPlans); r == nil || r.UpgradeTo != "basic" {
		t.Errorf("free schedules: %+v", r)
	}
	if r := Schedules(basic, DefaultPlans); r != nil {
		t.Errorf("basic schedules refused: %+v", r)
	}
	if r := Scan(basic, DefaultPlans); r == nil || r.UpgradeTo != "pro" {
		t.Errorf("basic scan: %+v", r)
	}
	if r := Scan(pro, DefaultPlans); r != nil {
		t.Errorf("pro scan refused: %+v", r)
	}
	if r := Format(free, DefaultPlans, "avif"); r == nil || r.UpgradeTo != "basic" {
		t.Errorf("free avif: %+v", r)
	}
	if r := Folders(basic, DefaultPlans); r != nil {
		t.Errorf("basic folders refused: %+v", r)
	}
	if r := Fine(free, DefaultPlans); r == nil || r.UpgradeTo != "basic" || r.Code != CodeFine || !strings.Contains(r.Message, "Basic plan") {
		t.Errorf("free fine control: %+v", r)
	}
	for _, l := range []wire.Limits{basic, pro} {
		if r := Fine(l, DefaultPlans); r != nil {
			t.Errorf("fine control refused on %v: %+v", l.Features, r)
		}
	}
	// A plans table fetched before the feature existed names no plan: the sentence still reads.
	old := Plans{{ID: "free", Name: "Free", Features: []string{"files"}}, {ID: "basic", Name: "Basic", PriceKRW: 4900, Features: []string{"files", "folders"}}}
	if r := Fine(old.Lookup("basic").Limits(), old); r == nil || r.UpgradeTo != "" || strings.Contains(r.Message, "plan allows") {
		t.Errorf("fine control with an old table: %+v", r)
	}
}

func TestUnknownPlanIsFree(t *testing.T) {
	if p := DefaultPlans.Lookup("platinum"); p.ID != "free" {
		t.Errorf("unknown plan -> %s", p.ID)
	}
	// An admin-edited table: upgrade names follow the data, cheapest first.
	plans := Plans{
		{ID: "pro", Name: "Pro", PriceKRW: 9900, Formats: []string{"webp", "avif"}, BatchSize: 100},
		{ID: "free", Name: "Free", Formats: []string{"webp"}, BatchSize: 1},
		{ID: "basic", Name: "Basic", PriceKRW: 4900, Formats: []string{"webp", "avif"}, BatchSize: 10},
	}
	if r := Format(plans.Free(), plans, "avif"); r == nil || r.UpgradeTo != "basic" {
		t.Errorf("avif upgrade in unsorted table: %+v", r)
	}
}
