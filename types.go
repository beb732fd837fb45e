package main

import (
	"errors"
	"imageconverter/account"
	"imageconverter/checkout"
	"imageconverter/converter"
	"imageconverter/converter/encode"
	"imageconverter/functions/wire"
	"imageconverter/licensing"
	"imageconverter/licensing/policy"
	"imageconverter/runs"
	"imageconverter/scan"
	"imageconverter/schedules"
	"imageconverter/uierr"
	"strings"
	"time"
)

// The types in this file cross the Wails bridge as JSON. The frontend mirrors
// them in frontend/src/lib/api.ts; keep the two in step.

// Event names emitted to the UI.
const (
	EventProgress = "convert:progress" // Progress, at most ~10 per second
	EventFile     = "convert:file"     // FileResult, once per finished file
	EventDone     = "convert:done"     // Summary, once per run
)

// ConvertRequest is one drop or one click.
type ConvertRequest struct {
	Paths  []string `json:"paths"`
	Format string   `json:"format"` // "webp" or "avif"
	Preset string   `json:"preset"` // "smallest", "balanced" or "best"
}

// RunInfo answers StartConversion. RunID is "" when nothing was started; the
// refusals then say why, each with the plan that would allow it.
type RunInfo struct {
	RunID    string         `json:"runId"`
	Total    int            `json:"total"`  // files this run converts
	Queued   int            `json:"queued"` // files kept for a later run (plan's files per run, daily limit)
	Refusals []wire.Refusal `json:"refusals"`
	Nothing  string         `json:"nothing"` // a sentence when the drop held nothing to convert
	Files    []string       `json:"files"`   // sources this run converts, in order (the UI lists them as waiting)
	// Behind: the drop came during a run; its files (in Queued) convert when
	// that run ends, announced by a convert:started event.
	Behind bool `json:"behind"`
	// Origin: "" for a person's drop or click, "schedule" for a watched
	// folder (Folder names it), "scan" for the computer scan.
	Origin string `json:"origin"`
	Folder string `json:"folder"`
	// Bytes is the run's sources' size; Saving the expected saving before
	// any file is converted (the UI refines it as files finish).
	Bytes  int64 `json:"bytes"`
	Saving int64 `json:"saving"`
}

// Origins of a run (RunInfo.Origin, Summary.Origin).
const (
	originSchedule = "schedule"
	originScan     = "scan"
)

// Progress is the running state of a conversion.
type Progress struct {
	RunID      string   `json:"runId"`
	Done       int      `json:"done"`
	Total      int      `json:"total"`
	BytesIn    int64    `json:"bytesIn"`
	BytesOut   int64    `json:"bytesOut"`
	ETASeconds float64  `json:"etaSeconds"` // -1 while unknown
	Current    string   `json:"current"`
	Active     []string `json:"active"` // sources being converted right now
}

// FileResult is what happened to one source file.
type FileResult struct {
	RunID    string `json:"runId"`
	Src      string `json:"src"`
	Dst      string `json:"dst"`
	Status   string `json:"status"` // "converted", "skipped", "failed", "cancelled"
	Code     string `json:"code"`   // converter's stable reason code, translated by the UI
	Reason   string `json:"reason"` // English sentence, shown when the UI has no translation
	BytesIn  int64  `json:"bytesIn"`
	BytesOut int64  `json:"bytesOut"`
	Quality  int    `json:"quality"` // the quality used (fixed or automatic); 0 when lossless or not converted
}

// Summary closes a run.
type Summary struct {
	RunID        string       `json:"runId"`
	Converted    int          `json:"converted"`
	Skipped      int          `json:"skipped"`
	Failed       int          `json:"failed"`
	BytesIn      int64        `json:"bytesIn"`
	BytesOut     int64        `json:"bytesOut"`
	SavedBytes   int64        `json:"savedBytes"`
	SavedPercent float64      `json:"savedPercent"`
	OutputDir    string       `json:"outputDir"`
	Canceled     bool         `json:"canceled"`
	Queued       int          `json:"queued"`       // files still waiting (continue with ContinueQueue)
	AutoContinue bool         `json:"autoContinue"` // the plan continues the queue by itself (Pro)
	Error        string       `json:"error"`        // English detail when the whole run could not finish
	ErrorCode    string       `json:"errorCode"`    // "stopped_early" or "settle_failed", translated by the UI
	Problems     []FileResult `json:"problems"`
	Origin       string       `json:"origin"` // as RunInfo.Origin
	Folder       string       `json:"folder"`
}

// EngineInfo tells the UI which encoder backends run.
type EngineInfo struct {
	WebP    string `json:"webp"` // "native" or "wasm"
	AVIF    string `json:"avif"`
	Warning string `json:"warning"` // a sentence when a backend fell back to WASM
}

