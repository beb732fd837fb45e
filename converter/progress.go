package converter

import (
	"sort"
	"sync"
	"time"
)

// Progress is one progress event. Events come at most every ProgressInterval plus one final event
// (Final true); the callback is never called concurrently, always from one goroutine at a time.
type Progress struct {
	Done  int `json:"done"`  // tasks finished (any status)
	Total int `json:"total"` // tasks in this run
	// BytesDone is the source size of finished tasks, out of BytesTotal; ETA is estimated from it.
	BytesDone  int64 `json:"bytesDone"`
	BytesTotal int64 `json:"bytesTotal"`
	// BytesIn/BytesOut are source and output sizes of the files converted so far.
	BytesIn  int64         `json:"bytesIn"`
	BytesOut int64         `json:"bytesOut"`
	Elapsed  time.Duration `json:"elapsed"`
	ETA      time.Duration `json:"eta"` // 0 until something is known
	// Current is the most recently started file; Active all files being converted now.
	Current string   `json:"current"`
	Active  []string `json:"active"`
	// Files are the results that finished since the previous event, so none is lost to throttling.
	Files []FileResult `json:"files"`
	Final bool         `json:"final"`
}

// ProgressInterval is the shortest time between two progress events (about 10 per second).
const ProgressInterval = 100 * time.Millisecond

// tracker accumulates progress and emits it throttled from its own goroutine.
type tracker struct {
	cb    func(Progress)
	start time.Time

	mu     sync.Mutex
	p      Progress
	active map[int]string
	dirty  bool

	stop chan struct{}
	done chan struct{}
}

func newTracker(total int, bytesTotal int64, cb func(Progress)) *tracker {
	t := &tracker{
		cb:     cb,
		start:  time.Now(),
		p:      Progress{Total: total, BytesTotal: bytesTotal},
		active: map[int]string{},
		dirty:  true, // the first tick tells the UI the total
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
	}
	if cb == nil {
		close(t.done)
		return t
	}
	go t.loop()
	return t
}

func (t *tracker) loop() {
	defer close(t.done)
	tick := time.NewTicker(ProgressInterval)
	defer tick.Stop()
	for {
		select {
		case <-t.stop:
			return
		case <-tick.C:
			if p, ok := t.snapshot(false); ok {
				t.cb(p)
			}
		}
	}
}

// started records that task i (src) is being converted.
func (t *tracker) started(i int, src string) {
	t.mu.Lock()
	t.active[i] = src
	t.p.Current = src
	t.dirty = true
	t.mu.Unlock()
}

// finished records the result of task i of the given source size.
func (t *tracker) finished(i int, size int64, r FileResult) {
	t.mu.Lock()
	delete(t.active, i)
	t.p.Done++
	t.p.BytesDone += size
	if r.Status == StatusConverted {
		t.p.BytesIn += r.BytesIn
		t.p.BytesOut += r.BytesOut
	}
	t.p.Files = append(t.p.Files, r)
	t.dirty = true
	t.mu.Unlock()
}

// snapshot returns the event to emit, if anything changed (or final), and resets the per-event files.
func (t *tracker) snapshot(final bool) (Progress, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.dirty && !final {
		return Progress{}, false
	}
	p := t.p
	p.Final = final
	p.Elapsed = time.Since(t.start)
	if p.BytesDone > 0 && p.BytesTotal > p.BytesDone {
		p.ETA = time.Duration(float64(p.Elapsed) * float64(p.BytesTotal-p.BytesDone) / float64(p.BytesDone))
	}
	p.Active = make([]string, 0, len(t.active))
	for _, s := range t.active {
		p.Active = append(p.Active, s)
	}
	sort.Strings(p.Active)
	t.p.Files = nil
	t.dirty = false
	return p, true
}

// finish stops the ticker and emits the final event.
func (t *tracker) finish() {
	if t.cb == nil {
		return
	}
	close(t.stop)
	<-t.done
	p, _ := t.snapshot(true)
	t.cb(p)
}
