// Package policy answers "what may this plan do now?" for the desktop app.
// It is pure: no I/O, no clock, no globals that change. The app gives it the
// plan limits (from the verified entitlement, or the free plan), the plans
// table (to name the plan that would allow a refused thing) and the request;
// it returns what to convert now, what to queue, and why anything was refused.
package policy

import (
	"fmt"
	"sort"

	"imageconverter/functions/wire"
)

// Refusal codes. They are stable: the UI maps them to its own (Korean,
// English, Japanese) sentences; Message is the English default.
const (
	CodeFormat     = "format_not_in_plan"    // output format not in the plan
	CodeFolders    = "folders_not_in_plan"   // a folder was dropped, plan converts files only
	CodeBatch      = "files_per_run"         // more files than one run may convert; rest queued
	CodeDailyLimit = "daily_limit_reached"   // today's conversions used up; rest waits for tomorrow
	CodeSchedules  = "schedules_not_in_plan" // watched folders need a higher plan
	CodeScan       = "scan_not_in_plan"      // computer scan needs a higher plan
	CodeFine       = "fine_not_in_plan"      // numeric quality, lossless or a target size need a higher plan
)

// Refusal says why something was not done now, in words a person
// understands, and which plan would allow it ("" when no plan would).
type Refusal = wire.Refusal

// Request describes one drop or one click.
type Request struct {
	Format       string // "webp" or "avif"
	IncludesDirs bool   // the drop contains at least one folder
	Files        int    // convertible files in the drop (after walking folders)
	Remaining    *int   // conversions left today; nil = unlimited
	// Fine: the drop asks for a numeric quality, lossless or a target file size (FeatureFine).
	Fine          bool
	ContinueQueue bool // the files were held back by an earlier run (Continue click, or Pro's automatic
	// continuation); the rules are the same, only the batch message speaks of the rest of the queue
}

// Decision is the answer for a Request.
type Decision struct {
	Allowed      int       `json:"allowed"`      // files to convert now
	Queued       int       `json:"queued"`       // files kept in the queue for a later run
	AutoContinue bool      `json:"autoContinue"` // the queue continues by itself (Pro)
	Refusals     []Refusal `json:"refusals,omitempty"`
}

// Plans is the plans table, used to name the cheapest plan that allows
// something. DefaultPlans is the built-in table; the server's GET /v1/plans may replace it.
type Plans []wire.Plan

// DefaultPlans is the plans table built into the app so policy works
// offline and signed out: the service's own default.
var DefaultPlans = Plans(wire.DefaultPlans())

// Lookup returns the plan with the id, or the free plan for an unknown id
// (unknown plan ids fall back to free).
func (ps Plans) Lookup(id string) wire.Plan {
	for _, p := range ps {
		if p.ID == id {
			return p
		}
	}
	for _, p := range ps {
		if p.ID == wire.PlanFree {
			return p
		}
	}
	return DefaultPlans[0]
}

// Free returns the limits of the free plan.
func (ps Plans) Free() wire.Limits { return ps.Lookup(wire.PlanFree).Limits() }

// cheapest returns the id of the cheapest plan for which ok is true, or "".
func (ps Plans) cheapest(ok func(wire.Limits) bool) string {
	sorted := append(Plans(nil), ps...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].PriceKRW < sorted[j].PriceKRW })
	for _, p := range sorted {
		if ok(p.Limits()) {
			return p.ID
		}
	}
	return ""
}

func (ps Plans) name(id string) string {
	for _, p := range ps {
		if p.ID == id && p.Name != "" {
			return p.Name
		}
	}
	return id
}

// upgradeText completes a sentence with the plan that allows it.
func (ps Plans) upgradeText(id string) string {
	if id == "" {
		return ""
	}
	return fmt.Sprintf(" The %s plan allows it.", ps.name(id))
}

