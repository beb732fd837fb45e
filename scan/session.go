package scan

import (
	"context"
	"sync"

	"imageconverter/uierr"
)

var codeScanBusy = uierr.Declare("scan_busy")

// Session is the app's one scan at a time: started in the background, able
// to be cancelled, and keeping the last finished result, whose folders the
// user then picks to convert.
type Session struct {
	mu     sync.Mutex
	cancel context.CancelFunc // nil when no scan runs
	last   *Result
}

// Start scans roots for format in the background; onProgress hears each
// root, onDone the end: the result, whether it was cancelled, and the error
// that stopped it.
func (s *Session) Start(ctx context.Context, roots []string, format string, onProgress func(Progress),
	onDone func(r Result, canceled bool, err error)) error {
	ctx, cancel := context.WithCancel(ctx)
	s.mu.Lock()
	if s.cancel != nil {
		s.mu.Unlock()
		cancel()
		return uierr.New(codeScanBusy, "A scan is already running; wait for it or cancel it.")
	}
	s.cancel = cancel
	s.mu.Unlock()
	go func() {
		defer cancel()
		res, err := Scan(ctx, roots, format, onProgress)
		canceled := ctx.Err() != nil
		s.mu.Lock()
		s.cancel = nil
		if !canceled && err == nil {
			s.last = &res
		}
		s.mu.Unlock()
		onDone(res, canceled, err)
	}()
	return nil
}

// Cancel stops the scan in progress; it reports whether one ran.
func (s *Session) Cancel() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancel == nil {
		return false
	}
	s.cancel()
	return true
}

// Last is the last finished scan, nil before the first.
func (s *Session) Last() *Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}
