package licensing

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"imageconverter/functions/entitlement"
	"imageconverter/functions/wire"
	"imageconverter/licensing/apiclient"
	"imageconverter/licensing/deviceid"
	"imageconverter/licensing/firebaseauth"
	"imageconverter/licensing/policy"
	"imageconverter/licensing/secrets"
)

// Reasons the effective plan is not the one the account pays for (Status.Reason).
const (
	ReasonSignedOut      = "signed_out"          // not signed in: free plan
	ReasonNoEntitlement  = "no_entitlement"      // signed in, never reached the server yet
	ReasonInvalid        = "entitlement_invalid" // signature or content does not check out (tampered)
	ReasonUntrustedKey   = "untrusted_key"       // signed by a key this app does not trust
	ReasonForeignDevice  = "foreign_device"      // issued to another computer
	ReasonOtherAccount   = "other_account"       // issued to another user
	ReasonExpired        = "expired"             // offline longer than the grace period
	ReasonClockSetBack   = "clock_set_back"      // the clock is before a time already seen
	ReasonUnknownPlan    = "unknown_plan"        // plan id this app does not know
	ReasonDeviceLimit    = "device_limit"        // the server refused this computer (too many devices)
	ReasonSessionExpired = "session_expired"     // the sign-in is no longer valid
	ReasonPeriodEnded    = "period_ended"        // the paid period in the entitlement is over
	ReasonUsageUnknown   = "usage_unknown"       // this computer's usage record is missing
)

var reasonMessages = map[string]string{
	ReasonSignedOut:      "You are not signed in, so the Free plan applies.",
	ReasonNoEntitlement:  "Your plan could not be checked yet, so the Free plan applies until the app can reach the service.",
	ReasonInvalid:        "Your plan information on this computer is damaged, so the Free plan applies until the app can check it online.",
	ReasonUntrustedKey:   "Your plan information could not be confirmed, so the Free plan applies. Please update the app.",
	ReasonForeignDevice:  "Your plan information belongs to another computer, so the Free plan applies until the app can check it online.",
	ReasonOtherAccount:   "Your plan information belongs to another account, so the Free plan applies until the app can check it online.",
	ReasonExpired:        "The app has been offline for too long, so the Free plan applies. Connect to the internet to restore your plan.",
	ReasonClockSetBack:   "Your computer's clock was set back, so the app must check your plan online. The Free plan applies until then.",
	ReasonUnknownPlan:    "Your plan is not known to this version of the app, so the Free plan applies. Please update the app.",
	ReasonDeviceLimit:    "Your plan is already used on its maximum number of computers. Remove one in Plan & billing, or upgrade.",
	ReasonSessionExpired: "You have been signed out. Please sign in again.",
	ReasonPeriodEnded:    "Your paid period has ended, so the Free plan applies until the app can check your plan online.",
	ReasonUsageUnknown:   "This computer's record of today's conversions is missing, so the Free plan applies until the app can check your plan online.",
}

// ReasonMessage returns the English sentence for a Status.Reason.
func ReasonMessage(r string) string { return reasonMessages[r] }

const (
	clockTolerance = 5 * time.Minute // NTP corrections are not "setting the clock back"
	refreshAfter   = 24 * time.Hour  // SPEC §5: refresh the entitlement when older than a day
	sessionKey     = "session"       // keychain item of sessionPart
	entitlementKey = "entitlement"   // keychain item of entitlementPart
	localKey       = "local"         // key of localPart in the state file
)

// Options builds a Service. Only Config is needed; the rest has defaults and
// exists for tests and for the app's own choices.
type Options struct {
	Config      Config
	Store       secrets.Store           // nil: the OS keychain, or a 0600 file when there is none
	StatePath   string                  // "": <user config dir>/<app>/state.json (ledger and caches)
	DeviceID    string                  // nil: deviceid.ID()
	DeviceName  string                  // "": the host name
	Clock       func() time.Time        // nil: time.Now
	HTTP        *http.Client            // nil: a default client; every server call goes through it
	TrustedKeys []entitlement.PublicKey // nil: BuiltinKeys(); the only keys a release build trusts
	Plans       policy.Plans            // nil: policy.DefaultPlans
	Backoff     time.Duration           // first retry delay of API calls; 0 = 300 ms
	// OnlineBudget bounds the network part of Reserve; past it the run is
	// granted by the local ledger as if offline. 0 = 10 s.
	OnlineBudget time.Duration
}

