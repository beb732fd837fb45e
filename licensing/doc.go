// Package licensing is the desktop app's side of accounts and plans (SPEC §5):
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
// network; they answer from memory and at most write the small state value
// to the keychain (Commit, SignOut, and Status every ten minutes of clock).
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
//	Call(ctx, method, path, body, out) error  any other authenticated route (checkout, cancel, resume)
//	Decide(policy.Request) policy.Decision    what a drop may convert now, what is queued, why
//	CanUseFormat(f) / CanUseFolders() / CanUseSchedules() / CanScan()   nil or a *policy.Refusal
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
// A conversion run therefore looks like:
//
//	d := lic.Decide(policy.Request{Format: "avif", IncludesDirs: true, Files: len(files)})
//	// show d.Refusals (Message + UpgradeTo); queue d.Queued files; d.AutoContinue for Pro
//	g, err := lic.Reserve(ctx, runID, d.Allowed)   // runID: a fresh uuid per run
//	// convert at most g.Granted files; g.Offline says the grant is local
//	lic.Commit(runID, written)
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
//   - licensing/policy: pure plan rules of SPEC §2.
//   - this package: the Service, entitlement checks (imageconverter/functions/entitlement),
//     the quota ledger (day = Asia/Seoul) and configuration.
package licensing
