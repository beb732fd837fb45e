package licensing

import (
	"context"
	"net"
	"net/url"
	"time"
)

// dialTimeout bounds one connection check.
const dialTimeout = 3 * time.Second

// CheckConnection tells whether the service can be reached, and keeps
// Status().Offline up to date, without a request to the API: it only opens
// (and closes) a TCP connection to the API's host, which costs the service
// nothing. Call it every minute or so and when the window gets focus.
// Coming back online, the entitlement is refreshed if it is due, so the
// offline banner goes and waiting usage is sent.
func (s *Service) CheckConnection(ctx context.Context) (online bool) {
	online = s.dial(ctx)
	s.mu.Lock()
	wasOffline := s.offline
	s.offline = !online
	s.mu.Unlock()
	if online && wasOffline {
		_ = s.EnsureFresh(ctx) // fails quietly: the next check tries again
	}
	return online
}

func (s *Service) dial(ctx context.Context) bool {
	u, err := url.Parse(s.cfg.APIBase)
	if err != nil || u.Host == "" {
		return false
	}
	host := u.Host
	if u.Port() == "" {
		port := "443"
		if u.Scheme == "http" {
			port = "80"
		}
		host = net.JoinHostPort(u.Hostname(), port)
	}
	ctx, cancel := context.WithTimeout(ctx, dialTimeout)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", host)
	if err != nil {
		return false
	}
	_ = conn.Close()
	return true
}