// PlanInfo is one row of the plans table for the UI.
type PlanInfo struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	PriceKRW   int      `json:"priceKRW"`
	DailyLimit int      `json:"dailyLimit"` // -1 = unlimited
	Formats    []string `json:"formats"`
	Features   []string `json:"features"`
	BatchSize  int      `json:"batchSize"`
	MaxDevices int      `json:"maxDevices"`
}

// Device is a registered computer.
type Device struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	OS       string `json:"os"`
	LastSeen string `json:"lastSeen"` // RFC 3339
	Current  bool   `json:"current"`
}

// AccountState is the account shown in the sidebar and the plan screen.
type AccountState struct {
	SignedIn       bool     `json:"signedIn"`
	Email          string   `json:"email"`
	Plan           PlanInfo `json:"plan"`
	Status         string   `json:"status"`
	AutoRenew      bool     `json:"autoRenew"`
	PeriodEnd      string   `json:"periodEnd"` // RFC 3339, "" for the free plan
	UsedToday      int      `json:"usedToday"`
	RemainingToday int      `json:"remainingToday"` // -1 = unlimited
	Offline        bool     `json:"offline"`
	GraceDaysLeft  int      `json:"graceDaysLeft"`
	Notice         string   `json:"notice"`    // e.g. why a signed-in user is on the Free plan (English)
	NoticeKey      string   `json:"noticeKey"` // its stable code, translated by the UI
	Available      bool     `json:"available"`
	// RenewalIssue is set while the monthly payment is failing; "" reason otherwise.
	RenewalIssue RenewalIssue `json:"renewalIssue"`
}

// RenewalIssue says why the automatic renewal failed and when it is tried again.
type RenewalIssue struct {
	Reason      string `json:"reason"`      // "", card_declined or payment_error
	NextAttempt string `json:"nextAttempt"` // RFC 3339; "" when no attempt is left (the plan ends at periodEnd)
}

// EventAccount carries an AccountState whenever the account changes.
const EventAccount = "account:changed"

// EventCloseAsked carries a CloseQuestion when the window is closed while
// the app has work: the UI asks whether to keep working in the background.
const EventCloseAsked = "app:close-asked"

// CloseQuestion is what would go on in the background.
type CloseQuestion struct {
	Watching int  `json:"watching"` // watched folders on
	Running  bool `json:"running"`  // a run goes now
}

// EventCheckout carries a CheckoutInfo whenever the watched order changes.
const EventCheckout = "checkout:changed"

// CheckoutInfo is the order the user pays in the browser, as the app
// watches it.
type CheckoutInfo struct {
	OrderID     string `json:"orderId"`
	Plan        string `json:"plan"`
	URL         string `json:"url"`         // the checkout page, to copy when no browser opened
	Opened      bool   `json:"opened"`      // the browser was started
	Status      string `json:"status"`      // "", "waiting", "paid", "failed", "expired", "closed"
	FailureCode string `json:"failureCode"` // Toss's code when declined
}

// UIError is how an error of a bound method reaches the UI (main.go's
// ErrorFormatter): a code the UI translates, the English sentence as a
// fallback, and a detail shown as it is (a path, an address).
type UIError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Detail  string `json:"detail"`
}

// Events of the computer scan and the watched folders.
const (
	EventScanProgress = "scan:progress"     // ScanProgress, after each root
	EventScanDone     = "scan:done"         // ScanResult, once per scan
	EventSchedules    = "schedules:changed" // []ScheduleInfo, after every change or scheduled run
	EventRunStarted   = "convert:started"   // RunInfo of a run the app started by itself (a watched folder)
)

// ScanPlace is a folder or drive the scan screen offers.
type ScanPlace struct {
	Path    string `json:"path"`
	Kind    string `json:"kind"`    // "folder", "home" or "drive"
	Default bool   `json:"default"` // checked at first
}

// ScanProgress is reported after each scanned root.
type ScanProgress struct {
	Root       string `json:"root"` // the root scanned next, "" at the end
	RootsDone  int    `json:"rootsDone"`
	RootsTotal int    `json:"rootsTotal"`
	Files      int    `json:"files"`
	Bytes      int64  `json:"bytes"`
}

// ScanFolder is one folder holding convertible images directly.
type ScanFolder struct {
	Path   string `json:"path"`
	Files  int    `json:"files"`
	Bytes  int64  `json:"bytes"`
	Saving int64  `json:"saving"` // estimated bytes saved by converting
}

