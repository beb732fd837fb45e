package licensing

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"
)

// The connection check sees a service that stopped answering, and one that
// came back, without asking the API anything: Status().Offline follows it,
// so the app can show the offline banner with the days left.
func TestCheckConnectionFollowsTheService(t *testing.T) {
	e := newOffline(t, "dev-a")
	e.install(t, "u1", "basic", "dev-a")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e.svc.cfg.APIBase = "http://" + l.Addr().String()
	accepted := make(chan struct{}, 4)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			accepted <- struct{}{}
			c.Close()
		}
	}()

	if !e.svc.CheckConnection(context.Background()) || e.svc.Status().Offline {
		t.Fatal("a listening service was taken as offline")
	}
	select {
	case <-accepted:
	case <-time.After(2 * time.Second):
		t.Fatal("the check did not connect")
	}

	l.Close() // the service stops
	if e.svc.CheckConnection(context.Background()) {
		t.Fatal("a closed port was taken as online")
	}
	st := e.svc.Status()
	if !st.Offline || st.Plan != "basic" || st.GraceDaysLeft != 7 {
		t.Errorf("offline: %+v, want offline on basic with 7 days left", st)
	}

	// A host that does not resolve is offline too.
	e.svc.cfg.APIBase = "https://nothing.invalid"
	if e.svc.CheckConnection(context.Background()) || !strings.Contains(e.svc.cfg.APIBase, "invalid") {
		t.Error("an unknown host was taken as online")
	}
}
