package schedules

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"imageconverter/converter"
	"imageconverter/functions/wire"
	"imageconverter/licensing/policy"
	"imageconverter/runs"
)

// account is an in-memory plan with a daily count that resets when the
// fake clock's quota day changes.
type account struct {
	mu     sync.Mutex
	plan   string
	limits wire.Limits
	clock  Clock
	day    string
	used   int
}

func newAccount(plan string, clock Clock) *account {
	return &account{plan: plan, limits: policy.DefaultPlans.Lookup(plan).Limits(), clock: clock}
}

func (a *account) roll() {
	if d := a.clock.Now().In(time.FixedZone("KST", 9*3600)).Format(time.DateOnly); d != a.day {
		a.day, a.used = d, 0
	}
}

func (a *account) Entitlement(context.Context) runs.Entitlement {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.roll()
	e := runs.Entitlement{PlanID: a.plan, Limits: a.limits}
	if a.limits.DailyLimit != nil {
		left := max(*a.limits.DailyLimit-a.used, 0)
		e.Remaining = &left
	}
	return e
}
func (a *account) Plans(context.Context) policy.Plans { return policy.DefaultPlans }
func (a *account) Reserve(_ context.Context, _ string, n int) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.roll()
	if a.limits.DailyLimit != nil {
		n = min(n, max(*a.limits.DailyLimit-a.used, 0))
	}
	return n, nil
}
func (a *account) Commit(_ context.Context, _ string, used int) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.used += used
	return nil
}

// sink counts converted files (a schedule learns its run's end from Started.Done).
type sink struct {
	mu        sync.Mutex
	converted map[string]int
}

func (k *sink) File(_ string, f converter.FileResult) {
	if f.Status == converter.StatusConverted {
		k.mu.Lock()
		k.converted[f.Src]++
		k.mu.Unlock()
	}
}
func (k *sink) Progress(string, converter.Progress) {}
func (k *sink) Done(runs.Result)                    {}
func (k *sink) Started(runs.Started)                {} // schedules never queue behind a run
func (k *sink) count(src string) int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.converted[src]
}

// fakeClock fires After channels when Advance passes their deadline.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []fakeTimer
}

type fakeTimer struct {
	at time.Time
	ch chan time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	c.timers = append(c.timers, fakeTimer{c.now.Add(d), ch})
	return ch
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	var keep []fakeTimer
	for _, t := range c.timers {
		if !t.at.After(c.now) {
			t.ch <- c.now
		} else {
			keep = append(keep, t)
		}
	}
	c.timers = keep
	c.mu.Unlock()
}

// deadlines are the times the armed timers fire at, earliest first.
func (c *fakeClock) deadlines() []time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []time.Time
	for _, t := range c.timers {
		out = append(out, t.at)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}

// waiting is how many timers are armed (a goroutine reached its select).
func (c *fakeClock) waiting() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

type harness struct {
	svc    *Service
	sink   *sink
	acc    *account
	starts int
	busy   int // the next Start calls answer runs.ErrBusy, as while the user's run goes on
	mu     sync.Mutex
}

func newHarness(t *testing.T, plan string, clock Clock, settle time.Duration) *harness {
	t.Helper()
	h := &harness{sink: &sink{converted: map[string]int{}}}
	h.acc = newAccount(plan, clock)
	mgr := runs.New(h.acc, h.sink)
	h.svc = New(Config{
		Path:  filepath.Join(t.TempDir(), "schedules.json"),
		Clock: clock, Settle: settle, Retry: 50 * time.Millisecond,
		Allowed: func(ctx context.Context) *policy.Refusal {
			return policy.Schedules(h.acc.Entitlement(ctx).Limits, policy.DefaultPlans)
		},
		Start: func(ctx context.Context, s Schedule, paths []string) (runs.Started, error) {
			h.mu.Lock()
			h.starts++
			busy := h.busy > 0
			h.busy--
			h.mu.Unlock()
			if busy {
				return runs.Started{}, runs.ErrBusy
			}
			o := converter.DefaultOptions()
			o.Format, o.Preset = s.Format, s.Preset
			return mgr.Start(ctx, runs.Request{Paths: paths, Options: o})
		},
	})
	if err := h.svc.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.svc.Stop(); mgr.Wait() })
	return h
}

func (h *harness) startCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.starts
}

