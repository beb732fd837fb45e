package runs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"imageconverter/converter"
	"imageconverter/functions/wire"
	"imageconverter/licensing/policy"
)

// quota is an in-memory account: a plan's limits, a daily count, and an
// optional cap on what Reserve grants (the server may grant less than asked
// when another device used conversions meanwhile).
type quota struct {
	mu        sync.Mutex
	plan      string
	limits    wire.Limits
	used      int
	grantCap  int    // > 0: Reserve grants at most this many
	noneLeft  bool   // Reserve grants nothing (the server's count is ahead of this computer's)
	fail      error  // Reserve answers this when set (the account service is unreachable)
	onReserve func() // runs inside Reserve (a slow network call the user cancels meanwhile)
	reserved  []int
	commits   []int
}

var _ Account = (*quota)(nil)

func newQuota(planID string) *quota {
	return &quota{plan: planID, limits: policy.DefaultPlans.Lookup(planID).Limits()}
}

func (q *quota) Entitlement(context.Context) Entitlement {
	q.mu.Lock()
	defer q.mu.Unlock()
	e := Entitlement{PlanID: q.plan, Limits: q.limits}
	if q.limits.DailyLimit != nil {
		left := max(*q.limits.DailyLimit-q.used, 0)
		e.Remaining = &left
	}
	return e
}

func (q *quota) Plans(context.Context) policy.Plans { return policy.DefaultPlans }

func (q *quota) Reserve(_ context.Context, _ string, n int) (int, error) {
	if q.onReserve != nil {
		q.onReserve()
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.fail != nil {
		return 0, q.fail
	}
	q.reserved = append(q.reserved, n)
	if q.noneLeft {
		n = 0
	}
	if q.grantCap > 0 {
		n = min(n, q.grantCap)
	}
	return n, nil
}

func (q *quota) Commit(_ context.Context, _ string, used int) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.used += used
	q.commits = append(q.commits, used)
	return nil
}

func (q *quota) settled() (reserved, commits []int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]int(nil), q.reserved...), append([]int(nil), q.commits...)
}

// sink records a run's events. onFile, when set, runs inside File (on the
// run's goroutine) so a test can act at a precise point of the run.
type sink struct {
	mu       sync.Mutex
	files    map[string][]converter.FileResult // by run id
	progress map[string][]converter.Progress
	done     []Result
	started  []Started
	onFile   func(converter.FileResult)
}

func newSink() *sink {
	return &sink{files: map[string][]converter.FileResult{}, progress: map[string][]converter.Progress{}}
}

func (s *sink) File(runID string, f converter.FileResult) {
	s.mu.Lock()
	s.files[runID] = append(s.files[runID], f)
	hook := s.onFile
	s.mu.Unlock()
	if hook != nil {
		hook(f)
	}
}

func (s *sink) Progress(runID string, p converter.Progress) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.progress[runID] = append(s.progress[runID], p)
}

func (s *sink) Started(st Started) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.started = append(s.started, st)
}

// startedRun waits for the next run the Manager starts by itself.
func (s *sink) startedRun(t *testing.T) Started {
	t.Helper()
	for range 2000 {
		s.mu.Lock()
		if len(s.started) > 0 {
			st := s.started[0]
			s.started = s.started[1:]
			s.mu.Unlock()
			return st
		}
		s.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("no run was started by the Manager within 20 s")
	return Started{}
}

func (s *sink) Done(r Result) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.done = append(s.done, r)
}

// result waits for the run and returns its one Result.
func (s *sink) result(t *testing.T, m *Manager, runID string) Result {
	t.Helper()
	finished := make(chan struct{})
	go func() { m.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(2 * time.Minute):
		t.Fatal("the run did not finish within 2 minutes")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var found []Result
	for _, r := range s.done {
		if r.RunID == runID {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one Done for %s, got %d", runID, len(found))
	}
	return found[0]
}

// photos copies a real photo from the converter's corpus n times into dir,
// named prefix1.jpg, prefix2.jpg, ...
func photos(t *testing.T, dir, prefix string, n int) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "converter", "testdata", "jpeg_photo.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := 1; i <= n; i++ {
		p := filepath.Join(dir, fmt.Sprintf("%s%02d.jpg", prefix, i))
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// options converts every file (a WebP of a small JPEG may come out larger;
// these tests count conversions, not savings).
func options(format string) converter.Options {
	o := converter.DefaultOptions()
	o.Format = format
	o.SkipIfLarger = false
	return o
}

func output(src, format string) string {
	return strings.TrimSuffix(src, filepath.Ext(src)) + "." + format
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

func refusalCodes(rs []policy.Refusal) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Code)
	}
	return out
}

