package account

import (
	"context"
	"time"
)

// WatchConnection checks every so often, until ctx ends, that the service
// can be reached, and calls changed when the account went offline or came
// back (the offline banner comes and goes by itself). It also records the
// time seen, so a clock set back while the app is closed is noticed.
func WatchConnection(ctx context.Context, a Account, every time.Duration, changed func()) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if CheckConnection(ctx, a) {
			changed()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// CheckConnection checks once; it reports whether the offline state changed.
func CheckConnection(ctx context.Context, a Account) bool {
	before := a.Status().Offline
	a.CheckConnection(ctx)
	_ = a.RecordTime() // a failure to save is said when the sign-in is saved
	return a.Status().Offline != before
}
