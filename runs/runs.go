// Package runs turns a drop into conversions the plan allows: it converts
// what the plan allows now, keeps the rest queued for a later run, and
// settles the daily quota with what was really converted.
//
// It knows plans only through policy and the Account interface, and pixels
// only through converter; it knows nothing of the UI bridge: a Sink receives
// the run's progress and outcome, and the app maps them to its own events.
package runs

import (
	"context"
	"errors"
	"os"
	"sync"
	"time"

	"imageconverter/converter"
	"imageconverter/functions/wire"
	"imageconverter/licensing/policy"
	"imageconverter/scan"
	"imageconverter/uierr"
)

// Account is what a run needs from the account: the plan in force, the plan
// table (for refusals that name an upgrade) and the daily quota.
type Account interface {
	Entitlement(ctx context.Context) Entitlement
	Plans(ctx context.Context) policy.Plans
	// Reserve asks for n conversions for runID and returns how many were
	// granted (≤ n); Commit records how many were really used.
	Reserve(ctx context.Context, runID string, n int) (int, error)
	Commit(ctx context.Context, runID string, used int) error
}

// Entitlement is the plan in force now.
type Entitlement struct {
	PlanID    string
	Limits    wire.Limits
	Remaining *int // conversions left today; nil = unlimited
}

// Sink receives a run's events, always from the run's own goroutine, one
// call at a time.
type Sink interface {
	// File reports one finished file (converted, skipped, failed or cancelled).
	File(runID string, f converter.FileResult)
	// Progress reports the run as a whole: Done and Total count the run's
	// files, BytesIn and BytesOut its converted files so far.
	Progress(runID string, p converter.Progress)
	// Done closes the run; it comes after the quota is settled and after the
	// Manager accepts a new run, so the receiver may start one right away.
	Done(r Result)
	// Started reports a run the Manager started by itself: the files a drop
	// queued during the previous run (Request.QueueIfBusy).
	Started(s Started)
}

// Request is one drop: absolute, existing paths and the options the
// settings give. Options.Folders is set by the Manager from the paths.
type Request struct {
	Paths   []string
	Options converter.Options
	// OutputDir is where "open output folder" goes; "" picks the folder of
	// the first output.
	OutputDir string
	// QueueIfBusy: a drop during a run is planned and queued, and converted
	// when that run ends, without a Continue (a person dropped more photos).
	// Without it such a drop is refused with ErrBusy (a watched folder tries
	// again later).
	QueueIfBusy bool
	// Origin says who started the run, for the UI's label.
	Origin Origin
}

// Origin is who asked for a run: a person's drop or click (Kind ""), a
// watched folder (Kind "schedule", Folder set) or the computer scan.
type Origin struct {
	Kind   string
	Folder string
}

// Started answers Start and Continue. RunID is "" when nothing was
// started; Refusals then say why.
type Started struct {
	RunID    string
	Files    []string // sources this run converts, in order
	Queued   int      // files waiting for a later run, this drop's and earlier ones
	Refusals []policy.Refusal
	Nothing  string // a sentence when the drop held nothing to convert
	// Behind: the drop came during a run and waits for it; it converts when
	// that run ends, reported through Sink.Started.
	Behind bool
	Origin Origin
	// Bytes is the sources' total size; Saving the bytes the conversion is
	// expected to save, from the scan's table of typical ratios (the UI
	// refines it with the ratio of the files converted so far).
	Bytes  int64
	Saving int64
	// Done receives the run's Result once it has ended (and is then closed);
	// nil when no run started. Who started a run waits here for its outcome.
	Done <-chan Result
}

// Result closes a run.
type Result struct {
	RunID        string
	Summary      converter.Summary // the run's files plus those decided while planning
	Canceled     bool
	Queued       int  // files still waiting
	AutoContinue bool // files wait and the Manager converts them next by itself (Pro, or drops behind the run)
	OutputDir    string
	Origin       Origin
	RunErr       error // the run stopped early (the converter refused its options)
	SettleErr    error // the quota could not be settled now; the conversions happened
}

