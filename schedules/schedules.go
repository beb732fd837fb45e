// Package schedules keeps watched folders ("schedules", Basic and
// Pro): each one converts new images as they arrive, or the whole folder
// daily at a set local time, while the app runs.
//
// It converts nothing itself: a StartFunc hands paths to the run manager
// (package runs), so every scheduled conversion obeys the plan's formats,
// folders, files per run and daily quota exactly like a drop. When the daily
// quota is used up the service says so once and waits until the next quota
// day. Arrivals are filtered through converter.Plan (the same rules as a
// drop: images only, hidden files, earlier outputs passed over), so the
// files a schedule writes never come back to it.
package schedules

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fsnotify/fsnotify"

	"imageconverter/converter"
	"imageconverter/functions/wire"
	"imageconverter/licensing/policy"
	"imageconverter/runs"
	"imageconverter/uierr"
)

// Mode is when a schedule converts.
type Mode string

const (
	OnArrival Mode = "arrival" // new images, once their size stopped changing
	Daily     Mode = "daily"   // the whole folder, every day at At
)

// Schedule is one watched folder and what happened last.
type Schedule struct {
	ID      string `json:"id"`
	Folder  string `json:"folder"`
	Format  string `json:"format"` // "webp" or "avif"
	Preset  string `json:"preset"` // "smallest", "balanced" or "best"
	Mode    Mode   `json:"mode"`
	At      string `json:"at"` // "HH:MM" local time, daily only
	Enabled bool   `json:"enabled"`

	LastRun    time.Time `json:"lastRun"`    // zero until the first run
	LastCode   string    `json:"lastCode"`   // "converted", "nothing", "daily_limit_reached", a refusal code, "error"
	LastResult string    `json:"lastResult"` // English sentence for the UI's fallback
	Converted  int       `json:"converted"`  // files converted by the last run
	Saved      int64     `json:"saved"`      // bytes saved by the last run
}

// State is a schedule as the UI shows it.
type State struct {
	Schedule
	// Status: "watching" (on arrival), "daily", "off", "paused" (quota used up
	// until PausedUntil) or "locked" (the plan does not include schedules).
	Status      string    `json:"status"`
	PausedUntil time.Time `json:"pausedUntil"`
}

// StartFunc starts a conversion of paths with the schedule's format and
// preset through the run manager.
type StartFunc func(ctx context.Context, s Schedule, paths []string) (runs.Started, error)

// Clock is the time source; tests inject a fake to trigger daily runs.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Config wires a Service.
type Config struct {
	Path    string                                    // JSON file holding the schedules
	Start   StartFunc                                 // required
	Allowed func(ctx context.Context) *policy.Refusal // the plan check, policy.Schedules; nil allows
	Clock   Clock                                     // nil = the real clock
	// Settle is how often arrivals are checked; a file converts once its size and
	// time stayed the same across one Settle (still being copied otherwise).
	Settle time.Duration
	Retry  time.Duration // wait before trying again when another conversion runs
	// QuotaZone is where the quota day starts (Korea); nil = UTC+9.
	QuotaZone *time.Location
	Changed   func([]State) // called after every change, for the UI
	// Options are the converter options a schedule's run uses (the app's
	// settings with the schedule's format and preset); arrivals are checked
	// with them. nil = the converter's defaults with format and preset.
	Options func(Schedule) converter.Options
}

// Service runs the schedules. Its methods are safe for concurrent use.
type Service struct {
	cfg Config

	mu          sync.Mutex
	list        []Schedule
	stops       map[string]context.CancelFunc // per running schedule
	held        map[string][]string           // arrivals waiting for the quota day
	pausedUntil time.Time
	ctx         context.Context
	cancel      context.CancelFunc
	jobs        chan job
	wg          sync.WaitGroup

	// quiet counts the arrival checks that found nothing waiting (no file
	// settling, no job queued or running); a test waits on it to know that
	// nothing more will happen without a new file.
	quiet   atomic.Int64
	working atomic.Int64 // jobs queued or running
}

type job struct {
	id    string
	paths []string // arrivals; nil = the whole folder
}

// New returns a stopped Service; Run starts it.
func New(cfg Config) *Service {
	if cfg.Clock == nil {
		cfg.Clock = realClock{}
	}
	if cfg.Settle <= 0 {
		cfg.Settle = 2 * time.Second
	}
	if cfg.Retry <= 0 {
		cfg.Retry = 30 * time.Second
	}
	if cfg.QuotaZone == nil {
		cfg.QuotaZone = wire.Korea
	}
	return &Service{cfg: cfg, stops: map[string]context.CancelFunc{}, held: map[string][]string{},
		jobs: make(chan job, 64)}
}

// Run loads the saved schedules and starts watching; Stop ends it.
func (s *Service) Run(ctx context.Context) error {
	list, err := load(s.cfg.Path)
	s.mu.Lock()
	s.list = list
	s.ctx, s.cancel = context.WithCancel(ctx)
	for _, sc := range s.list {
		if sc.Enabled {
			s.startLocked(sc)
		}
	}
	s.mu.Unlock()
	s.wg.Add(1)
	go s.worker()
	return err
}

// Stop ends every watcher and waits for them (not for a run in progress,
// which the run manager owns).
func (s *Service) Stop() {
	s.mu.Lock()
	cancel := s.cancel
	s.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	s.wg.Wait()
}