// ScanResult closes a scan.
type ScanResult struct {
	Roots    []string     `json:"roots"`
	Folders  []ScanFolder `json:"folders"` // largest estimated saving first
	Files    int          `json:"files"`
	Bytes    int64        `json:"bytes"`
	Saving   int64        `json:"saving"`
	Skipped  int          `json:"skipped"` // images a run would pass over (already converted…)
	Format   string       `json:"format"`
	Canceled bool         `json:"canceled"`
	// Why the scan stopped: a code the UI translates, the English sentence, a detail (the place).
	Error       string `json:"error"`
	ErrorCode   string `json:"errorCode"`
	ErrorDetail string `json:"errorDetail"`
}

// ScheduleRequest adds a watched folder.
type ScheduleRequest struct {
	Folder string `json:"folder"`
	Format string `json:"format"`
	Preset string `json:"preset"`
	Mode   string `json:"mode"` // "arrival" or "daily"
	At     string `json:"at"`   // "HH:MM", daily only
}

// ScheduleInfo is a watched folder and its last run.
type ScheduleInfo struct {
	ID          string `json:"id"`
	Folder      string `json:"folder"`
	Format      string `json:"format"`
	Preset      string `json:"preset"`
	Mode        string `json:"mode"`
	At          string `json:"at"`
	Enabled     bool   `json:"enabled"`
	Status      string `json:"status"`   // "watching", "daily", "off", "paused" (quota), "locked" (plan)
	LastRun     string `json:"lastRun"`  // RFC 3339, "" before the first run
	LastCode    string `json:"lastCode"` // "converted", "nothing", "error", a refusal code
	LastResult  string `json:"lastResult"`
	Converted   int    `json:"converted"`
	Saved       int64  `json:"saved"`
	PausedUntil string `json:"pausedUntil"` // RFC 3339 while paused
}

// The bound types are made from the domain's by the functions below.

func mapFile(runID string, f converter.FileResult) FileResult {
	return FileResult{RunID: runID, Src: f.Src, Dst: f.Dst, Status: string(f.Status), Code: string(f.Code),
		Reason: f.Reason, BytesIn: f.BytesIn, BytesOut: f.BytesOut, Quality: f.Quality}
}

func mapSummary(runID string, s converter.Summary) Summary {
	out := Summary{RunID: runID, Converted: s.Converted, Skipped: s.Skipped, Failed: s.Failed,
		BytesIn: s.BytesIn, BytesOut: s.BytesOut, SavedBytes: s.Saved, Problems: []FileResult{}}
	if s.BytesIn > 0 {
		out.SavedPercent = float64(s.Saved) * 100 / float64(s.BytesIn)
	}
	for _, f := range s.Files {
		// A converted file with a code (above its target size) has something to say as well.
		if f.Status != converter.StatusConverted || f.Code != converter.CodeNone {
			out.Problems = append(out.Problems, mapFile(runID, f))
		}
	}
	return out
}

func mapStarted(s runs.Started) RunInfo {
	info := RunInfo{RunID: s.RunID, Total: len(s.Files), Queued: s.Queued, Nothing: s.Nothing, Files: s.Files,
		Behind: s.Behind, Origin: s.Origin.Kind, Folder: s.Origin.Folder, Bytes: s.Bytes, Saving: s.Saving}
	info.Refusals = s.Refusals
	return info
}

// mapResult maps a run's outcome to the summary the UI shows.
func mapResult(r runs.Result) Summary {
	out := mapSummary(r.RunID, r.Summary)
	out.Canceled, out.Queued, out.AutoContinue, out.OutputDir = r.Canceled, r.Queued, r.AutoContinue, r.OutputDir
	out.Origin, out.Folder = r.Origin.Kind, r.Origin.Folder
	switch {
	case r.RunErr != nil:
		out.ErrorCode, out.Error = string(runs.CodeStoppedEarly), r.StoppedEarly()
	case r.SettleErr != nil:
		// The conversions happened; the count is settled on the next refresh.
		out.ErrorCode, out.Error = string(codeSettleFailed), r.SettleErr.Error()
	}
	return out
}

// bridgeError is main.go's ErrorFormatter: every error of a bound method
// reaches the UI as a UIError, with the code the UI translates.
func bridgeError(err error) any {
	out := UIError{Code: string(uierr.CodeOf(err)), Message: err.Error()}
	var ue *uierr.Error
	var le *licensing.Error
	switch {
	case errors.As(err, &ue):
		out.Message, out.Detail = ue.Message, ue.Detail
	case errors.As(err, &le):
		out.Message = le.Message
	}
	return out
}

func mapPlan(p wire.Plan) PlanInfo {
	out := PlanInfo{ID: p.ID, Name: p.Name, PriceKRW: p.PriceKRW, DailyLimit: -1, Formats: p.Formats,
		Features: p.Features, BatchSize: p.BatchSize, MaxDevices: p.MaxDevices}
	if p.DailyLimit != nil {
		out.DailyLimit = *p.DailyLimit
	}
	return out
}

