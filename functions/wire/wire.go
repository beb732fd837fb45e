// Package wire holds the JSON shapes exchanged between the desktop app (and the
// checkout pages) and the `api` Cloud Function, plus the closed list of error
// codes. It imports nothing from Firebase so the desktop binary can use it.
//
// Field names are camelCase; times are RFC 3339 strings in UTC; a nil limit
// (dailyLimit, remaining) means "unlimited".
package wire

import "time"

// Plan ids. Unknown ids fall back to PlanFree.
const (
	PlanFree  = "free"
	PlanBasic = "basic"
	PlanPro   = "pro"
)

// Features a plan may include.
const (
	FeatureFiles     = "files"
	FeatureFolders   = "folders"
	FeatureSchedules = "schedules"
	FeatureScan      = "scan"
	// FeatureFine is fine control over the output: a numeric quality, lossless WebP and a target
	// file size per photo.
	FeatureFine = "fine"
)

// Subscription statuses (subscriptions/{uid}.status). A user without a subscription document is
// reported as plan "free" with status StatusNone.
const (
	StatusActive   = "active"
	StatusPastDue  = "past_due"
	StatusCanceled = "canceled"
	StatusExpired  = "expired"
	StatusNone     = "none"
)

// Request headers that identify the calling device (GET /v1/entitlement).
const (
	HeaderDeviceID   = "X-Device-Id"
	HeaderDeviceName = "X-Device-Name"
	HeaderDeviceOS   = "X-Device-OS"
	HeaderAppVersion = "X-App-Version"
)

// Limits is what a plan allows. It is embedded in the signed entitlement, so
// the desktop app can enforce it offline.
type Limits struct {
	DailyLimit *int     `json:"dailyLimit"` // conversions per Seoul calendar day; nil = unlimited
	Formats    []string `json:"formats"`    // output formats, e.g. ["webp","avif"]
	Features   []string `json:"features"`   // FeatureFiles, FeatureFolders, ...
	BatchSize  int      `json:"batchSize"`  // files per run
	MaxDevices int      `json:"maxDevices"` // registered devices allowed at once
}

// Has reports whether the limits include feature f.
func (l Limits) Has(feature string) bool {
	for _, f := range l.Features {
		if f == feature {
			return true
		}
	}
	return false
}

// AllowsFormat reports whether output format f is allowed.
func (l Limits) AllowsFormat(format string) bool {
	for _, f := range l.Formats {
		if f == format {
			return true
		}
	}
	return false
}

// Plan is one row of the plans table; field names follow Firestore plans/{id}.
type Plan struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	PriceKRW   int      `json:"priceKRW"`
	DailyLimit *int     `json:"dailyLimit"` // nil = unlimited
	Formats    []string `json:"formats"`
	Features   []string `json:"features"`
	BatchSize  int      `json:"batchSize"`
	MaxDevices int      `json:"maxDevices"`
}

// Limits returns the part of the plan that the entitlement carries.
func (p Plan) Limits() Limits {
	return Limits{DailyLimit: p.DailyLimit, Formats: p.Formats, Features: p.Features, BatchSize: p.BatchSize, MaxDevices: p.MaxDevices}
}

// PlansResponse is the body of GET /v1/plans.
type PlansResponse struct {
	Plans []Plan `json:"plans"`
}

// EntitlementRequest is the body of POST /v1/entitlement: the entitlement
// call that also carries the work of POST /v1/usage/sync and POST
// /v1/usage/reserve, so a desktop needs about one call per day of use. Both
// parts are optional ({} is GET /v1/entitlement) and have the rules of their
// separate routes; the entries are applied before the reservation, so
// conversions made offline count, and give-backs free room, before anything
// more is granted.
type EntitlementRequest struct {
	Sync    []SyncEntry     `json:"sync,omitempty"`    // as SyncRequest.Entries (at most 100)
	Reserve *ReserveRequest `json:"reserve,omitempty"` // e.g. the day's block, under a run id
}