func TestRunConvertsAndReportsProgress(t *testing.T) {
	q, s := newQuota(wire.PlanPro), newSink()
	m := New(q, s)
	dir := filepath.Join(t.TempDir(), "album")
	srcs := photos(t, dir, "p", 3)
	st, err := m.Start(context.Background(), Request{Paths: []string{dir}, Options: options("webp")})
	if err != nil {
		t.Fatal(err)
	}
	if st.RunID == "" || len(st.Files) != 3 || st.Queued != 0 || len(st.Refusals) != 0 {
		t.Fatalf("Started = %+v, want 3 files and nothing queued", st)
	}
	r := s.result(t, m, st.RunID)
	if r.Summary.Converted != 3 || r.Canceled || r.RunErr != nil || r.SettleErr != nil || r.OutputDir != dir {
		t.Fatalf("result = %+v, want 3 converted into %s", r, dir)
	}
	for _, p := range srcs {
		if !exists(output(p, "webp")) {
			t.Errorf("no output for %s", p)
		}
	}
	if res, com := q.settled(); fmt.Sprint(res, com) != "[3] [3]" {
		t.Errorf("reserved %v, committed %v; want [3] [3]", res, com)
	}
	if got := len(s.files[st.RunID]); got != 3 {
		t.Errorf("%d file events, want 3", got)
	}
	ps := s.progress[st.RunID]
	if len(ps) == 0 || ps[len(ps)-1].Done != 3 || ps[len(ps)-1].Total != 3 {
		t.Errorf("last progress %+v, want 3 of 3", ps)
	}
}

func TestOneRunAtATime(t *testing.T) {
	q, s := newQuota(wire.PlanPro), newSink()
	m := New(q, s)
	srcs := photos(t, t.TempDir(), "p", 4)
	// Hold the run on its first finished file, so it is surely still going.
	gate, inside := make(chan struct{}), make(chan struct{}, 1)
	s.onFile = func(converter.FileResult) {
		select {
		case inside <- struct{}{}:
			<-gate
		default:
		}
	}
	st, err := m.Start(context.Background(), Request{Paths: srcs, Options: options("webp")})
	if err != nil {
		t.Fatal(err)
	}
	<-inside
	if _, err := m.Start(context.Background(), Request{Paths: srcs[:1], Options: options("webp")}); !errors.Is(err, ErrBusy) {
		t.Errorf("second Start: %v, want ErrBusy", err)
	}
	close(gate)
	if r := s.result(t, m, st.RunID); r.Summary.Converted != 4 {
		t.Fatalf("result %+v", r)
	}
	if _, err := m.Continue(context.Background()); !errors.Is(err, ErrNothingQueued) {
		t.Errorf("Continue with nothing queued: %v", err)
	}
	// After the run a new one is taken; everything is up to date now.
	st2, err := m.Start(context.Background(), Request{Paths: srcs, Options: options("webp")})
	if err != nil {
		t.Fatalf("Start after the run: %v", err)
	}
	if r := s.result(t, m, st2.RunID); r.Summary.Skipped != 4 || r.Summary.Converted != 0 {
		t.Errorf("second run %+v, want 4 skipped as up to date", r.Summary)
	}
}

