package runs

import (
	"crypto/rand"
	"encoding/hex"
	"imageconverter/converter"
	"path/filepath"
)

// The queue: drops are groups of tasks that share options; a run takes a
// prefix of the groups and the rest waits.

// requeue puts gs after the files already waiting.
func (m *Manager) requeue(gs []group) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, g := range gs {
		if len(g.tasks) > 0 {
			m.queue = append(m.queue, g)
		}
	}
}

// split takes the first n tasks of gs as the run and leaves the rest.
func split(gs []group, n int) (run, rest []group) {
	for _, g := range gs {
		take := min(n, len(g.tasks))
		n -= take
		if take > 0 {
			r := g
			r.tasks = g.tasks[:take:take]
			run = append(run, r)
		}
		if take < len(g.tasks) {
			r := g
			r.tasks = append([]converter.Task(nil), g.tasks[take:]...)
			rest = append(rest, r)
		}
	}
	return run, rest
}

// without drops from q the sources a new drop planned again, so a path is
// queued once, with the settings of its latest drop.
func without(q []group, tasks []converter.Task) []group {
	again := make(map[string]bool, len(tasks))
	for _, t := range tasks {
		again[filepath.Clean(t.Src)] = true
	}
	var out []group
	for _, g := range q {
		var keep []converter.Task
		for _, t := range g.tasks {
			if !again[filepath.Clean(t.Src)] {
				keep = append(keep, t)
			}
		}
		if len(keep) > 0 {
			g.tasks = keep
			out = append(out, g)
		}
	}
	return out
}

func count(gs []group) int {
	n := 0
	for _, g := range gs {
		n += len(g.tasks)
	}
	return n
}

// originOf is who started the first of gs.
func originOf(gs []group) Origin {
	if len(gs) == 0 {
		return Origin{}
	}
	return gs[0].origin
}

// outputDir is the run's first group's folder, or the folder of its first output.
func outputDir(run []group) string {
	for _, g := range run {
		if g.outputDir != "" {
			return g.outputDir
		}
		for _, t := range g.tasks {
			if t.Dst != "" {
				return filepath.Dir(t.Dst)
			}
		}
	}
	return ""
}

func newRunID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "run-" + hex.EncodeToString(b[:])
}