// EntitlementResponse is the body of GET and POST /v1/entitlement. UsageToday
// and Remaining include what the request's sync and reserve changed.
type EntitlementResponse struct {
	Plan              string     `json:"plan"`
	Status            string     `json:"status"`
	PeriodEnd         *time.Time `json:"periodEnd"` // nil for the free plan
	AutoRenew         bool       `json:"autoRenew"`
	CancelAtPeriodEnd bool       `json:"cancelAtPeriodEnd"`
	Limits            Limits     `json:"limits"`
	Day               string     `json:"day"`        // YYYY-MM-DD in the server's quota time zone
	UsageToday        int        `json:"usageToday"` // conversions counted for Day
	Remaining         *int       `json:"remaining"`  // nil = unlimited
	Entitlement       string     `json:"entitlement"`
	OfflineUntil      time.Time  `json:"offlineUntil"` // = exp of the signed entitlement
	ServerTime        time.Time  `json:"serverTime"`   // lets the client detect a clock set back
	Device            Device     `json:"device"`
	// RenewalIssue is set while the automatic renewal is failing (status
	// past_due): why, and when the card is tried again. Absent otherwise.
	RenewalIssue *RenewalIssue `json:"renewalIssue,omitempty"`
	// POST only: the results of the request's parts, absent when not asked.
	Sync *SyncResponse `json:"sync,omitempty"`
	// Grant answers the request's reserve as POST /v1/usage/reserve would;
	// where that route answers quota_exceeded, Granted and Remaining are 0
	// and nothing is recorded (the entitlement is still worth having).
	Grant *ReserveResponse `json:"grant,omitempty"`
}

// Reasons of a RenewalIssue.
const (
	// RenewalCardDeclined: the card company refused the renewal; the user
	// can fix it by checking the card or registering another one.
	RenewalCardDeclined = "card_declined"
	// RenewalPaymentError: the charge failed for a reason on our or Toss's
	// side (an operator has been alerted); registering the card again may
	// also fix it.
	RenewalPaymentError = "payment_error"
)

// RenewalIssue says why an automatic renewal is failing. The paid plan runs
// to PeriodEnd of the same answer; after the last attempt fails, the
// subscription ends (NextAttempt is then null).
type RenewalIssue struct {
	Reason      string     `json:"reason"`      // RenewalCardDeclined or RenewalPaymentError
	Since       time.Time  `json:"since"`       // the first failed attempt
	NextAttempt *time.Time `json:"nextAttempt"` // when the card is tried again; null: no attempt left
}

// Device is one registered computer of a user.
type Device struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	OS          string    `json:"os"`
	AppVersion  string    `json:"appVersion"`
	FirstSeenAt time.Time `json:"firstSeenAt"`
	LastSeenAt  time.Time `json:"lastSeenAt"`
	Current     bool      `json:"current,omitempty"` // the device that made the request
}

// DevicesResponse is the body of GET /v1/devices.
type DevicesResponse struct {
	Devices []Device `json:"devices"`
}

// ReserveRequest is the body of POST /v1/usage/reserve. RunID makes the call
// idempotent: repeating it (same day) returns the first grant again.
type ReserveRequest struct {
	RunID string `json:"runId"`
	Count int    `json:"count"`
}

// ReserveResponse is the answer to POST /v1/usage/reserve. Granted may be less
// than asked (only what is left today); Remaining is nil when unlimited.
type ReserveResponse struct {
	Granted    int    `json:"granted"`
	Remaining  *int   `json:"remaining"`
	UsageToday int    `json:"usageToday"`
	Day        string `json:"day"`
}

// SyncEntry is one batch of conversions. ID is the client's unique id for it
// (a run id): an entry whose ID matches a reservation of the same day settles
// that reservation to the number actually used (it can only lower it);
// otherwise it records conversions made offline. Replayed ids change nothing.
// To settle a reservation, send the Day of its ReserveResponse (a run that
// crosses midnight still belongs to the day it was reserved on).
type SyncEntry struct {
	ID    string `json:"id"`
	Day   string `json:"day"` // YYYY-MM-DD, quota time zone
	Count int    `json:"count"`
}

// SyncRequest is the body of POST /v1/usage/sync.
type SyncRequest struct {
	Entries []SyncEntry `json:"entries"`
}

// SyncResponse is the answer to POST /v1/usage/sync.
type SyncResponse struct {
	Recorded   int    `json:"recorded"` // entries applied now (not replays)
	UsageToday int    `json:"usageToday"`
	Day        string `json:"day"`
}

// JWK is one Ed25519 public key (RFC 8037: kty OKP, crv Ed25519, x base64url).
type JWK struct {
	Kty string `json:"kty"`
	Crv string `json:"crv"`
	Kid string `json:"kid"`
	Alg string `json:"alg"`
	Use string `json:"use"`
	X   string `json:"x"`
}

// JWKS is the body of GET /v1/keys.
type JWKS struct {
	Keys []JWK `json:"keys"`
}