// Codes of the errors a run sends to the UI.
var (
	CodeBusy           = uierr.Declare("busy")
	CodeNothingQueued  = uierr.Declare("nothing_queued")
	CodeReadDropFailed = uierr.Declare("read_drop_failed")
	CodeQuotaCheck     = uierr.Declare("quota_check_failed")
	CodeStoppedEarly   = uierr.Declare("stopped_early")
)

// StoppedEarly is the sentence for a run that stopped before its end (the
// converter refused its options), "" for one that did not.
func (r Result) StoppedEarly() string {
	if r.RunErr == nil {
		return ""
	}
	return "The conversion stopped early: " + r.RunErr.Error()
}

var (
	// ErrBusy: one run at a time (the converter already uses every core).
	ErrBusy = uierr.New(CodeBusy, "A conversion is already running; wait for it to finish or cancel it.")
	// ErrNothingQueued: Continue with an empty queue.
	ErrNothingQueued = uierr.New(CodeNothingQueued, "There are no waiting files.")
)

// group is planned files that share options: one drop's remainder.
type group struct {
	tasks     []converter.Task
	opts      converter.Options
	dirs      bool
	fine      bool // asks for fine control (the options as given: planned ones always hold a quality)
	outputDir string
	origin    Origin
}

// Manager runs one conversion at a time and keeps the queue between runs.
type Manager struct {
	acc  Account
	sink Sink
	// Gate, when set, may refuse every new run with its error (the app is
	// older than the update manifest's minimum version). Set it before use.
	Gate func() error
	// plan walks a drop (converter.Plan; tests hold it to cancel mid-walk).
	plan func(ctx context.Context, paths []string, opts converter.Options) (*converter.Batch, error)

	mu      sync.Mutex
	running bool
	cancel  context.CancelFunc // stops the planning walk or the run; nil between them
	done    chan struct{}      // closed when the current run has ended
	queue   []group            // oldest drop first
	settle  *settlement        // the current run's quota, nil when it reserved none
	// follow is the context of a drop queued behind the running run; when
	// set, the run's end continues the queue by itself.
	follow context.Context
}

// settlement is a run's reservation and its running count of converted
// files, so the quota can be settled by Stop before the run returns.
type settlement struct {
	runID     string
	converted int
	settled   bool // Commit was called (by the run or by Stop): never twice
}

// New returns a Manager that asks acc and reports to sink.
func New(acc Account, sink Sink) *Manager {
	return &Manager{acc: acc, sink: sink, plan: converter.Plan}
}

