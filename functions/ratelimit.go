package api

import (
	"container/list"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiter is a token bucket per key (client IP or user id). Idle buckets are
// dropped so the map stays small on a long-lived instance, and the number of
// buckets is capped (the least recently used goes first), so a flood of new
// keys cannot grow memory without bound. Each instance limits on its own:
// this stops floods and runaway clients, not a determined distributed
// attacker (Cloud Armor's job).
type limiter struct {
	rps        rate.Limit
	burst      int
	maxBuckets int

	mu        sync.Mutex
	buckets   map[string]*list.Element // of *bucket
	lru       *list.List               // front: most recently used
	lastSweep time.Time
}

type bucket struct {
	key  string
	lim  *rate.Limiter
	seen time.Time
}

const limiterIdle = 10 * time.Minute

// defaultMaxBuckets bounds a limiter's memory (a bucket is ~200 bytes: a few
// MB at most). An evicted key starts again with a full bucket, so under a
// flood of distinct keys the oldest idle clients lose nothing they need.
const defaultMaxBuckets = 20000

// newLimiter returns nil (no limit) when rps is 0.
func newLimiter(rps float64, burst int) *limiter {
	if rps <= 0 {
		return nil
	}
	return &limiter{rps: rate.Limit(rps), burst: max(burst, 1), maxBuckets: defaultMaxBuckets,
		buckets: map[string]*list.Element{}, lru: list.New(), lastSweep: time.Now()}
}

// Allow takes one token for key (a nil limiter allows everything).
func (l *limiter) Allow(key string) bool {
	if l == nil {
		return true
	}
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) > limiterIdle {
		// The least recently used are at the back: stop at the first
		// bucket that is still in use.
		for e := l.lru.Back(); e != nil && now.Sub(e.Value.(*bucket).seen) > limiterIdle; e = l.lru.Back() {
			l.remove(e)
		}
		l.lastSweep = now
	}
	e, ok := l.buckets[key]
	if !ok {
		for l.lru.Len() >= l.maxBuckets {
			l.remove(l.lru.Back())
		}
		e = l.lru.PushFront(&bucket{key: key, lim: rate.NewLimiter(l.rps, l.burst)})
		l.buckets[key] = e
	} else {
		l.lru.MoveToFront(e)
	}
	b := e.Value.(*bucket)
	b.seen = now
	return b.lim.AllowN(now, 1)
}

func (l *limiter) remove(e *list.Element) {
	delete(l.buckets, e.Value.(*bucket).key)
	l.lru.Remove(e)
}

// size is the number of buckets kept (tests).
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// clientIP is the caller's address. Behind our proxies (TrustProxy) it is
// taken from X-Forwarded-For counting from the RIGHT: each proxy appends the
// address it received the request from, so the last TrustedProxies entries
// were written by proxies we trust and everything to their left is whatever
// the client sent (a client picking the first entry could choose its own
// rate-limit key). Google's front end appends the client's address, so with
// one trusted proxy the client is the rightmost entry. Without a header (or
// without TrustProxy) it is the TCP peer.
func (s *Server) clientIP(r *http.Request) string {
	hops := s.cfg.TrustedProxies
	if hops == 0 && s.cfg.TrustProxy {
		hops = 1
	}
	if hops > 0 {
		var entries []string
		for _, h := range r.Header.Values("X-Forwarded-For") {
			for _, part := range strings.Split(h, ",") {
				if part = strings.TrimSpace(part); part != "" {
					entries = append(entries, part)
				}
			}
		}
		if n := len(entries); n > 0 {
			// Fewer entries than proxies: all of them were written by our
			// proxies, and the leftmost is the furthest out.
			return entries[max(n-hops, 0)]
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