func TestFilesPerRunQueueTheRestUntilContinued(t *testing.T) {
	q, s := newQuota(wire.PlanFree), newSink() // 1 file per run, 5 a day
	m := New(q, s)
	srcs := photos(t, t.TempDir(), "p", 3)
	st, err := m.Start(context.Background(), Request{Paths: srcs, Options: options("webp")})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Files) != 1 || st.Files[0] != srcs[0] || st.Queued != 2 || fmt.Sprint(refusalCodes(st.Refusals)) != "[files_per_run]" {
		t.Fatalf("Started = %+v, want %s now, 2 queued, a files_per_run refusal", st, srcs[0])
	}
	if r := s.result(t, m, st.RunID); r.Summary.Converted != 1 || r.Queued != 2 || r.AutoContinue {
		t.Fatalf("result %+v, want 1 converted, 2 queued, no auto-continue on Free", r)
	}
	if exists(output(srcs[1], "webp")) {
		t.Fatal("a queued file was converted before Continue")
	}
	// A refused drop meanwhile (AVIF on Free) leaves the waiting files alone.
	if st, err := m.Start(context.Background(), Request{Paths: srcs[:1], Options: options("avif")}); err != nil || st.RunID != "" || st.Queued != 2 {
		t.Fatalf("refused drop: %+v, %v; want no run and the 2 files still queued", st, err)
	}
	for i := 1; i <= 2; i++ {
		st, err := m.Continue(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Files) != 1 || st.Files[0] != srcs[i] || st.Queued != 2-i {
			t.Fatalf("continue %d: %+v, want %s with %d left", i, st, srcs[i], 2-i)
		}
		if r := s.result(t, m, st.RunID); r.Summary.Converted != 1 || r.Queued != 2-i {
			t.Fatalf("continue %d: %+v", i, r)
		}
	}
	if _, err := m.Continue(context.Background()); !errors.Is(err, ErrNothingQueued) {
		t.Errorf("Continue on an empty queue: %v", err)
	}
	if res, com := q.settled(); fmt.Sprint(res, com) != "[1 1 1] [1 1 1]" {
		t.Errorf("reserved %v, committed %v", res, com)
	}
}

func TestDailyLimitKeepsFilesQueued(t *testing.T) {
	q, s := newQuota(wire.PlanBasic), newSink() // 10 per run, 50 a day
	q.used = 48
	m := New(q, s)
	srcs := photos(t, t.TempDir(), "p", 5)
	st, err := m.Start(context.Background(), Request{Paths: srcs, Options: options("avif")})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Files) != 2 || st.Queued != 3 || fmt.Sprint(refusalCodes(st.Refusals)) != "[daily_limit_reached]" {
		t.Fatalf("Started = %+v, want 2 now and 3 waiting for tomorrow", st)
	}
	s.result(t, m, st.RunID)
	st, err = m.Continue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.RunID != "" || st.Queued != 3 || fmt.Sprint(refusalCodes(st.Refusals)) != "[daily_limit_reached]" {
		t.Fatalf("Continue with no conversions left: %+v, want nothing started, 3 still queued", st)
	}
	if m.Queued() != 3 {
		t.Errorf("queue holds %d, want 3", m.Queued())
	}
}

func TestProContinuesByItself(t *testing.T) {
	q, s := newQuota(wire.PlanPro), newSink()
	q.limits.BatchSize = 2 // the admin may change limits; Pro's auto-continue keys on the plan id
	m := New(q, s)
	srcs := photos(t, t.TempDir(), "p", 5)
	st, err := m.Start(context.Background(), Request{Paths: srcs, Options: options("webp")})
	if err != nil {
		t.Fatal(err)
	}
	// Nobody calls Continue: each run's end starts the next, announced as Started.
	runs := 0
	for {
		runs++
		r := <-st.Done // the run's own completion handle
		if r.RunID != st.RunID || r.Summary.Converted != len(st.Files) {
			t.Fatalf("run %d: %+v for %+v", runs, r, st)
		}
		if !r.AutoContinue {
			if r.Queued != 0 {
				t.Fatalf("run %d stopped auto-continuing with %d queued", runs, r.Queued)
			}
			break
		}
		st = s.startedRun(t)
	}
	if runs != 3 {
		t.Errorf("%d runs, want 3 (2+2+1)", runs)
	}
	for _, p := range srcs {
		if !exists(output(p, "webp")) {
			t.Errorf("no output for %s", p)
		}
	}
}

// When the server grants nothing though this computer thought some were
// left, the person is told why nothing started (daily limit, and the plan
// that has more), never silence.
func TestServerGrantsNothingSaysWhy(t *testing.T) {
	q, s := newQuota(wire.PlanFree), newSink()
	m := New(q, s)
	srcs := photos(t, t.TempDir(), "p", 1)
	q.noneLeft = true // used up on another computer since the last refresh
	st, err := m.Start(context.Background(), Request{Paths: srcs, Options: options("webp")})
	if err != nil {
		t.Fatal(err)
	}
	if st.RunID != "" || st.Queued != 1 || len(st.Refusals) != 1 || st.Refusals[0].Code != policy.CodeDailyLimit ||
		st.Refusals[0].UpgradeTo != wire.PlanBasic {
		t.Fatalf("Started = %+v, want nothing started, 1 queued and the daily-limit refusal naming Basic", st)
	}
	st, err = m.Continue(context.Background())
	if err != nil || st.RunID != "" || len(st.Refusals) != 1 || st.Refusals[0].Code != policy.CodeDailyLimit {
		t.Fatalf("Continue = %+v, %v; want the daily-limit refusal again", st, err)
	}
}