// Service is the licensing facade the app holds. It is safe for concurrent
// use. Methods with a context may call the network (run them off the UI
// thread); the others never do.
type Service struct {
	cfg      Config
	store    secrets.Store
	storeErr error         // why the keychain was not used (file fallback)
	local    *secrets.File // the state file (not secret, may grow)
	written  map[string]string
	device   apiclient.Device
	clock    func() time.Time
	auth     *firebaseauth.Client
	api      *apiclient.Client
	trusted  []entitlement.PublicKey
	plans    policy.Plans

	onlineBudget time.Duration

	refreshMu sync.Mutex // one entitlement refresh at a time
	reserveMu sync.Mutex // one Reserve at a time (blocks are drawn in order)

	mu        sync.Mutex // guards everything below
	st        state
	idToken   string
	idExpires time.Time
	offline   bool   // the last server call could not reach it
	lastCode  string // code of the last failed refresh (device_limit, ...)
	savedSeen time.Time
	// bootClock bounds the quota day by the real time since the last
	// server contact (quotaNow); nil with an injected Clock.
	bootClock func() (string, time.Duration, bool)
}

// state is what survives restarts. It is saved in three parts, because OS
// keychains take only small values (Windows Credential Manager: 2,560
// bytes): the sign-in and the entitlement (each well under 2 KB) in the
// keychain, and the growing rest — quota ledger, plans, learned dev keys —
// in a 0600 file next to the config.
type state struct {
	sessionPart
	entitlementPart
	localPart
}

// sessionPart is keychain item "session".
type sessionPart struct {
	Session *firebaseauth.Session `json:"session,omitempty"` // user id, email, refresh token
}

// entitlementPart is keychain item "entitlement": the token with the times
// that guard it, so a clock set back cannot be hidden by deleting a file.
type entitlementPart struct {
	Token      string        `json:"entitlement,omitempty"`
	Info       info          `json:"info"`
	FetchedAt  time.Time     `json:"fetchedAt"` // trusted time of the last successful refresh
	LastSeen   time.Time     `json:"lastSeen"`  // latest trusted time ever seen
	Skew       time.Duration `json:"skew"`      // server time − local clock at the last refresh
	NeedOnline bool          `json:"needOnline"`
	// DevKeys are the local stack's keys, learned only by a localstack
	// build from a loopback API (trust_localstack.go). Kept here rather
	// than in the state file; a release build never reads them.
	DevKeys wire.JWKS `json:"devKeys,omitzero"`
	// Usage guards the quota ledger of the state file (guard.go).
	Usage usageGuard `json:"usage,omitzero"`
	// LedgerLost: the state file was missing or older than Usage; the paid
	// plan waits for an online check (ReasonUsageUnknown).
	LedgerLost bool `json:"ledgerLost,omitempty"`
	// Contact is the boot clock at the last refresh (guard.go quotaNow).
	Contact contact `json:"contact,omitzero"`
}

// localPart is the state file.
type localPart struct {
	Ledger      ledger      `json:"ledger"`
	AnonLedger  ledger      `json:"anonLedger"` // signed-out (free plan) runs
	PlanChanged bool        `json:"planChanged"`
	PrevUser    string      `json:"prevUser,omitempty"` // signed out with Ledger entries unsent
	Plans       []wire.Plan `json:"plans,omitempty"`    // last GET /v1/plans
	PlansAt     time.Time   `json:"plansAt"`
}

// keptAcrossAccounts is what the computer keeps when the account changes:
// the clock guard, the signed-out ledger and the caches.
func (st state) keptAcrossAccounts() state {
	var n state
	n.LastSeen, n.Skew, n.DevKeys = st.LastSeen, st.Skew, st.DevKeys
	n.AnonLedger, n.Plans, n.PlansAt = st.AnonLedger, st.Plans, st.PlansAt
	return n
}

type info struct {
	Status            string     `json:"status"`
	PeriodEnd         *time.Time `json:"periodEnd,omitempty"`
	AutoRenew         bool       `json:"autoRenew"`
	CancelAtPeriodEnd bool       `json:"cancelAtPeriodEnd"`
}