// Watching is how many schedules are on (watched folders that need the app
// running).
func (s *Service) Watching() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, sc := range s.list {
		if sc.Enabled {
			n++
		}
	}
	return n
}

// List returns the schedules with their state.
func (s *Service) List() []State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.statesLocked()
}

func (s *Service) statesLocked() []State {
	locked := false
	if s.cfg.Allowed != nil && s.ctx != nil {
		locked = s.cfg.Allowed(s.ctx) != nil
	}
	out := make([]State, 0, len(s.list))
	for _, sc := range s.list {
		st := State{Schedule: sc, Status: "watching"}
		switch {
		case locked:
			st.Status = "locked"
		case !sc.Enabled:
			st.Status = "off"
		case s.cfg.Clock.Now().Before(s.pausedUntil):
			st.Status, st.PausedUntil = "paused", s.pausedUntil
		case sc.Mode == Daily:
			st.Status = "daily"
		}
		out = append(out, st)
	}
	return out
}

// Add checks, saves and starts a new schedule. A plan without schedules is
// refused with the policy's sentence.
func (s *Service) Add(sc Schedule) (Schedule, error) {
	if err := s.allowed(); err != nil {
		return Schedule{}, err
	}
	sc, err := check(sc)
	if err != nil {
		return Schedule{}, err
	}
	s.mu.Lock()
	for _, o := range s.list {
		if o.Folder == sc.Folder {
			s.mu.Unlock()
			return Schedule{}, uierr.With(codeAlreadyWatched, "This folder is already watched; change or remove that schedule instead.", sc.Folder, nil)
		}
	}
	sc.ID = fmt.Sprintf("s%d", s.cfg.Clock.Now().UnixNano())
	sc.Enabled = true
	s.list = append(s.list, sc)
	err = s.saveLocked()
	if err == nil && s.ctx != nil {
		s.startLocked(sc)
	}
	s.mu.Unlock()
	s.changed()
	return sc, err
}

// SetEnabled turns a schedule on or off.
func (s *Service) SetEnabled(id string, on bool) error {
	if on {
		if err := s.allowed(); err != nil {
			return err
		}
	}
	s.mu.Lock()
	i := s.indexLocked(id)
	if i < 0 {
		s.mu.Unlock()
		return errNotFound
	}
	s.list[i].Enabled = on
	s.stopLocked(id)
	if on && s.ctx != nil {
		s.startLocked(s.list[i])
	}
	err := s.saveLocked()
	s.mu.Unlock()
	s.changed()
	return err
}

// Remove stops and forgets a schedule; converted files stay.
func (s *Service) Remove(id string) error {
	s.mu.Lock()
	i := s.indexLocked(id)
	if i < 0 {
		s.mu.Unlock()
		return errNotFound
	}
	s.stopLocked(id)
	s.list = append(s.list[:i], s.list[i+1:]...)
	delete(s.held, id)
	err := s.saveLocked()
	s.mu.Unlock()
	s.changed()
	return err
}

// Codes of the errors the watched folders send to the UI.
var (
	codeAlreadyWatched = uierr.Declare("already_watched")
	codeScheduleGone   = uierr.Declare("schedule_gone")
	codeChooseFolder   = uierr.Declare("choose_folder")
	codePathNotFound   = uierr.Declare("path_not_found")
	codeSettingInvalid = uierr.Declare("setting_invalid")
	codeBadTime        = uierr.Declare("bad_time")
	codeNotSaved       = uierr.Declare("schedules_not_saved")
	codePlanRequired   = uierr.Declare("plan_required")
	codeWatchFailed    = uierr.Declare("watch_failed")
)

// lastErrorCode is the code a schedule's last run shows for err: its own
// when it has one (busy, offline…), else "error".
func lastErrorCode(err error) string {
	if c := uierr.CodeOf(err); c != "" {
		return string(c)
	}
	return "error"
}

var errNotFound = uierr.New(codeScheduleGone, "That schedule does not exist any more.")

func (s *Service) allowed() error {
	if s.cfg.Allowed == nil {
		return nil
	}
	if r := s.cfg.Allowed(context.Background()); r != nil {
		return uierr.New(codePlanRequired, r.Message)
	}
	return nil
}

func (s *Service) indexLocked(id string) int {
	for i, sc := range s.list {
		if sc.ID == id {
			return i
		}
	}
	return -1
}

func (s *Service) changed() {
	if s.cfg.Changed != nil {
		s.cfg.Changed(s.List())
	}
}

// startLocked starts the watcher or the daily timer of sc.
func (s *Service) startLocked(sc Schedule) {
	ctx, cancel := context.WithCancel(s.ctx)
	s.stops[sc.ID] = cancel
	var w *fsnotify.Watcher
	var werr error
	if sc.Mode == OnArrival {
		// The watches are in place when Add returns, so no arrival is missed.
		w, werr = newWatcher(sc.Folder)
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		switch {
		case sc.Mode == Daily:
			s.daily(ctx, sc)
		case werr != nil:
			s.record(sc.ID, func(x *Schedule) {
				x.LastCode, x.LastResult = string(codeWatchFailed), "Could not watch the folder: "+werr.Error()
			})
		default:
			s.watch(ctx, sc, w)
		}
	}()
}

func (s *Service) stopLocked(id string) {
	if stop, ok := s.stops[id]; ok {
		stop()
		delete(s.stops, id)
	}
}