// Start plans req and converts what the plan allows in the background; the
// rest joins the queue. A format or folder the plan does not include is
// refused before anything is walked. Files already waiting stay queued; a
// path dropped again is queued once, with this drop's settings. Cancelling
// while the drop is walked gives an empty Started and no error.
func (m *Manager) Start(ctx context.Context, req Request) (Started, error) {
	if err := m.gate(); err != nil {
		return Started{}, err
	}
	dirs := false
	for _, p := range req.Paths {
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			dirs = true
		}
	}
	opts := req.Options
	opts.Folders = dirs

	ent := m.acc.Entitlement(ctx)
	plans := m.acc.Plans(ctx)
	var refusals []policy.Refusal
	if r := policy.Format(ent.Limits, plans, opts.Format); r != nil {
		refusals = append(refusals, *r)
	}
	if dirs {
		if r := policy.Folders(ent.Limits, plans); r != nil {
			refusals = append(refusals, *r)
		}
	}
	// A numeric quality, lossless or a target size on a plan without them is refused, not quietly
	// converted with a preset: the files would not be what the user chose.
	if opts.FineControl() {
		if r := policy.Fine(ent.Limits, plans); r != nil {
			refusals = append(refusals, *r)
		}
	}
	if len(refusals) > 0 { // the files already waiting stay queued
		return Started{Refusals: refusals, Queued: m.Queued()}, nil
	}

	// The run's context derives from this one, so Cancel is heard from the
	// walk through the quota check to the last file; launch owns cancelPlan.
	planCtx, cancelPlan := context.WithCancel(ctx)
	if !m.claim(cancelPlan) {
		cancelPlan()
		if req.QueueIfBusy {
			return m.queueBehind(ctx, req, opts, dirs)
		}
		return Started{}, ErrBusy
	}
	// Walking a big folder takes a while; Cancel stops it too.
	batch, err := m.plan(planCtx, req.Paths, opts)
	if err != nil {
		cancelPlan()
		m.release()
		if planCtx.Err() != nil && ctx.Err() == nil {
			return Started{}, nil // cancelled by the user: nothing started, nothing to say
		}
		return Started{}, uierr.With(CodeReadDropFailed, "Could not read the dropped files.", "", err)
	}
	g := group{tasks: batch.Tasks, opts: batch.Options, dirs: dirs, fine: opts.FineControl(), outputDir: req.OutputDir, origin: req.Origin}
	return m.launch(ctx, planCtx, cancelPlan, []group{g}, batch)
}

// Continue converts the next waiting files, oldest drop first.
func (m *Manager) Continue(ctx context.Context) (Started, error) {
	if err := m.gate(); err != nil {
		return Started{}, err
	}
	m.mu.Lock()
	if len(m.queue) == 0 {
		m.mu.Unlock()
		return Started{}, ErrNothingQueued
	}
	if m.running {
		m.mu.Unlock()
		return Started{}, ErrBusy
	}
	base := ctx
	ctx, cancel := context.WithCancel(ctx)
	m.running, m.cancel = true, cancel
	q := m.queue
	m.queue = nil
	m.mu.Unlock()
	return m.launch(base, ctx, cancel, q, nil)
}

func (m *Manager) gate() error {
	if m.Gate == nil {
		return nil
	}
	return m.Gate()
}

// Cancel stops the walk or the run in progress; it reports whether there
// was one. Files in flight are discarded, never left half-written.
func (m *Manager) Cancel() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.running || m.cancel == nil {
		return false
	}
	m.cancel()
	return true
}

// Wait blocks until the current run, if any, has ended.
func (m *Manager) Wait() {
	m.mu.Lock()
	done := m.done
	m.mu.Unlock()
	if done != nil {
		<-done
	}
}

// Busy reports whether a drop is being walked or a run goes.
func (m *Manager) Busy() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.running
}

// Queued is how many files wait for a later run.
func (m *Manager) Queued() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return count(m.queue)
}