func TestQuotaGrantedLessThanAsked(t *testing.T) {
	q, s := newQuota(wire.PlanBasic), newSink()
	q.grantCap = 2 // another computer used conversions since the last refresh
	m := New(q, s)
	srcs := photos(t, t.TempDir(), "p", 4)
	st, err := m.Start(context.Background(), Request{Paths: srcs, Options: options("webp")})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Files) != 2 || st.Queued != 2 {
		t.Fatalf("Started = %+v, want the 2 granted now and 2 queued", st)
	}
	r := s.result(t, m, st.RunID)
	if r.Summary.Converted != 2 || r.Queued != 2 {
		t.Fatalf("result %+v", r)
	}
	if exists(output(srcs[2], "webp")) || exists(output(srcs[3], "webp")) {
		t.Error("files beyond the grant were converted")
	}
	if res, com := q.settled(); fmt.Sprint(res, com) != "[4] [2]" {
		t.Errorf("reserved %v, committed %v; want 4 asked, 2 settled", res, com)
	}
}

func TestCancelMidRunSettlesOnlyWhatWasConverted(t *testing.T) {
	q, s := newQuota(wire.PlanPro), newSink()
	m := New(q, s)
	dir := filepath.Join(t.TempDir(), "many")
	photos(t, dir, "p", 40)
	var once sync.Once
	s.onFile = func(converter.FileResult) {
		once.Do(func() {
			if !m.Cancel() {
				t.Error("Cancel during the run said nothing was running")
			}
		})
	}
	opts := options("webp")
	opts.Workers = 1 // one file in flight: the cancel lands early in the run
	st, err := m.Start(context.Background(), Request{Paths: []string{dir}, Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	r := s.result(t, m, st.RunID)
	if !r.Canceled || r.Summary.Converted == 0 || r.Summary.Converted >= 40 {
		t.Fatalf("result %+v, want cancelled with some but not all converted", r.Summary)
	}
	entries, _ := os.ReadDir(dir)
	webp := 0
	for _, e := range entries {
		switch {
		case strings.HasPrefix(e.Name(), ".ic-tmp"):
			t.Errorf("temporary file left behind: %s", e.Name())
		case strings.HasSuffix(e.Name(), ".webp"):
			webp++
		}
	}
	if webp != r.Summary.Converted {
		t.Errorf("%d outputs on disk, %d converted", webp, r.Summary.Converted)
	}
	if res, com := q.settled(); fmt.Sprint(res) != "[40]" || fmt.Sprint(com) != fmt.Sprint([]int{r.Summary.Converted}) {
		t.Errorf("reserved %v, committed %v; want 40 reserved, %d settled", res, com, r.Summary.Converted)
	}
	if m.Cancel() {
		t.Error("Cancel after the run said a run was stopped")
	}
}

func TestRefusedFormatOrFolderIsNotWalked(t *testing.T) {
	q, s := newQuota(wire.PlanFree), newSink()
	m := New(q, s)
	dir := filepath.Join(t.TempDir(), "album")
	srcs := photos(t, dir, "p", 2)
	// A cancelled context: had Start walked the drop, it would come back
	// empty instead of with the refusal.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cases := []struct {
		name  string
		req   Request
		codes string
	}{
		{"folder", Request{Paths: []string{dir}, Options: options("webp")}, "[folders_not_in_plan]"},
		{"avif", Request{Paths: srcs, Options: options("avif")}, "[format_not_in_plan]"},
		{"both", Request{Paths: []string{dir}, Options: options("avif")}, "[format_not_in_plan folders_not_in_plan]"},
	}
	for _, c := range cases {
		st, err := m.Start(ctx, c.req)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if st.RunID != "" || fmt.Sprint(refusalCodes(st.Refusals)) != c.codes || st.Refusals[0].UpgradeTo != wire.PlanBasic {
			t.Errorf("%s: %+v, want refusals %s naming Basic", c.name, st, c.codes)
		}
	}
	if res, _ := q.settled(); len(res) != 0 || len(s.done) != 0 || m.Queued() != 0 {
		t.Errorf("a refused drop reserved %v, finished %d runs, queued %d", res, len(s.done), m.Queued())
	}
}

func TestNewDropKeepsWaitingFiles(t *testing.T) {
	q, s := newQuota(wire.PlanBasic), newSink()
	q.limits.BatchSize = 2
	m := New(q, s)
	base := t.TempDir()
	a := photos(t, filepath.Join(base, "a"), "a", 3)
	b := photos(t, filepath.Join(base, "b"), "b", 3)

	st, err := m.Start(context.Background(), Request{Paths: a, Options: options("webp")})
	if err != nil {
		t.Fatal(err)
	}
	s.result(t, m, st.RunID)
	if m.Queued() != 1 {
		t.Fatalf("queue %d after the first drop, want a3", m.Queued())
	}
	// A second drop, in another format, while a3 waits: b1 and b2 convert,
	// b3 joins a3 in the queue.
	st, err = m.Start(context.Background(), Request{Paths: b, Options: options("avif")})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(st.Files) != fmt.Sprint(b[:2]) || st.Queued != 2 {
		t.Fatalf("second drop: %+v, want b1 b2 now and 2 waiting (a3, b3)", st)
	}
	s.result(t, m, st.RunID)
	// One Continue takes the oldest first, each with its own drop's format.
	st, err = m.Continue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(st.Files) != fmt.Sprint([]string{a[2], b[2]}) || st.Queued != 0 {
		t.Fatalf("continue: %+v, want a3 then b3", st)
	}
	r := s.result(t, m, st.RunID)
	if r.Summary.Converted != 2 {
		t.Fatalf("continue converted %+v", r.Summary)
	}
	if ps := s.progress[st.RunID]; ps[len(ps)-1].Done != 2 || ps[len(ps)-1].Total != 2 {
		t.Errorf("last progress %+v, want 2 of 2 across both drops", ps[len(ps)-1])
	}
	for _, p := range a {
		if !exists(output(p, "webp")) || exists(output(p, "avif")) {
			t.Errorf("%s: want a WebP only", p)
		}
	}
	for _, p := range b {
		if !exists(output(p, "avif")) || exists(output(p, "webp")) {
			t.Errorf("%s: want an AVIF only", p)
		}
	}
}

func TestDroppingAWaitingFileAgainQueuesItOnce(t *testing.T) {
	q, s := newQuota(wire.PlanFree), newSink()
	m := New(q, s)
	srcs := photos(t, t.TempDir(), "p", 3)
	st, err := m.Start(context.Background(), Request{Paths: srcs, Options: options("webp")})
	if err != nil {
		t.Fatal(err)
	}
	s.result(t, m, st.RunID) // p1 converted; p2, p3 wait
	// p3 dropped again: it converts now and leaves the queue; p2 still waits.
	st, err = m.Start(context.Background(), Request{Paths: srcs[2:], Options: options("webp")})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(st.Files) != fmt.Sprint(srcs[2:]) || st.Queued != 1 {
		t.Fatalf("re-drop: %+v, want p3 now and p2 still waiting", st)
	}
	s.result(t, m, st.RunID)
	st, err = m.Continue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(st.Files) != fmt.Sprint(srcs[1:2]) || st.Queued != 0 {
		t.Fatalf("continue: %+v, want p2 alone", st)
	}
	s.result(t, m, st.RunID)
	converted := map[string]int{}
	for _, fs := range s.files {
		for _, f := range fs {
			if f.Status == converter.StatusConverted {
				converted[f.Src]++
			}
		}
	}
	for _, p := range srcs {
		if converted[p] != 1 {
			t.Errorf("%s converted %d times, want once", p, converted[p])
		}
	}
}

func TestQuotaErrorKeepsTheQueue(t *testing.T) {
	q, s := newQuota(wire.PlanFree), newSink()
	m := New(q, s)
	srcs := photos(t, t.TempDir(), "p", 3)
	st, err := m.Start(context.Background(), Request{Paths: srcs, Options: options("webp")})
	if err != nil {
		t.Fatal(err)
	}
	s.result(t, m, st.RunID)
	q.mu.Lock()
	q.fail = errors.New("no connection")
	q.mu.Unlock()
	if _, err := m.Continue(context.Background()); err == nil || !strings.Contains(err.Error(), "today's conversions") || !strings.Contains(err.Error(), "no connection") {
		t.Fatalf("Continue with the account unreachable: %v", err)
	}
	fresh := photos(t, t.TempDir(), "new", 1)
	if _, err := m.Start(context.Background(), Request{Paths: fresh, Options: options("webp")}); err == nil {
		t.Fatal("Start with the account unreachable did not fail")
	}
	if m.Queued() != 2 {
		t.Fatalf("queue holds %d after the failures, want the 2 waiting files (a drop that could not start is not queued)", m.Queued())
	}
	q.mu.Lock()
	q.fail = nil
	q.mu.Unlock()
	st, err = m.Continue(context.Background()) // not left claimed by the failures
	if err != nil || len(st.Files) != 1 || st.Files[0] != srcs[1] {
		t.Fatalf("Continue once the account answers: %+v, %v", st, err)
	}
	s.result(t, m, st.RunID)
}

func TestCancelDuringTheQuotaCheckStartsNothing(t *testing.T) {
	q, s := newQuota(wire.PlanPro), newSink()
	m := New(q, s)
	srcs := photos(t, t.TempDir(), "p", 3)
	q.onReserve = func() {
		if !m.Cancel() {
			t.Error("Cancel during the quota check said nothing was running")
		}
	}
	st, err := m.Start(context.Background(), Request{Paths: srcs, Options: options("webp")})
	if err != nil {
		t.Fatal(err)
	}
	if st.RunID != "" || len(st.Files) != 0 {
		t.Fatalf("Started = %+v, want nothing started after the cancel", st)
	}
	m.Wait()
	for _, p := range srcs {
		if exists(output(p, "webp")) {
			t.Errorf("%s was converted after the cancel", p)
		}
	}
	if res, com := q.settled(); fmt.Sprint(res, com) != "[3] [0]" {
		t.Errorf("reserved %v, committed %v; want the reservation given back: [3] [0]", res, com)
	}
	if len(s.done) != 0 {
		t.Errorf("Done sent for a run that never started: %+v", s.done)
	}
	// The manager is free again, and a later Continue-cancel keeps the queue.
	q.onReserve = nil
	st, err = m.Start(context.Background(), Request{Paths: srcs[:1], Options: options("webp")})
	if err != nil || st.RunID == "" {
		t.Fatalf("Start after the cancelled one: %+v, %v", st, err)
	}
	s.result(t, m, st.RunID)
}

func TestCancelDuringContinuesQuotaCheckKeepsTheQueue(t *testing.T) {
	q, s := newQuota(wire.PlanFree), newSink() // 1 file per run
	m := New(q, s)
	srcs := photos(t, t.TempDir(), "p", 2)
	st, err := m.Start(context.Background(), Request{Paths: srcs, Options: options("webp")})
	if err != nil || st.Queued != 1 {
		t.Fatalf("Start: %+v, %v; want 1 queued", st, err)
	}
	s.result(t, m, st.RunID)
	q.onReserve = func() { m.Cancel() }
	st, err = m.Continue(context.Background())
	if err != nil || st.RunID != "" || st.Queued != 1 {
		t.Fatalf("Continue cancelled during the quota check: %+v, %v; want nothing started, 1 queued", st, err)
	}
	if exists(output(srcs[1], "webp")) {
		t.Error("the queued file was converted after the cancel")
	}
}

func TestStopSettlesWhatWasConvertedWhenTheRunOverstays(t *testing.T) {
	q, s := newQuota(wire.PlanPro), newSink()
	m := New(q, s)
	dir := filepath.Join(t.TempDir(), "many")
	photos(t, dir, "p", 10)
	// The run is stuck right after its first converted file, like a huge
	// image in flight when the user quits.
	gate, inside := make(chan struct{}), make(chan struct{}, 1)
	s.onFile = func(converter.FileResult) {
		select {
		case inside <- struct{}{}:
			<-gate
		default:
		}
	}
	opts := options("webp")
	opts.Workers = 1
	st, err := m.Start(context.Background(), Request{Paths: []string{dir}, Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	<-inside
	if m.Stop(200 * time.Millisecond) {
		t.Error("Stop said the run ended though it is stuck")
	}
	if res, com := q.settled(); fmt.Sprint(res, com) != "[10] [1]" {
		t.Errorf("after Stop: reserved %v, committed %v; want [10] [1] (only the converted file)", res, com)
	}
	close(gate)
	r := s.result(t, m, st.RunID)
	if !r.Canceled {
		t.Errorf("result %+v, want cancelled", r.Summary)
	}
	if _, com := q.settled(); len(com) != 1 {
		t.Errorf("committed %v; the run must not settle again after Stop", com)
	}
}

// A person's drop during a run is queued behind it and converted when it
// ends, without a Continue; the plan's files-per-run still applies.
func TestDropDuringARunIsQueuedAndConvertedAfterIt(t *testing.T) {
	for _, c := range []struct {
		plan            string
		first, wantNext int
	}{{wire.PlanPro, 3, 2}, {wire.PlanFree, 1, 1}} {
		t.Run(c.plan, func(t *testing.T) {
			q, s := newQuota(c.plan), newSink()
			m := New(q, s)
			first := photos(t, t.TempDir(), "a", c.first)
			later := photos(t, t.TempDir(), "b", 2)
			gate, inside := make(chan struct{}), make(chan struct{}, 1)
			s.onFile = func(converter.FileResult) {
				select {
				case inside <- struct{}{}:
					<-gate
				default:
				}
			}
			st, err := m.Start(context.Background(), Request{Paths: first, Options: options("webp")})
			if err != nil || st.RunID == "" {
				t.Fatalf("first Start: %+v, %v", st, err)
			}
			<-inside
			if _, err := m.Start(context.Background(), Request{Paths: later, Options: options("webp")}); !errors.Is(err, ErrBusy) {
				t.Errorf("a drop without QueueIfBusy (a watched folder) during a run: %v, want ErrBusy", err)
			}
			behind, err := m.Start(context.Background(), Request{Paths: later, Options: options("webp"), QueueIfBusy: true})
			if err != nil || behind.RunID != "" || !behind.Behind || behind.Queued != 2 {
				t.Fatalf("drop during the run: %+v, %v; want queued behind it, 2 waiting", behind, err)
			}
			close(gate)
			r := s.result(t, m, st.RunID)
			if r.Summary.Converted != c.first || !r.AutoContinue {
				t.Errorf("first run %+v (auto %v), want %d converted and the Manager continuing by itself", r.Summary, r.AutoContinue, c.first)
			}
			next := s.startedRun(t)
			if next.RunID == "" || len(next.Files) != c.wantNext {
				t.Fatalf("run started after the first: %+v, want %d files", next, c.wantNext)
			}
			r2 := s.result(t, m, next.RunID)
			if r2.Summary.Converted != c.wantNext || r2.Queued != 2-c.wantNext {
				t.Errorf("second run %+v, queued %d; want %d converted, %d waiting", r2.Summary, r2.Queued, c.wantNext, 2-c.wantNext)
			}
			for _, p := range later[:c.wantNext] {
				if !exists(output(p, "webp")) {
					t.Errorf("the later drop's %s was not converted", p)
				}
			}
		})
	}
}

// Cancel during the walk of a big drop (before anything is converted) starts
// nothing, says nothing, queues nothing and leaves the Manager free.
func TestCancelWhileTheDropIsWalked(t *testing.T) {
	q, s := newQuota(wire.PlanPro), newSink()
	m := New(q, s)
	walking := make(chan struct{})
	m.plan = func(ctx context.Context, paths []string, opts converter.Options) (*converter.Batch, error) {
		close(walking)
		<-ctx.Done() // a walk that takes as long as it takes
		return nil, ctx.Err()
	}
	srcs := photos(t, t.TempDir(), "p", 3)
	type answer struct {
		st  Started
		err error
	}
	got := make(chan answer, 1)
	go func() {
		st, err := m.Start(context.Background(), Request{Paths: srcs, Options: options("webp")})
		got <- answer{st, err}
	}()
	<-walking
	if !m.Cancel() {
		t.Fatal("Cancel found nothing to stop during the walk")
	}
	a := <-got
	if a.err != nil || a.st.RunID != "" || a.st.Queued != 0 || len(a.st.Refusals) != 0 {
		t.Fatalf("after cancelling the walk: %+v, %v; want nothing started and no error", a.st, a.err)
	}
	if q.reserved != nil || m.Queued() != 0 {
		t.Errorf("reserved %v, queued %d after a cancelled walk", q.reserved, m.Queued())
	}
	m.plan = converter.Plan
	if st, err := m.Start(context.Background(), Request{Paths: srcs, Options: options("webp")}); err != nil || st.RunID == "" {
		t.Fatalf("the next drop: %+v, %v; want it converted", st, err)
	} else if r := <-st.Done; r.Summary.Converted != 3 {
		t.Errorf("next run converted %d of 3", r.Summary.Converted)
	}
}

// A closed gate (the app below the update's minimum version) refuses drops
// and Continue with its own error, before anything is walked or reserved.
func TestGateRefusesEveryRun(t *testing.T) {
	q, s := newQuota(wire.PlanPro), newSink()
	m := New(q, s)
	tooOld := errors.New("update first")
	closed := true
	m.Gate = func() error {
		if closed {
			return tooOld
		}
		return nil
	}
	srcs := photos(t, t.TempDir(), "p", 2)
	if _, err := m.Start(context.Background(), Request{Paths: srcs, Options: options("webp")}); !errors.Is(err, tooOld) {
		t.Fatalf("Start = %v, want the gate's error", err)
	}
	if _, err := m.Continue(context.Background()); !errors.Is(err, tooOld) {
		t.Fatalf("Continue = %v, want the gate's error", err)
	}
	if res, _ := q.settled(); len(res) != 0 || exists(output(srcs[0], "webp")) {
		t.Fatalf("a refused run reserved %v or wrote an output", res)
	}
	closed = false // updated
	st, err := m.Start(context.Background(), Request{Paths: srcs, Options: options("webp")})
	if err != nil || st.RunID == "" {
		t.Fatalf("open gate: %+v, %v", st, err)
	}
	s.result(t, m, st.RunID)
}

// A run starts with its size and an expected saving from the scan's typical
// ratios, before any file is converted.
func TestStartedCarriesTheEstimate(t *testing.T) {
	q, s := newQuota(wire.PlanPro), newSink()
	m := New(q, s)
	srcs := photos(t, t.TempDir(), "p", 3)
	var total int64
	for _, p := range srcs {
		fi, _ := os.Stat(p)
		total += fi.Size()
	}
	st, err := m.Start(context.Background(), Request{Paths: srcs, Options: options("webp")})
	if err != nil {
		t.Fatal(err)
	}
	s.result(t, m, st.RunID)
	if st.Bytes != total {
		t.Fatalf("Started.Bytes = %d, want the sources' %d", st.Bytes, total)
	}
	if st.Saving <= 0 || st.Saving >= total {
		t.Fatalf("Started.Saving = %d of %d bytes: want a saving between nothing and everything", st.Saving, total)
	}
}

// A numeric quality, lossless or a target size on Free is refused before anything is walked,
// naming Basic; the same drop on Basic converts with the number asked for; the preset alone is
// never refused (planned options always hold a quality: the rule looks at what was asked).
func TestFineControlNeedsBasic(t *testing.T) {
	dir := t.TempDir()
	src := photos(t, dir, "p", 1)
	custom := options("webp")
	custom.Quality = 35
	target := options("webp")
	target.TargetSize = 2000
	lossless := options("webp")
	lossless.Lossless = true
	for name, o := range map[string]converter.Options{"quality": custom, "target": target, "lossless": lossless} {
		q, s := newQuota(wire.PlanFree), newSink()
		m := New(q, s)
		st, err := m.Start(context.Background(), Request{Paths: src, Options: o})
		if err != nil {
			t.Fatal(err)
		}
		if st.RunID != "" || fmt.Sprint(refusalCodes(st.Refusals)) != "[fine_not_in_plan]" || st.Refusals[0].UpgradeTo != wire.PlanBasic {
			t.Errorf("free %s: %+v", name, st)
		}
		if exists(output(src[0], "webp")) {
			t.Errorf("free %s: a file was written", name)
		}
	}
	// The preset on Free converts.
	q, s := newQuota(wire.PlanFree), newSink()
	m := New(q, s)
	st, err := m.Start(context.Background(), Request{Paths: src, Options: options("webp")})
	if err != nil || st.RunID == "" {
		t.Fatalf("free preset: %+v %v", st, err)
	}
	if r := s.result(t, m, st.RunID); r.Summary.Converted != 1 {
		t.Fatalf("free preset: %+v", r.Summary)
	}
	preset := mustStat(t, output(src[0], "webp")).Size()
	// Basic: the number asked for is the number used (quality 35 is smaller than the preset's 80).
	q, s = newQuota(wire.PlanBasic), newSink()
	m = New(q, s)
	custom.Reconvert, custom.Existing = true, converter.ExistingOverwrite
	st, err = m.Start(context.Background(), Request{Paths: src, Options: custom})
	if err != nil || st.RunID == "" || len(st.Refusals) != 0 {
		t.Fatalf("basic quality: %+v %v", st, err)
	}
	if r := s.result(t, m, st.RunID); r.Summary.Converted != 1 {
		t.Fatalf("basic quality: %+v", r.Summary)
	}
	if got := mustStat(t, output(src[0], "webp")).Size(); got >= preset {
		t.Errorf("quality 35 wrote %d bytes, the preset %d", got, preset)
	}
}

func mustStat(t *testing.T, p string) os.FileInfo {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi
}