// Decide answers a Request under the given plan id and limits. A refused format or folder
// refuses the whole drop (nothing is converted in a way the user did not
// ask for); otherwise up to the plan's files-per-run and today's remaining
// conversions are allowed and the rest is queued.
func Decide(plan string, limits wire.Limits, plans Plans, req Request) Decision {
	var d Decision
	if req.Files <= 0 {
		return d
	}
	if !limits.AllowsFormat(req.Format) {
		up := plans.cheapest(func(l wire.Limits) bool { return l.AllowsFormat(req.Format) })
		d.Refusals = append(d.Refusals, Refusal{Code: CodeFormat, UpgradeTo: up, Files: req.Files,
			Message: fmt.Sprintf("Your plan does not include %s output.%s", wire.Format(req.Format).Name(), plans.upgradeText(up))})
	}
	if req.IncludesDirs && !limits.Has(wire.FeatureFolders) {
		up := plans.cheapest(func(l wire.Limits) bool { return l.Has(wire.FeatureFolders) })
		d.Refusals = append(d.Refusals, Refusal{Code: CodeFolders, UpgradeTo: up, Files: req.Files,
			Message: "Your plan converts individual photos, not whole folders. Drop the photos themselves." + plans.upgradeText(up)})
	}
	if req.Fine {
		if r := Fine(limits, plans); r != nil {
			r.Files = req.Files
			d.Refusals = append(d.Refusals, *r)
		}
	}
	if len(d.Refusals) > 0 {
		return d
	}

	batch := limits.BatchSize
	if batch <= 0 {
		batch = 1
	}
	d.Allowed = min(req.Files, batch)
	if d.Allowed < req.Files {
		up := plans.cheapest(func(l wire.Limits) bool { return l.BatchSize >= req.Files })
		if up == "" {
			up = plans.cheapest(func(l wire.Limits) bool { return l.BatchSize > batch })
		}
		held := req.Files - d.Allowed
		msg := fmt.Sprintf("Your plan converts %d %s at a time; the other %d wait in the queue. Click Continue to convert the next ones.%s",
			batch, wire.Plural(batch, "photo", "photos"), held, plans.upgradeText(up))
		if req.ContinueQueue {
			msg = fmt.Sprintf("%d more %s still in the queue. Click Continue to convert the next ones.%s",
				held, wire.Plural(held, "photo is", "photos are"), plans.upgradeText(up))
		}
		d.Refusals = append(d.Refusals, Refusal{Code: CodeBatch, UpgradeTo: up, Files: held, Message: msg})
		// Pro continues the queue by itself. Plan ids are stable
		// (limits are admin-editable), so the rule keys on the id.
		d.AutoContinue = plan == wire.PlanPro
	}
	if req.Remaining != nil && *req.Remaining < d.Allowed {
		left := max(*req.Remaining, 0)
		held := d.Allowed - left
		d.Allowed = left
		up := plans.cheapest(func(l wire.Limits) bool {
			return l.DailyLimit == nil || (limits.DailyLimit != nil && *l.DailyLimit > *limits.DailyLimit)
		})
		msg := fmt.Sprintf("You have used today's conversions; %d %s wait until tomorrow.", held, wire.Plural(held, "photo", "photos"))
		if left > 0 {
			msg = fmt.Sprintf("Only %d %s left today; the other %d wait until tomorrow.", left, wire.Plural(left, "conversion is", "conversions are"), held)
		}
		d.Refusals = append(d.Refusals, Refusal{Code: CodeDailyLimit, UpgradeTo: up, Files: held, Message: msg + plans.upgradeText(up)})
		d.AutoContinue = false
	}
	d.Queued = req.Files - d.Allowed
	return d
}

// Schedules says whether watched folders are allowed; nil means yes.
func Schedules(limits wire.Limits, plans Plans) *Refusal {
	return feature(limits, plans, wire.FeatureSchedules, CodeSchedules,
		"Watched folders that convert by themselves are not in your plan.")
}

// Scan says whether the computer scan is allowed; nil means yes.
func Scan(limits wire.Limits, plans Plans) *Refusal {
	return feature(limits, plans, wire.FeatureScan, CodeScan,
		"Scanning your computer for photos is not in your plan.")
}

// Fine says whether a numeric quality, lossless WebP and a target file size are allowed; nil means
// yes. A run that asks for them on a plan without them is refused, not converted with other settings:
// the user would get files of a quality or size they did not choose.
func Fine(limits wire.Limits, plans Plans) *Refusal {
	return feature(limits, plans, wire.FeatureFine, CodeFine,
		"Choosing the quality number, lossless or a target file size is not in your plan.")
}

// Folders says whether dropping folders is allowed; nil means yes.
func Folders(limits wire.Limits, plans Plans) *Refusal {
	return feature(limits, plans, wire.FeatureFolders, CodeFolders,
		"Your plan converts individual photos, not whole folders.")
}

// feature refuses a feature the plan lacks, naming the cheapest plan that has it.
func feature(limits wire.Limits, plans Plans, f, code, message string) *Refusal {
	if limits.Has(f) {
		return nil
	}
	up := plans.cheapest(func(l wire.Limits) bool { return l.Has(f) })
	return &Refusal{Code: code, UpgradeTo: up, Message: message + plans.upgradeText(up)}
}

// Format says whether an output format is allowed; nil means yes.
func Format(limits wire.Limits, plans Plans, format string) *Refusal {
	if limits.AllowsFormat(format) {
		return nil
	}
	up := plans.cheapest(func(l wire.Limits) bool { return l.AllowsFormat(format) })
	return &Refusal{Code: CodeFormat, UpgradeTo: up,
		Message: fmt.Sprintf("Your plan does not include %s output.%s", wire.Format(format).Name(), plans.upgradeText(up))}
}
