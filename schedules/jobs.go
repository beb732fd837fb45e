package schedules

import (
	"context"
	"errors"
	"fmt"
	"imageconverter/converter"
	"imageconverter/functions/wire"
	"imageconverter/licensing/policy"
	"imageconverter/runs"
	"path/filepath"
	"sort"
	"time"
)

// The jobs of the watched folders: a daily timer or settled arrivals queue a
// job; one worker runs them through the run manager, one after another.

// daily queues the whole folder every day at sc.At, local time.
func (s *Service) daily(ctx context.Context, sc Schedule) {
	for {
		now := s.cfg.Clock.Now()
		select {
		case <-ctx.Done():
			return
		case <-s.cfg.Clock.After(nextAt(now, sc.At).Sub(now)):
			s.enqueue(ctx, job{id: sc.ID})
		}
	}
}

// nextAt is the next local time at "HH:MM" strictly after now.
func nextAt(now time.Time, at string) time.Time {
	t, _ := time.Parse("15:04", at) // checked when added
	next := time.Date(now.Year(), now.Month(), now.Day(), t.Hour(), t.Minute(), 0, 0, now.Location())
	if !next.After(now) {
		next = next.AddDate(0, 0, 1)
	}
	return next
}

func (s *Service) enqueue(ctx context.Context, j job) {
	s.working.Add(1)
	select {
	case s.jobs <- j:
	case <-ctx.Done():
		s.working.Add(-1)
	}
}

// worker runs the jobs one after another: the run manager converts one
// batch at a time anyway, and waiting for each run's end gives its result.
func (s *Service) worker() {
	defer s.wg.Done()
	for {
		select {
		case <-s.ctx.Done():
			return
		case j := <-s.jobs:
			s.do(j)
			s.working.Add(-1)
		}
	}
}

func (s *Service) do(j job) {
	ctx := s.ctx
	s.mu.Lock()
	i := s.indexLocked(j.id)
	if i < 0 || !s.list[i].Enabled {
		s.mu.Unlock()
		return
	}
	sc := s.list[i]
	now := s.cfg.Clock.Now()
	if now.Before(s.pausedUntil) { // said once already; the arrivals wait for the quota day
		if j.paths != nil {
			s.held[j.id] = appendNew(s.held[j.id], j.paths...)
		}
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()

	if s.cfg.Allowed != nil {
		if r := s.cfg.Allowed(ctx); r != nil {
			s.record(sc.ID, func(x *Schedule) {
				x.LastRun, x.LastCode, x.LastResult, x.Converted, x.Saved = now, r.Code, r.Message, 0, 0
			})
			return
		}
	}
	paths := []string{sc.Folder}
	if j.paths != nil {
		paths = convertible(ctx, s.options(sc), j.paths)
		if len(paths) == 0 {
			return // our own outputs, hidden or non-image files: nothing to say
		}
	}
	st, err := s.cfg.Start(ctx, sc, paths)
	if errors.Is(err, runs.ErrBusy) { // the user's conversion runs: try again later
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			select {
			case <-ctx.Done():
			case <-s.cfg.Clock.After(s.cfg.Retry):
				s.enqueue(ctx, j)
			}
		}()
		return
	}
	if err != nil {
		s.record(sc.ID, func(x *Schedule) {
			x.LastRun, x.LastCode, x.LastResult, x.Converted, x.Saved = now, lastErrorCode(err), err.Error(), 0, 0
		})
		return
	}
	var quota *policy.Refusal
	var refusal *policy.Refusal
	for i, r := range st.Refusals {
		switch r.Code {
		case policy.CodeDailyLimit:
			quota = &st.Refusals[i]
		case policy.CodeBatch: // the rest waits in the run manager's queue, as for a drop
		default:
			refusal = &st.Refusals[i]
		}
	}
	var res runs.Result
	if st.Done != nil {
		select {
		case res = <-st.Done:
		case <-ctx.Done():
			return
		}
	}
	s.record(sc.ID, func(x *Schedule) {
		x.LastRun, x.Converted, x.Saved = now, res.Summary.Converted, res.Summary.Saved
		switch {
		case refusal != nil:
			x.LastCode, x.LastResult = refusal.Code, refusal.Message
		case res.RunErr != nil:
			x.LastCode, x.LastResult = string(runs.CodeStoppedEarly), res.StoppedEarly()
		case res.Summary.Converted > 0:
			x.LastCode = "converted"
			x.LastResult = fmt.Sprintf("Converted %d %s.", res.Summary.Converted, wire.Plural(res.Summary.Converted, "photo", "photos"))
		case quota == nil:
			x.LastCode, x.LastResult = "nothing", "Nothing new to convert."
		}
		if quota != nil {
			x.LastCode = policy.CodeDailyLimit
			x.LastResult = "Today's conversions are used up; this folder waits until tomorrow."
		}
	})
	if quota != nil {
		s.pause(sc.ID, j.paths, st.Files)
	}
}

// pause stops scheduled conversions until the next quota day and keeps the
// arrivals that were not converted for then.
func (s *Service) pause(id string, paths, converted []string) {
	done := map[string]bool{}
	for _, p := range converted {
		done[p] = true
	}
	now := s.cfg.Clock.Now()
	q := now.In(s.cfg.QuotaZone)
	until := time.Date(q.Year(), q.Month(), q.Day(), 0, 0, 0, 0, s.cfg.QuotaZone).AddDate(0, 0, 1)
	s.mu.Lock()
	s.pausedUntil = until
	for _, p := range paths {
		if !done[p] {
			s.held[id] = appendNew(s.held[id], p)
		}
	}
	ctx := s.ctx
	s.mu.Unlock()
	s.changed()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		select {
		case <-ctx.Done():
			return
		case <-s.cfg.Clock.After(until.Sub(now)):
		}
		s.mu.Lock()
		held := s.held
		s.held = map[string][]string{}
		s.mu.Unlock()
		s.changed()
		ids := make([]string, 0, len(held))
		for id := range held {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			s.enqueue(ctx, job{id: id, paths: held[id]})
		}
	}()
}

func (s *Service) record(id string, f func(*Schedule)) {
	s.mu.Lock()
	if i := s.indexLocked(id); i >= 0 {
		f(&s.list[i])
		_ = s.saveLocked() // the last result is shown from memory; a failed save loses only that
	}
	s.mu.Unlock()
	s.changed()
}

// convertible keeps the arrivals a drop of their folders would convert:
// converter.Plan decides (images only, hidden and system folders, our own
// earlier outputs, already converted), so this package has no walking rules.
func convertible(ctx context.Context, opts converter.Options, arrivals []string) []string {
	dirs := map[string]bool{}
	var roots []string
	for _, p := range arrivals {
		if d := filepath.Dir(p); !dirs[d] {
			dirs[d] = true
			roots = append(roots, d)
		}
	}
	opts.Folders = true
	batch, err := converter.Plan(ctx, roots, opts)
	if err != nil {
		return nil
	}
	ok := map[string]bool{}
	for _, t := range batch.Tasks {
		ok[t.Src] = true
	}
	var out []string
	for _, p := range arrivals {
		if ok[p] {
			out = append(out, p)
		}
	}
	return out
}

func (s *Service) options(sc Schedule) converter.Options {
	if s.cfg.Options != nil {
		return s.cfg.Options(sc)
	}
	o := converter.DefaultOptions()
	o.Format, o.Preset = sc.Format, sc.Preset
	return o
}
