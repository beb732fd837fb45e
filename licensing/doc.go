// Package licensing is the desktop app's side of accounts and plans:
// Firebase sign-in, the signed offline entitlement, the daily quota and the
// plan policy. It knows nothing of pixels; app.go asks it what is allowed and
// then asks the converter to do it.
//
// # For the app (app.go / main.go)
//
// Build one Service at start-up and keep it:
//
//	cfg, err := licensing.LoadConfig("")           // file + environment; defaults to the local stack
//	lic, err := licensing.New(licensing.Options{Config: cfg})
//	go lic.EnsureFresh(ctx)                          // refresh the entitlement if older than a day
//
// Methods that take a context may use the network (Firebase Auth or the
// functions API): call them from a goroutine or a bound method, never from a
// UI callback that must return at once. API calls time out after 15 s per
// attempt and retry at most 3 times; Reserve gives the network 10 s in all
// (Options.OnlineBudget) and then grants from the local ledger as if offline. Methods without a context never use the
// network; Status and Plans answer from memory only, while Commit, SignOut and
// RecordTime write the small state value to the keychain.
//
//	SignUp(ctx, email, pw) (Status, error)   create an account, sign in, fetch the entitlement
//	SignIn(ctx, email, pw) (Status, error)   sign in, fetch the entitlement
//	SignOut() error                           forget the account on this computer (free plan)
//	ResetPassword(ctx, email) error           email a reset link
//	Status() Status                           plan, reason, usage today, remaining, grace days, storage warning
//	Refresh(ctx) error                        fetch the entitlement now ("Refresh" button, after a purchase)
//	EnsureFresh(ctx) error                    fetch it only when stale (start-up, window focus)
//	PlanChanged()                             mark it stale after checkout/cancel/resume
//	Plans() / FetchPlans(ctx)                 the plans table (built in; fetched at most daily for the plans screen)
//	Devices(ctx) / RemoveDevice(ctx, id)      the account's computers (Current marks this one)
//	Checkout(ctx, req) / Order(ctx, id)        an order for a plan, and its status while it is paid
//	SetAutoRenew(ctx, on) error               stop or restart the monthly renewal
//	CheckConnection(ctx) bool                 can the service be reached (TCP only; keeps Status().Offline true)
//	RecordTime() error                        write the latest time seen (clock set back while closed)
//	Reserve(ctx, runID, n) (Grant, error)     before a run: conversions granted (day block, server, or ledger offline)
//	Commit(runID, written) error              after a run: files actually written (no network)
//
// Reserve rarely calls the server: on a plan with a daily limit the day's
// runs draw locally from a block (at least the plan's files per run), which
// the day's refresh reserves in the same call (POST /v1/entitlement), or the
// first run's own call when no refresh is due; on a plan without one (Pro)
// runs are counted locally. Unused block rests and local counts reach the
// server with the next refresh, which carries them (docs/licensing.md,
// "Quota"). About one call per day of use.
//
// What a drop may convert is the pure rule of package policy applied to
// Status().Limits (package runs does it); a conversion run then does:
//
//	g, err := lic.Reserve(ctx, runID, allowed)   // runID: a fresh id per run
//	// convert at most g.Granted files; g.Offline says the grant is local
//	lic.Commit(runID, written)
//
// The effective plan is one pure rule (effectivePlan in effective.go): the
// entitlement's plan applies only when it is this user's, for this computer,
// signed by a trusted key, unexpired, within its paid period, of a known
// plan, with the usage record intact and the clock not set back.
//
// Errors a person may see are *Error with a stable Code for the UI to
// translate and an English Message; device_limit errors carry the device
// list. Status.Reason says why the effective plan is Free although signed in
// (expired offline grace, clock set back, tampered or foreign entitlement...),
// with ReasonMessage. docs/licensing.md lists every code.
//
// # Pieces
//
//   - licensing/firebaseauth: Firebase Auth REST (sign up/in, reset, token refresh), emulator aware.
//   - licensing/secrets: OS keychain via go-keyring, or a 0600 file when there is none.
//   - licensing/deviceid: app-specific hash of the machine id.
//   - licensing/apiclient: the functions API with bearer token, 401 refresh, bounded retries.
//   - licensing/policy: the pure plan rules (formats, folders, files per run, daily limit).
//   - this package, by concern: service.go (Options, New, plans), state.go (what is saved where),
//     session.go (sign-in), refresh.go (the entitlement), trust.go (keys), status.go and
//     effective.go (the plan in force), quota.go, ledger.go and guard.go (conversions counted),
//     anon.go (signed-out use), connection.go, account.go (devices, orders, renewal), config.go.
package licensing
