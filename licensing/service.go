package licensing

import (
	"context"
	"encoding/json"
	"errors"
	"imageconverter/functions/entitlement"
	"imageconverter/licensing/apiclient"
	"imageconverter/licensing/deviceid"
	"imageconverter/licensing/firebaseauth"
	"imageconverter/licensing/policy"
	"imageconverter/licensing/secrets"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"
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
// the server, else the built-in table.
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
	fresh := len(s.st.Plans) > 0 && s.now().Sub(s.st.PlansAt) < refreshAfter && s.st.PlansBy == s.cfg.AppVersion
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
	s.st.Plans, s.st.PlansAt, s.st.PlansBy = resp.Plans, s.now(), s.cfg.AppVersion
	return s.plans, s.save()
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

const (
	clockTolerance = 5 * time.Minute // NTP corrections are not "setting the clock back"
	refreshAfter   = 24 * time.Hour  // refresh the entitlement when older than a day
	sessionKey     = "session"       // keychain item of sessionPart
	entitlementKey = "entitlement"   // keychain item of entitlementPart
	localKey       = "local"         // key of localPart in the state file
)