// New builds the Service and loads what the last run saved. A keychain that
// is missing is not an error (see Status.StorageWarning).
func New(opts Options) (*Service, error) {
	s := &Service{cfg: opts.Config, store: opts.Store, clock: opts.Clock, trusted: opts.TrustedKeys, plans: opts.Plans}
	if s.cfg.APIBase == "" {
		s.cfg = DefaultConfig()
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	s.onlineBudget = opts.OnlineBudget
	if s.onlineBudget <= 0 {
		s.onlineBudget = 10 * time.Second
	}
	if s.plans == nil {
		s.plans = policy.DefaultPlans
	}
	if s.trusted == nil {
		keys, err := BuiltinKeys()
		if err != nil {
			return nil, err
		}
		s.trusted = keys
	}
	fallback, err := secrets.DefaultFallbackPath(s.cfg.AppName)
	if err != nil && (s.store == nil || opts.StatePath == "") {
		return nil, err
	}
	if s.store == nil {
		s.store, s.storeErr = secrets.Open(s.cfg.AppName, fallback)
	}
	statePath := opts.StatePath
	if statePath == "" {
		statePath = filepath.Join(filepath.Dir(fallback), "state.json")
	}
	s.local = &secrets.File{Path: statePath}
	id := opts.DeviceID
	if id == "" {
		var err error
		if id, err = deviceid.ID(); err != nil {
			return nil, err
		}
	}
	name := opts.DeviceName
	if name == "" {
		name, _ = os.Hostname()
	}
	s.device = apiclient.Device{ID: id, Name: name, OS: runtime.GOOS, AppVersion: s.cfg.AppVersion}
	httpc := opts.HTTP
	if httpc == nil {
		httpc = &http.Client{Timeout: 30 * time.Second}
	}
	// ID-token expiry uses the real monotonic clock, not s.clock: Firebase
	// checks it against real time, and a wall clock set back must not make
	// an expired token look valid.
	s.auth = &firebaseauth.Client{APIKey: s.cfg.FirebaseAPIKey, EmulatorHost: s.cfg.AuthEmulatorHost, HTTP: httpc}
	s.api = &apiclient.Client{BaseURL: s.cfg.APIBase, HTTP: httpc, Tokens: tokens{s}, Device: s.device, Backoff: opts.Backoff}

	s.written = map[string]string{}
	localMissing := false
	for _, part := range []struct {
		store secrets.Store
		key   string
		into  any
	}{
		{s.store, sessionKey, &s.st.sessionPart},
		{s.store, entitlementKey, &s.st.entitlementPart},
		{s.local, localKey, &s.st.localPart},
	} {
		raw, err := part.store.Get(part.key)
		switch {
		case errors.Is(err, secrets.ErrNotFound):
			localMissing = localMissing || part.key == localKey
		case err != nil:
			return nil, &Error{Code: CodeStorage, Message: Message(CodeStorage), Err: err}
		default:
			// A damaged part only loses what it cached; start that part clean.
			if json.Unmarshal([]byte(raw), part.into) != nil && part.key == localKey {
				localMissing = true
			}
			s.written[part.key] = raw
		}
	}
	s.savedSeen = s.st.LastSeen
	if opts.Clock == nil {
		s.bootClock = bootClock
	}
	s.checkLedger(localMissing)
	if len(s.st.Plans) > 0 && opts.Plans == nil {
		s.plans = s.st.Plans
	}
	return s, nil
}

// DeviceID returns this computer's id as the server knows it.
func (s *Service) DeviceID() string { return s.device.ID }

// Plans returns the plans table the policy uses: the last one fetched from
// the server, else the built-in SPEC §2 table.
func (s *Service) Plans() policy.Plans {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.plans
}

// FetchPlans gets the plans table (GET /v1/plans, no sign-in needed) for the
// plans screen, at most once a day; offline it answers the cached table.
// Admins edit plans in Firestore, so prices and limits shown come from here.
func (s *Service) FetchPlans(ctx context.Context) (policy.Plans, error) {
	s.mu.Lock()
	fresh := len(s.st.Plans) > 0 && s.now().Sub(s.st.PlansAt) < refreshAfter
	s.mu.Unlock()
	if fresh {
		return s.Plans(), nil
	}
	resp, err := s.api.Plans(ctx)
	if err != nil || len(resp.Plans) == 0 {
		if err == nil {
			err = errors.New("empty plans table")
		}
		return s.Plans(), s.failed(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.plans = resp.Plans
	s.st.Plans, s.st.PlansAt = resp.Plans, s.now()
	return s.plans, s.save()
}

// save writes the parts of the state that changed; call with s.mu held.
func (s *Service) save() error {
	s.st.Usage = s.st.Ledger.guard()
	for _, part := range []struct {
		store secrets.Store
		key   string
		value any
		empty bool
	}{
		{s.store, sessionKey, s.st.sessionPart, s.st.Session == nil},
		// The ledger before its guard: stopped in between, the guard is
		// behind the file (harmless), never ahead (runs restored twice).
		{s.local, localKey, s.st.localPart, false},
		{s.store, entitlementKey, s.st.entitlementPart, false},
	} {
		b, err := json.Marshal(part.value)
		if err != nil {
			return fmt.Errorf("encode licensing state: %w", err)
		}
		v := string(b)
		if part.empty {
			v = ""
		}
		if old, ok := s.written[part.key]; ok && old == v || !ok && v == "" {
			continue
		}
		if v == "" {
			err = part.store.Delete(part.key)
		} else {
			err = part.store.Set(part.key, v)
		}
		if err != nil {
			return &Error{Code: CodeStorage, Message: Message(CodeStorage), Err: err}
		}
		s.written[part.key] = v
	}
	s.savedSeen = s.st.LastSeen
	return nil
}

// now is the trusted time: the local clock corrected by the skew to the
// server's clock measured at the last refresh. Call with s.mu held.
func (s *Service) now() time.Time { return s.clock().Add(s.st.Skew) }

// seen raises LastSeen to t. Call with s.mu held.
func (s *Service) seen(t time.Time) {
	if t.After(s.st.LastSeen) {
		s.st.LastSeen = t
	}
}

// clockSetBack: the trusted time is before a time already seen.
func (s *Service) clockSetBack(now time.Time) bool {
	return now.Before(s.st.LastSeen.Add(-clockTolerance))
}

// ---- sign-in ----

// SignUp creates an account, signs in and fetches the entitlement. The
// returned error may be a device_limit *Error (signed in, free plan until a
// device is removed) or offline (signed in, free plan until reachable).
func (s *Service) SignUp(ctx context.Context, email, password string) (Status, error) {
	sess, err := s.auth.SignUp(ctx, email, password)
	if err != nil {
		return s.Status(), toError(err)
	}
	return s.startSession(ctx, sess)
}

// SignIn signs in with email and password and fetches the entitlement.
func (s *Service) SignIn(ctx context.Context, email, password string) (Status, error) {
	sess, err := s.auth.SignIn(ctx, email, password)
	if err != nil {
		return s.Status(), toError(err)
	}
	return s.startSession(ctx, sess)
}

func (s *Service) startSession(ctx context.Context, sess *firebaseauth.Session) (Status, error) {
	s.mu.Lock()
	if s.st.Session == nil || s.st.Session.UserID != sess.UserID {
		// Another account: nothing of the previous one carries over, except
		// the unsent runs of this same account from before a sign-out.
		old := s.st
		s.st = old.keptAcrossAccounts()
		if old.PrevUser == sess.UserID {
			s.st.Ledger = old.Ledger
		}
	}
	s.st.Session = sess
	s.idToken, s.idExpires = sess.IDToken, sess.ExpiresAt
	s.lastCode = ""
	s.carryAnonUse()
	err := s.save()
	s.mu.Unlock()
	if err != nil {
		return s.Status(), err
	}
	err = s.Refresh(ctx)
	return s.Status(), err
}

// SignOut forgets the account on this computer (tokens and entitlement). The
// device stays registered on the server; RemoveDevice frees it.
func (s *Service) SignOut() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.st
	today := DayOf(s.quotaNow(s.now()))
	accountUsed := old.Ledger.usedOn(today)
	s.st = old.keptAcrossAccounts()
	s.st.AnonLedger.carryAccountUse(today, accountUsed)
	// Blocks serve only the signed-in account; their rest goes back with
	// the same account's next sync.
	old.Ledger.closeBlocks("")
	if old.Session != nil && len(old.Ledger.pending()) > 0 {
		// Unsent runs wait for the same account's next sign-in.
		s.st.PrevUser, s.st.Ledger = old.Session.UserID, old.Ledger
	}
	s.idToken, s.idExpires, s.lastCode = "", time.Time{}, ""
	return s.save()
}

// ResetPassword emails a password-reset link.
func (s *Service) ResetPassword(ctx context.Context, email string) error {
	return toError(s.auth.SendPasswordReset(ctx, email))
}

// tokens gives the API client ID tokens, refreshing them with the refresh token.
type tokens struct{ s *Service }

func (t tokens) Token(ctx context.Context) (string, error) {
	s := t.s
	s.mu.Lock()
	tok, exp, signedIn := s.idToken, s.idExpires, s.st.Session != nil
	s.mu.Unlock()
	now := time.Now()
	if !signedIn {
		return "", &Error{Code: CodeNotSignedIn, Message: Message(CodeNotSignedIn)}
	}
	if tok != "" && now.Add(time.Minute).Before(exp) {
		return tok, nil
	}
	return t.Refresh(ctx)
}

func (t tokens) Refresh(ctx context.Context) (string, error) {
	s := t.s
	s.mu.Lock()
	sess := s.st.Session
	s.mu.Unlock()
	if sess == nil {
		return "", &Error{Code: CodeNotSignedIn, Message: Message(CodeNotSignedIn)}
	}
	ns, err := s.auth.Refresh(ctx, sess)
	if err != nil {
		if firebaseauth.IsCode(err, firebaseauth.CodeSessionExpired) {
			s.mu.Lock()
			s.lastCode = ReasonSessionExpired
			s.mu.Unlock()
		}
		return "", toError(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.Session == nil || s.st.Session.UserID != sess.UserID {
		return "", &Error{Code: CodeNotSignedIn, Message: Message(CodeNotSignedIn)}
	}
	s.idToken, s.idExpires = ns.IDToken, ns.ExpiresAt
	if ns.RefreshToken != s.st.Session.RefreshToken {
		s.st.Session.RefreshToken = ns.RefreshToken
		if err := s.save(); err != nil {
			return "", err
		}
	}
	return ns.IDToken, nil
}

// ---- entitlement ----

// Refresh fetches the entitlement now (registering this device), sending
// with it the usage the server has not seen. Use it when the user asks,
// after a purchase or plan change; otherwise EnsureFresh.
func (s *Service) Refresh(ctx context.Context) error { return s.refresh(ctx, true, nil) }

// blockAsk is a day block requested with a refresh (POST /v1/entitlement).
type blockAsk struct {
	id    string // the block's id: the run's, or a fresh one at the daily refresh
	run   string // the run that draws n of it now ("" = none)
	n     int
	count int // asked for (blockSize)

	// Set by refresh when the server answered the ask.
	answered bool
	grant    Grant
}

// refresh fetches the entitlement; unless force, only when still needed once
// no other refresh runs. The call carries every sync entry waiting (up to
// syncMaxEntries) and the block ask, if any: one POST /v1/entitlement does
// what a refresh, a sync and a reservation did in three calls. With nothing
// to carry it is GET /v1/entitlement.
func (s *Service) refresh(ctx context.Context, force bool, ask *blockAsk) error {
	s.refreshMu.Lock()
	defer s.refreshMu.Unlock()
	s.mu.Lock()
	signedIn := s.st.Session != nil
	if signedIn && !force && !s.needsRefresh(s.now()) {
		s.mu.Unlock()
		return nil
	}
	var sent []wire.SyncEntry
	if signedIn {
		s.st.Ledger.closeBlocks(DayOf(s.now()))
		sent = s.st.Ledger.pending()
	}
	s.mu.Unlock()
	if !signedIn {
		return &Error{Code: CodeNotSignedIn, Message: Message(CodeNotSignedIn)}
	}
	if len(sent) > syncMaxEntries {
		sent = sent[:syncMaxEntries]
	}
	resp, meta, err := s.fetchEntitlement(ctx, sent, ask)
	var refused []wire.SyncEntry
	if ErrorCode(toError(err)) == string(wire.CodeInvalidArgument) && len(sent) > 0 {
		// The server refused an entry of the batch. Keeping the batch
		// would block every refresh, dropping it would lose genuine usage:
		// ask again without it, then send it apart (syncIsolating), which
		// drops only the entries refused on their own.
		refused, sent = sent, nil
		resp, meta, err = s.fetchEntitlement(ctx, nil, ask)
	}
	if err != nil {
		err = s.failed(err)
		if ErrorCode(err) == string(wire.CodeDeviceLimit) {
			// The server no longer counts this computer among the account's
			// (removed from another one): its cached entitlement ends now.
			s.mu.Lock()
			s.st.Token = ""
			_ = s.save()
			s.mu.Unlock()
		}
		return err
	}
	if err := s.ensureKeys(ctx, resp.Entitlement); err != nil {
		return s.failed(err)
	}
	s.mu.Lock()
	s.offline, s.lastCode = false, ""
	server := resp.ServerTime
	if server.IsZero() {
		server = meta.Date
	}
	if !server.IsZero() {
		s.st.Skew = server.Sub(s.clock())
		if s.st.Skew.Abs() < clockTolerance {
			s.st.Skew = 0 // a correct clock: keep the local one
		}
	}
	// The server's clock is the authority: after a successful online check
	// LastSeen restarts from it, even if the local clock had run ahead.
	// The server's time (rounded up to the second, like the token's iat) is
	// included so that a fresh token is never "issued in the future" for a
	// local clock a little behind the server's.
	now := s.now()
	s.st.LastSeen = now
	if !server.IsZero() {
		s.seen(server.Truncate(time.Second).Add(time.Second))
	}
	s.st.Token = resp.Entitlement
	s.st.Info = info{Status: resp.Status, PeriodEnd: resp.PeriodEnd, AutoRenew: resp.AutoRenew, CancelAtPeriodEnd: resp.CancelAtPeriodEnd}
	s.st.FetchedAt = now
	s.st.NeedOnline, s.st.PlanChanged, s.st.LedgerLost = false, false, false
	s.markContact(now)
	led := &s.st.Ledger
	if resp.Sync != nil {
		led.markSynced(sent)
	}
	if ask != nil && resp.Grant != nil {
		ask.answered = true
		ask.grant = Grant{RunID: ask.run, Remaining: resp.Grant.Remaining, Day: resp.Grant.Day}
		if resp.Grant.Granted > 0 {
			ask.grant.Granted = led.addBlock(ask.id, ask.run, ask.n, *resp.Grant)
		}
	}
	led.serverSaw(resp.Day, resp.UsageToday)
	led.prune(DayOf(now), now)
	err = s.save()
	s.mu.Unlock()
	if err != nil || len(refused) == 0 {
		return err
	}
	sr, err := s.syncIsolating(ctx, refused)
	s.mu.Lock()
	defer s.mu.Unlock()
	if sr != nil {
		s.st.Ledger.serverSaw(sr.Day, sr.UsageToday)
	}
	if serr := s.save(); serr != nil {
		return serr
	}
	if err != nil {
		// The entitlement is fresh; the entries wait for the next sync.
		log.Printf("licensing: sending refused usage entries apart: %v", err)
	}
	return nil
}

// fetchEntitlement is GET /v1/entitlement, or its POST form when there are
// sync entries or a block ask to carry.
func (s *Service) fetchEntitlement(ctx context.Context, sent []wire.SyncEntry, ask *blockAsk) (wire.EntitlementResponse, apiclient.Meta, error) {
	if len(sent) == 0 && ask == nil {
		return s.api.Entitlement(ctx)
	}
	req := wire.EntitlementRequest{Sync: sent}
	if ask != nil {
		req.Reserve = &wire.ReserveRequest{RunID: ask.id, Count: ask.count}
	}
	return s.api.EntitlementWith(ctx, req)
}

// failed records a failed server call and returns it as an *Error.
func (s *Service) failed(err error) error {
	le := toError(err).(*Error)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offline = isOffline(le)
	if !s.offline {
		s.lastCode = le.Code
		if le.Code == string(wire.CodeUnauthenticated) {
			s.lastCode = ReasonSessionExpired
		}
	}
	return le
}

// PlanChanged marks the entitlement stale (after a purchase, cancel or
// resume); the next EnsureFresh fetches it.
func (s *Service) PlanChanged() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.PlanChanged = true
	_ = s.save()
}

// NeedsRefresh reports whether the entitlement should be fetched: none yet,
// older than a day, the plan changed, or the clock was set back.
func (s *Service) NeedsRefresh() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.needsRefresh(s.now())
}

func (s *Service) needsRefresh(now time.Time) bool {
	if s.st.Session == nil {
		return false
	}
	return s.st.Token == "" || s.st.NeedOnline || s.st.PlanChanged || s.st.LedgerLost || s.clockSetBack(now) ||
		now.Sub(s.st.FetchedAt) >= refreshAfter || s.paidPeriodOver(now)
}

// paidPeriodOver: the last refresh reported a paid period (active, past due
// or canceled; an expired subscription keeps its old end) that is over now.
func (s *Service) paidPeriodOver(now time.Time) bool {
	switch s.st.Info.Status {
	case wire.StatusActive, wire.StatusPastDue, wire.StatusCanceled:
		return s.st.Info.PeriodEnd != nil && !now.Before(*s.st.Info.PeriodEnd)
	}
	return false
}

// EnsureFresh refreshes the entitlement only when NeedsRefresh. Call it at
// start-up and when the app comes back to the foreground; Reserve calls it.
//
// A routine refresh (the entitlement is a day old) on a plan with a daily
// limit also asks for the day's block when this computer holds none: the
// app is mostly opened to convert, and the block then costs no call of its
// own. A block no run draws from goes back whole with the next refresh.
func (s *Service) EnsureFresh(ctx context.Context) error {
	if !s.NeedsRefresh() {
		return nil
	}
	return s.refresh(ctx, false, s.dailyBlockAsk())
}

// dailyBlockAsk is the block a routine refresh asks for, or nil: only on a
// verified plan with a daily limit (not after a plan change, a clock set
// back or without an entitlement, when the limits are not to be trusted),
// without an open block today and with conversions left as far as known.
func (s *Service) dailyBlockAsk() *blockAsk {
	st := s.Status()
	s.mu.Lock()
	defer s.mu.Unlock()
	if st.Reason != "" || st.Limits.DailyLimit == nil || s.st.PlanChanged || s.st.NeedOnline ||
		s.st.Ledger.openBlock(st.Day) != nil || st.Remaining == nil || *st.Remaining < 1 {
		return nil
	}
	return &blockAsk{id: newBlockID(), count: blockSize(st.Limits, 0)}
}

// newBlockID names a block reserved before any run needs it.
func newBlockID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "block-" + hex.EncodeToString(b)
}

// learnsKeys reports whether this Service may learn keys from its API: only
// a localstack build (never a release) talking to a loopback API.
func (s *Service) learnsKeys() bool { return learnLocalKeys && s.cfg.LocalAPI() }

// ensureKeys learns the dev key from a local API when the token's kid is not
// trusted yet (localstack builds only). Release builds trust the compiled-in
// keys alone.
func (s *Service) ensureKeys(ctx context.Context, token string) error {
	if !s.learnsKeys() || token == "" {
		return nil
	}
	if _, err := s.verifier(); err == nil {
		if _, err := s.verify(token); !errors.Is(err, entitlement.ErrUnknownKey) {
			return nil
		}
	}
	set, err := s.api.Keys(ctx)
	if err != nil {
		return err
	}
	if _, err := entitlement.KeysFromJWKS(set); err != nil {
		return fmt.Errorf("keys from local API: %w", err)
	}
	s.mu.Lock()
	s.st.DevKeys = set
	s.mu.Unlock()
	return nil
}

// verifier builds a verifier over the trusted keys (built in, or given by
// Options.TrustedKeys) plus, in a localstack build with a loopback API, the
// keys learned from it. Trusted keys win on a kid clash.
func (s *Service) verifier() (*entitlement.Verifier, error) {
	keys := append([]entitlement.PublicKey(nil), s.trusted...)
	if s.learnsKeys() {
		s.mu.Lock()
		dev, _ := entitlement.KeysFromJWKS(s.st.DevKeys)
		s.mu.Unlock()
	next:
		for _, d := range dev {
			for _, k := range keys {
				if k.KeyID == d.KeyID {
					continue next
				}
			}
			keys = append(keys, d)
		}
	}
	return entitlement.NewVerifier(keys...)
}

func (s *Service) verify(token string) (entitlement.Entitlement, error) {
	v, err := s.verifier()
	if err != nil {
		return entitlement.Entitlement{}, entitlement.ErrUnknownKey
	}
	s.mu.Lock()
	now := s.now()
	if now.Before(s.st.LastSeen) {
		now = s.st.LastSeen
	}
	s.mu.Unlock()
	v.Now = func() time.Time { return now }
	return v.VerifyForDevice(token, s.device.ID)
}

// ---- status ----

// Status is everything the UI shows about the account and the plan.
type Status struct {
	SignedIn bool   `json:"signedIn"`
	Email    string `json:"email,omitempty"`
	UserID   string `json:"userId,omitempty"`

	Plan     string      `json:"plan"`     // effective plan id: what the app enforces now
	PlanName string      `json:"planName"` // e.g. "Basic"
	Limits   wire.Limits `json:"limits"`
	// Reason is set when the effective plan is Free for a reason other than
	// the account's own plan (signed out, expired, tampered, ...).
	Reason        string `json:"reason,omitempty"`
	ReasonMessage string `json:"reasonMessage,omitempty"`

	SubscriptionStatus string     `json:"subscriptionStatus,omitempty"` // active, past_due, canceled, expired, none
	PeriodEnd          *time.Time `json:"periodEnd,omitempty"`
	AutoRenew          bool       `json:"autoRenew"`
	CancelAtPeriodEnd  bool       `json:"cancelAtPeriodEnd"`

	Day        string `json:"day"` // quota day, Asia/Seoul
	UsageToday int    `json:"usageToday"`
	Remaining  *int   `json:"remaining"` // nil = unlimited

	Offline          bool      `json:"offline"` // the last server call did not get through
	OfflineUntil     time.Time `json:"offlineUntil,omitzero"`
	GraceDaysLeft    int       `json:"graceDaysLeft"` // whole days of offline use left
	NeedsOnlineCheck bool      `json:"needsOnlineCheck"`
	LastRefresh      time.Time `json:"lastRefresh,omitzero"`

	Storage        secrets.Kind `json:"storage"`                  // keychain or file
	StorageWarning string       `json:"storageWarning,omitempty"` // set when secrets are in a file
}

// Status answers from memory, without network; it saves the state when the
// clock has moved ten minutes since the last save, or was set back.
func (s *Service) Status() Status {
	s.mu.Lock()
	now := s.now()
	s.seen(now)
	setBack := s.clockSetBack(now)
	var st Status
	st.Storage = s.store.Kind()
	if st.Storage == secrets.KindFile {
		st.StorageWarning = "No system keychain is available, so your sign-in is kept in a file on this computer that only your user account can read."
	}
	st.Offline = s.offline
	st.Day = DayOf(s.quotaNow(now))
	sess, token, inf, fetched, lastCode, seenAt := s.st.Session, s.st.Token, s.st.Info, s.st.FetchedAt, s.lastCode, s.st.LastSeen
	ledgerLost := s.st.LedgerLost
	st.NeedsOnlineCheck = s.needsRefresh(now)
	if setBack && !s.st.NeedOnline && sess != nil {
		s.st.NeedOnline = true // stays until an online check succeeds
		_ = s.save()
	} else if s.st.LastSeen.Sub(s.savedSeen) > 10*time.Minute {
		_ = s.save() // keep LastSeen fresh on disk without writing on every call
	}
	s.mu.Unlock()

	plans := s.Plans()
	plan, limits, reason := wire.PlanFree, plans.Free(), ""
	var ent entitlement.Entitlement
	switch {
	case sess == nil:
		reason = ReasonSignedOut
	case setBack:
		reason = ReasonClockSetBack
	case token == "":
		reason = ReasonNoEntitlement
		if lastCode == ReasonDeviceLimit || lastCode == ReasonSessionExpired {
			reason = lastCode
		}
	default:
		var err error
		ent, err = s.verify(token)
		trusted := now
		if seenAt.After(trusted) {
			trusted = seenAt
		}
		switch {
		case err == nil && ent.UserID != sess.UserID:
			reason = ReasonOtherAccount
		case err == nil && ent.Plan != wire.PlanFree && ent.PeriodEnd != nil && !trusted.Before(*ent.PeriodEnd):
			// The period the token was issued for is over by the trusted
			// clock: a renewal (or not) is only known online.
			reason = ReasonPeriodEnded
		case err == nil && ent.Plan != wire.PlanFree && ledgerLost:
			reason = ReasonUsageUnknown
		case err == nil:
			if known(plans, ent.Plan) {
				plan, limits = ent.Plan, ent.Limits
			} else {
				reason = ReasonUnknownPlan
			}
		case errors.Is(err, entitlement.ErrExpired):
			reason = ReasonExpired
		case errors.Is(err, entitlement.ErrWrongDevice):
			reason = ReasonForeignDevice
		case errors.Is(err, entitlement.ErrUnknownKey):
			reason = ReasonUntrustedKey
		default:
			reason = ReasonInvalid
		}
		if reason == "" && lastCode == ReasonSessionExpired {
			// The entitlement is still valid offline; the UI asks to sign in again.
			st.NeedsOnlineCheck = true
		}
	}
	if sess != nil {
		st.SignedIn, st.Email, st.UserID = true, sess.Email, sess.UserID
		st.SubscriptionStatus, st.PeriodEnd, st.AutoRenew, st.CancelAtPeriodEnd = inf.Status, inf.PeriodEnd, inf.AutoRenew, inf.CancelAtPeriodEnd
		st.LastRefresh = fetched
	}
	if reason == "" {
		st.OfflineUntil = ent.ExpiresAt
		from := now
		if seenAt.After(from) {
			from = seenAt // the server's time right after a refresh
		}
		st.GraceDaysLeft = int(math.Ceil(ent.ExpiresAt.Sub(from).Hours() / 24))
	}
	st.Plan, st.Limits, st.Reason, st.ReasonMessage = plan, limits, reason, reasonMessages[reason]
	st.PlanName = plans.Lookup(plan).Name

	s.mu.Lock()
	led := &s.st.Ledger
	if sess == nil {
		led = &s.st.AnonLedger
	}
	st.UsageToday = led.usedOn(st.Day)
	s.mu.Unlock()
	if limits.DailyLimit != nil {
		r := max(*limits.DailyLimit-st.UsageToday, 0)
		st.Remaining = &r
	}
	return st
}

func known(plans policy.Plans, plan string) bool {
	for _, p := range plans {
		if p.ID == plan {
			return true
		}
	}
	return false
}

// ---- devices ----

// Devices lists the account's registered computers (Current marks this one).
func (s *Service) Devices(ctx context.Context) ([]wire.Device, error) {
	resp, err := s.api.Devices(ctx)
	if err != nil {
		return nil, s.failed(err)
	}
	for i := range resp.Devices {
		if resp.Devices[i].ID == s.device.ID {
			resp.Devices[i].Current = true
		}
	}
	return resp.Devices, nil
}

// RemoveDevice unregisters a computer of the account, freeing its place.
// After removing another computer following a device_limit refusal, call
// Refresh to register this one.
func (s *Service) RemoveDevice(ctx context.Context, id string) error {
	if err := s.api.RemoveDevice(ctx, id); err != nil {
		return s.failed(err)
	}
	if id == s.device.ID {
		s.mu.Lock()
		s.st.Token = ""
		_ = s.save()
		s.mu.Unlock()
	}
	return nil
}

// ---- policy ----

// Decide answers what a drop or click may convert now under the effective
// plan and today's remaining conversions (see package policy).
func (s *Service) Decide(req policy.Request) policy.Decision {
	st := s.Status()
	req.Remaining = st.Remaining
	return policy.Decide(st.Plan, st.Limits, s.Plans(), req)
}

// CanUseFormat, CanUseFolders, CanUseSchedules and CanScan return nil when the
// effective plan allows the feature, else the refusal to show.
func (s *Service) CanUseFormat(format string) *policy.Refusal {
	return policy.Format(s.Status().Limits, s.Plans(), format)
}
func (s *Service) CanUseFolders() *policy.Refusal {
	return policy.Folders(s.Status().Limits, s.Plans())
}
func (s *Service) CanUseSchedules() *policy.Refusal {
	return policy.Schedules(s.Status().Limits, s.Plans())
}
func (s *Service) CanScan() *policy.Refusal { return policy.Scan(s.Status().Limits, s.Plans()) }

// Checkout creates an order for a plan (POST /v1/checkout); the plan will
// change once it is paid, so the entitlement is marked stale.
func (s *Service) Checkout(ctx context.Context, req wire.CheckoutRequest) (wire.CheckoutResponse, error) {
	out, err := s.api.Checkout(ctx, req)
	if err != nil {
		return out, s.failed(err)
	}
	s.PlanChanged()
	return out, nil
}

// Order reads an order's status (GET /v1/checkout/{orderId}).
func (s *Service) Order(ctx context.Context, orderID string) (wire.CheckoutResponse, error) {
	out, err := s.api.Order(ctx, orderID)
	if err != nil {
		return out, s.failed(err)
	}
	return out, nil
}

// SetAutoRenew stops (off) or restarts (on) the monthly renewal, then
// fetches the entitlement that reflects it.
func (s *Service) SetAutoRenew(ctx context.Context, on bool) error {
	var err error
	if on {
		_, err = s.api.ResumeRenewal(ctx)
	} else {
		_, err = s.api.CancelRenewal(ctx)
	}
	if err != nil {
		return s.failed(err)
	}
	s.PlanChanged()
	return s.Refresh(ctx)
}