func mapCheckout(st checkout.State) CheckoutInfo {
	return CheckoutInfo{OrderID: st.OrderID, Plan: st.Plan, URL: st.URL, Opened: st.Opened, Status: string(st.Status),
		FailureCode: st.FailureCode}
}

func mapSchedules(list []schedules.State) []ScheduleInfo {
	out := make([]ScheduleInfo, 0, len(list))
	for _, s := range list {
		info := ScheduleInfo{ID: s.ID, Folder: s.Folder, Format: s.Format, Preset: s.Preset, Mode: string(s.Mode),
			At: s.At, Enabled: s.Enabled, Status: s.Status, LastCode: s.LastCode, LastResult: s.LastResult,
			Converted: s.Converted, Saved: s.Saved}
		if !s.LastRun.IsZero() {
			info.LastRun = s.LastRun.UTC().Format(time.RFC3339)
		}
		if !s.PausedUntil.IsZero() {
			info.PausedUntil = s.PausedUntil.UTC().Format(time.RFC3339)
		}
		out = append(out, info)
	}
	return out
}

func mapScan(r scan.Result) ScanResult {
	out := ScanResult{Roots: r.Roots, Files: r.Files, Bytes: r.Bytes, Saving: r.Saving, Skipped: r.Skipped,
		Format: r.Format, Folders: []ScanFolder{}}
	if out.Roots == nil {
		out.Roots = []string{}
	}
	for _, f := range r.Folders {
		out.Folders = append(out.Folders, ScanFolder{Path: f.Path, Files: f.Files, Bytes: f.Bytes, Saving: f.Saving})
	}
	return out
}

func accountState(st licensing.Status, plans policy.Plans, available bool) AccountState {
	out := AccountState{
		SignedIn: st.SignedIn, Email: st.Email, Status: st.SubscriptionStatus,
		AutoRenew: st.AutoRenew && !st.CancelAtPeriodEnd, UsedToday: st.UsageToday, RemainingToday: -1,
		Offline: st.Offline && st.SignedIn, Available: available, GraceDaysLeft: st.GraceDaysLeft,
		Plan: mapPlan(plans.Lookup(st.Plan)),
	}
	out.NoticeKey, out.Notice = account.Notice(st)
	// The entitlement's limits win over the table (an admin may have changed them).
	out.Plan.Formats, out.Plan.Features, out.Plan.BatchSize = st.Limits.Formats, st.Limits.Features, st.Limits.BatchSize
	if st.Limits.DailyLimit != nil {
		out.Plan.DailyLimit = *st.Limits.DailyLimit
	} else {
		out.Plan.DailyLimit = -1
	}
	if st.Remaining != nil {
		out.RemainingToday = *st.Remaining
	}
	if st.PeriodEnd != nil && st.SignedIn {
		out.PeriodEnd = st.PeriodEnd.UTC().Format(time.RFC3339)
	}
	if ri := st.RenewalIssue; ri != nil && st.SignedIn && st.SubscriptionStatus == wire.StatusPastDue {
		out.RenewalIssue.Reason = ri.Reason
		if ri.NextAttempt != nil {
			out.RenewalIssue.NextAttempt = ri.NextAttempt.UTC().Format(time.RFC3339)
		}
	}
	return out
}

func mapProgress(runID string, p converter.Progress) Progress {
	eta := -1.0
	if p.ETA > 0 {
		eta = p.ETA.Seconds()
	}
	return Progress{RunID: runID, Done: p.Done, Total: p.Total, BytesIn: p.BytesIn, BytesOut: p.BytesOut,
		ETASeconds: eta, Current: p.Current, Active: p.Active}
}

// engineInfo words the backends: a warning when one fell back to WASM.
func engineInfo(webp, avif string) EngineInfo {
	info := EngineInfo{WebP: webp, AVIF: avif}
	var slow []string
	if webp == encode.BackendWASM {
		slow = append(slow, "WebP")
	}
	if avif == encode.BackendWASM {
		slow = append(slow, "AVIF")
	}
	if len(slow) > 0 {
		info.Warning = "The fast " + strings.Join(slow, " and ") + " converter was not found, so conversion will be slower."
	}
	return info
}

func mapDevices(ds []wire.Device) []Device {
	out := make([]Device, 0, len(ds))
	for _, d := range ds {
		out = append(out, Device{ID: d.ID, Name: d.Name, OS: d.OS, LastSeen: d.LastSeenAt.UTC().Format(time.RFC3339), Current: d.Current})
	}
	return out
}