// launch applies files-per-run and the daily quota to candidates (a new
// drop, or the queue), queues the rest after what already waits and starts
// the run. batch is the new drop's plan, nil when continuing the queue. The
// caller holds the run claim; launch releases it unless a run starts. ctx is
// the one Cancel stops (stop cancels it); the run runs under it. base is the
// caller's context, which a run the Manager continues by itself runs under.
func (m *Manager) launch(base, ctx context.Context, stop context.CancelFunc, candidates []group, batch *converter.Batch) (Started, error) {
	started := false
	defer func() {
		if !started {
			stop()
		}
	}()
	continuing := batch == nil
	ent := m.acc.Entitlement(ctx)
	req := policy.Request{Files: count(candidates), Remaining: ent.Remaining, ContinueQueue: continuing}
	for _, g := range candidates {
		req.IncludesDirs = req.IncludesDirs || g.dirs
		req.Fine = req.Fine || g.fine // the plan may have changed while they waited
	}
	if len(candidates) > 0 {
		req.Format = candidates[0].opts.Format
	}
	d := policy.Decide(ent.PlanID, ent.Limits, m.acc.Plans(ctx), req)
	out := Started{Refusals: d.Refusals}
	runID := newRunID()
	n := d.Allowed
	if n > 0 {
		granted, err := m.acc.Reserve(ctx, runID, n)
		if err != nil {
			if continuing { // the queue waits as it was; a new drop is simply not taken
				m.requeue(candidates)
			}
			m.release()
			if uierr.CodeOf(err) != "" {
				return Started{}, err // the account's own sentence (offline, signed out…)
			}
			return Started{}, uierr.With(CodeQuotaCheck, "Could not check today's conversions.", "", err)
		}
		if ctx.Err() != nil {
			// Cancelled while the quota was asked (a network call): give the
			// reservation back and start nothing; the queue stays as it was.
			_ = m.acc.Commit(context.WithoutCancel(ctx), runID, 0)
			if continuing {
				m.requeue(candidates)
			}
			m.release()
			return Started{Queued: m.Queued()}, nil
		}
		if granted < n {
			// The server knows of conversions this computer did not (another
			// computer's, or its clock's day): say so as the rule would have.
			req.Remaining = &granted
			d = policy.Decide(ent.PlanID, ent.Limits, m.acc.Plans(ctx), req)
			out.Refusals = d.Refusals
		}
		n = min(granted, n)
	}
	run, rest := split(candidates, n)
	if !continuing {
		m.mu.Lock()
		m.queue = without(m.queue, batch.Tasks)
		m.mu.Unlock()
	}
	m.requeue(rest)
	out.Queued = m.Queued()

	if n == 0 && (batch == nil || len(batch.Decided) == 0) {
		m.release()
		if batch != nil && len(batch.Tasks) == 0 {
			out.Nothing = batch.NothingToDo()
		}
		return out, nil
	}
	out.RunID = runID
	out.Origin = originOf(candidates)
	for _, g := range run {
		for _, t := range g.tasks {
			out.Files = append(out.Files, t.Src)
			out.Bytes += t.Size
			out.Saving += scan.Estimate(t.Format, g.opts.Format, t.Size)
		}
	}

	var st *settlement
	if n > 0 { // only a run that reserved conversions has something to settle
		st = &settlement{runID: runID}
	}
	done := make(chan struct{})
	result := make(chan Result, 1) // never blocks: nobody may be waiting
	out.Done = result
	m.mu.Lock()
	m.cancel, m.done, m.settle = stop, done, st
	m.mu.Unlock()
	started = true
	go func() {
		defer close(done)
		defer stop()
		res := m.convert(ctx, runID, run, batch)
		if st != nil {
			m.mu.Lock()
			first := !st.settled
			st.settled = true
			m.mu.Unlock()
			if first { // Stop may have settled it already
				res.SettleErr = m.acc.Commit(context.WithoutCancel(ctx), runID, res.Summary.Converted)
			}
		}
		res.Queued = m.Queued()
		res.AutoContinue = d.AutoContinue && res.Queued > 0
		res.OutputDir, res.Origin = outputDir(run), originOf(candidates)
		m.mu.Lock()
		follow := m.follow
		m.follow = nil
		m.mu.Unlock()
		// Pro continues its queue by itself.
		if follow == nil && res.AutoContinue {
			follow = base
		}
		// A cancelled run (or quitting) leaves the drops behind it waiting
		// for Continue rather than starting them.
		if res.Canceled {
			follow = nil
		}
		res.AutoContinue = follow != nil && res.Queued > 0
		m.release()
		m.sink.Done(res)
		result <- res
		close(result)
		if follow != nil {
			m.continueBehind(follow)
		}
	}()
	return out, nil
}