func photo(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "converter", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func eventually(t *testing.T, what string, within time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestArrivalConvertsOnceAndWaitsForCopies(t *testing.T) {
	h := newHarness(t, wire.PlanBasic, realClock{}, 100*time.Millisecond)
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	sc, err := h.svc.Add(Schedule{Folder: dir, Format: "webp", Mode: OnArrival})
	if err != nil {
		t.Fatal(err)
	}

	// A file that arrives whole converts once; its output (a new file in the watched folder) does not come back.
	src := filepath.Join(dir, "sub", "a.jpg")
	if err := os.WriteFile(src, photo(t, "jpeg_photo.jpg"), 0o644); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a.jpg is converted", 10*time.Second, func() bool { return h.sink.count(src) == 1 })
	if _, err := os.Stat(filepath.Join(dir, "sub", "a.webp")); err != nil {
		t.Fatal("no output beside the arrival:", err)
	}

	// A file still being copied (growing every 40 ms, under one Settle) is not touched until it is complete.
	big := photo(t, "jpeg_photo.jpg")
	slow := filepath.Join(dir, "slow.jpg")
	f, err := os.Create(slow)
	if err != nil {
		t.Fatal(err)
	}
	chunk := len(big)/20 + 1
	for i := 0; i < len(big); i += chunk {
		if _, err := f.Write(big[i:min(i+chunk, len(big))]); err != nil {
			t.Fatal(err)
		}
		time.Sleep(40 * time.Millisecond)
		if _, err := os.Stat(filepath.Join(dir, "slow.webp")); err == nil {
			t.Fatal("a half-written file was converted")
		}
	}
	f.Close()
	eventually(t, "slow.jpg is converted", 10*time.Second, func() bool { return h.sink.count(slow) == 1 })

	// Nothing more happens: the watcher looks three times and finds nothing to do (its outputs
	// arrived in the watched folder too, and were recognised as ours).
	quiet := h.svc.quiet.Load()
	eventually(t, "three quiet checks", 10*time.Second, func() bool { return h.svc.quiet.Load() >= quiet+3 })
	if h.sink.count(src) != 1 || h.sink.count(slow) != 1 {
		t.Errorf("converted %d and %d times, want once each", h.sink.count(src), h.sink.count(slow))
	}
	for _, st := range h.svc.List() {
		if st.ID == sc.ID && (st.LastCode != "converted" || st.Converted != 1 || st.Status != "watching") {
			t.Errorf("state = %+v", st)
		}
	}
}

func TestDailyRunsAtTheSetTimeAndStopsAtTheQuota(t *testing.T) {
	// 22:00 local on a day; the quota day (Korea) ends at 15:00 UTC.
	clock := &fakeClock{now: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	h := newHarness(t, wire.PlanBasic, clock, time.Hour)
	two := 2
	h.acc.limits.DailyLimit = &two
	dir := t.TempDir()
	for _, n := range []string{"a.jpg", "b.jpg", "c.jpg"} {
		if err := os.WriteFile(filepath.Join(dir, n), photo(t, "jpeg_photo.jpg"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.svc.Add(Schedule{Folder: dir, Format: "webp", Mode: Daily, At: "11:30"}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the daily timer is armed", 5*time.Second, func() bool { return clock.waiting() >= 1 })
	clock.Advance(time.Hour) // 11:00: not yet
	if next := clock.deadlines(); len(next) != 1 || !next[0].Equal(time.Date(2026, 3, 2, 11, 30, 0, 0, time.UTC)) {
		t.Fatalf("armed for %v, want 11:30 only", next)
	}
	if h.startCount() != 0 {
		t.Fatal("the daily run started before its time")
	}
	clock.Advance(30 * time.Minute) // 11:30
	eventually(t, "the quota stop is recorded", 20*time.Second, func() bool {
		l := h.svc.List()
		return len(l) == 1 && l[0].Status == "paused"
	})
	st := h.svc.List()[0]
	if st.Converted != 2 || st.LastCode != policy.CodeDailyLimit || st.PausedUntil.UTC() != time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC) {
		t.Errorf("after the quota: %+v", st)
	}
	converted := func() int {
		n := 0
		for _, f := range []string{"a.jpg", "b.jpg", "c.jpg"} {
			n += h.sink.count(filepath.Join(dir, f))
		}
		return n
	}
	if converted() != 2 {
		t.Fatalf("converted %d files, want the daily limit of 2", converted())
	}

	// The next trigger on the same quota day starts nothing.
	starts := h.startCount()
	eventually(t, "the timers are armed", 5*time.Second, func() bool { return clock.waiting() >= 2 })
	clock.Advance(24*time.Hour - time.Minute) // 11:29 next day; the quota day changed at 15:00 UTC
	for _, at := range clock.deadlines() {
		if at.Before(time.Date(2026, 3, 3, 11, 30, 0, 0, time.UTC)) {
			t.Errorf("a timer armed for %v is still waiting: it should have fired", at)
		}
	}
	if h.startCount() != starts {
		t.Error("a run started while paused")
	}
	clock.Advance(time.Minute) // 11:30: a new quota day, the rest converts
	eventually(t, "c.jpg converts the next day", 20*time.Second, func() bool { return converted() == 3 })
	eventually(t, "the state is recorded", 5*time.Second, func() bool { return h.svc.List()[0].LastCode == "converted" })
}

func TestBusyRunManagerIsRetried(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	h := newHarness(t, wire.PlanPro, clock, time.Hour)
	h.busy = 1
	dir := t.TempDir()
	src := filepath.Join(dir, "a.jpg")
	if err := os.WriteFile(src, photo(t, "jpeg_photo.jpg"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.Add(Schedule{Folder: dir, Mode: Daily, At: "10:30"}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the daily timer is armed", 5*time.Second, func() bool { return clock.waiting() >= 1 })
	clock.Advance(30 * time.Minute)
	eventually(t, "the busy answer arms a retry", 5*time.Second, func() bool { return h.startCount() == 1 && clock.waiting() >= 2 })
	if h.sink.count(src) != 0 || h.svc.List()[0].LastCode != "" {
		t.Fatalf("a busy answer was recorded as a run: %+v", h.svc.List()[0])
	}
	clock.Advance(50 * time.Millisecond) // Retry
	eventually(t, "the retry converts", 20*time.Second, func() bool { return h.sink.count(src) == 1 })
}

func TestPlanWithoutSchedulesRefuses(t *testing.T) {
	h := newHarness(t, wire.PlanFree, realClock{}, time.Second)
	_, err := h.svc.Add(Schedule{Folder: t.TempDir(), Mode: OnArrival})
	if err == nil || err.Error() != policy.Schedules(policy.DefaultPlans.Free(), policy.DefaultPlans).Message {
		t.Errorf("Add on Free = %v, want the policy's sentence", err)
	}
	if len(h.svc.List()) != 0 {
		t.Error("a refused schedule was kept")
	}
}

func TestAddChecksAndPersists(t *testing.T) {
	h := newHarness(t, wire.PlanPro, realClock{}, time.Second)
	dir := t.TempDir()
	for _, bad := range []Schedule{
		{Folder: "relative", Mode: OnArrival},
		{Folder: filepath.Join(dir, "missing"), Mode: OnArrival},
		{Folder: dir, Mode: Daily, At: "25:00"},
		{Folder: dir, Mode: "hourly"},
		{Folder: dir, Mode: OnArrival, Format: "gif"},
	} {
		if _, err := h.svc.Add(bad); err == nil {
			t.Errorf("Add(%+v) was accepted", bad)
		}
	}
	sc, err := h.svc.Add(Schedule{Folder: dir, Mode: Daily, At: "07:05", Format: "avif"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.Add(Schedule{Folder: dir, Mode: OnArrival}); err == nil {
		t.Error("the same folder was added twice")
	}
	if err := h.svc.SetEnabled(sc.ID, false); err != nil {
		t.Fatal(err)
	}
	again, err := load(h.svc.cfg.Path)
	if err != nil || len(again) != 1 || again[0].Enabled || again[0].At != "07:05" || again[0].Format != "avif" || again[0].Preset != "balanced" {
		t.Errorf("saved = %+v, %v", again, err)
	}
	if h.svc.List()[0].Status != "off" {
		t.Errorf("status = %q, want off", h.svc.List()[0].Status)
	}
	if err := h.svc.Remove(sc.ID); err != nil {
		t.Fatal(err)
	}
	if again, _ := load(h.svc.cfg.Path); len(again) != 0 {
		t.Errorf("removed schedule still saved: %+v", again)
	}
}

func TestNextAt(t *testing.T) {
	loc := time.FixedZone("X", 3600)
	now := time.Date(2026, 1, 31, 21, 30, 0, 0, loc)
	if got := nextAt(now, "21:30"); !got.Equal(time.Date(2026, 2, 1, 21, 30, 0, 0, loc)) {
		t.Errorf("same minute → %v, want tomorrow", got)
	}
	if got := nextAt(now, "22:00"); !got.Equal(time.Date(2026, 1, 31, 22, 0, 0, 0, loc)) {
		t.Errorf("later today → %v", got)
	}
}