// convert runs each group in turn and reports progress for the run as a
// whole; the files decided while planning belong to its summary too.
func (m *Manager) convert(ctx context.Context, runID string, run []group, batch *converter.Batch) Result {
	total := count(run)
	var sum converter.Summary
	var runErr error
	for _, g := range run {
		before := sum
		s, err := converter.Run(ctx, g.tasks, g.opts, func(p converter.Progress) {
			for _, f := range p.Files {
				if f.Status == converter.StatusConverted {
					m.countConverted()
				}
				m.sink.File(runID, f)
			}
			p.Done += before.Converted + before.Skipped + before.Failed + before.Cancelled
			p.Total = total
			p.BytesIn += before.BytesIn
			p.BytesOut += before.BytesOut
			p.Files = nil
			m.sink.Progress(runID, p)
		})
		if err != nil && runErr == nil && !errors.Is(err, context.Canceled) {
			runErr = err
		}
		sum = converter.Merge(sum, s)
	}
	if batch != nil {
		sum = converter.Merge(sum, batch.Summary())
		if total == 0 {
			for _, f := range batch.Decided {
				m.sink.File(runID, f)
			}
		}
	}
	return Result{RunID: runID, Summary: sum, Canceled: ctx.Err() != nil, RunErr: runErr}
}

// queueBehind plans a drop that came during a run and queues it, to be
// converted when that run ends.
func (m *Manager) queueBehind(ctx context.Context, req Request, opts converter.Options, dirs bool) (Started, error) {
	batch, err := m.plan(ctx, req.Paths, opts)
	if err != nil {
		return Started{}, uierr.With(CodeReadDropFailed, "Could not read the dropped files.", "", err)
	}
	g := group{tasks: batch.Tasks, opts: batch.Options, dirs: dirs, fine: opts.FineControl(), outputDir: req.OutputDir, origin: req.Origin}
	m.mu.Lock()
	m.queue = append(without(m.queue, batch.Tasks), g)
	m.queue = without(m.queue, nil) // drop an empty group (nothing to convert)
	running := m.running
	if running {
		m.follow = ctx
	}
	queued := count(m.queue)
	m.mu.Unlock()
	if !running { // the run ended while this drop was walked
		go m.continueBehind(ctx)
	}
	st := Started{Queued: queued, Behind: true}
	if len(batch.Tasks) == 0 {
		st.Nothing = batch.NothingToDo()
	}
	return st, nil
}

// continueBehind starts the run for drops queued behind the one that ended
// and reports it; a drop that claimed the Manager first leaves the queue
// waiting for Continue, as does a refusal.
func (m *Manager) continueBehind(ctx context.Context) {
	if ctx.Err() != nil {
		return
	}
	st, err := m.Continue(ctx)
	if err == nil && (st.RunID != "" || len(st.Refusals) > 0) {
		m.sink.Started(st)
	}
}

// countConverted adds one to the running count Stop settles with.
func (m *Manager) countConverted() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.settle != nil {
		m.settle.converted++
	}
}

// Stop is for quitting: it cancels the walk or run in progress and waits up
// to timeout for it to end. A run still going then (a huge image in flight)
// has its quota settled here with the files converted so far, since the
// process is about to exit and the run's own Commit would never happen; an
// unsettled reservation would count in full. Stop reports whether the run
// ended in time.
func (m *Manager) Stop(timeout time.Duration) bool {
	m.Cancel()
	m.mu.Lock()
	done, st := m.done, m.settle
	m.mu.Unlock()
	if done == nil {
		return true
	}
	select {
	case <-done:
		return true
	case <-time.After(timeout):
	}
	if st == nil {
		return false
	}
	m.mu.Lock()
	first, used := !st.settled, st.converted
	st.settled = true
	m.mu.Unlock()
	if first {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		_ = m.acc.Commit(ctx, st.runID, used)
	}
	return false
}

// claim marks a run as started; false when one is already running.
func (m *Manager) claim(cancel context.CancelFunc) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.running {
		return false
	}
	m.running, m.cancel = true, cancel
	return true
}

func (m *Manager) release() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.running, m.cancel = false, nil
}
