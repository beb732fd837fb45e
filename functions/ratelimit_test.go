package api

import (
	"fmt"
	"net/http/httptest"
	"testing"

	"imageconverter/functions/internal/config"
)

func TestClientIP(t *testing.T) {
	ip := func(cfg config.Config, xff ...string) string {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = "10.0.0.7:5555"
		for _, v := range xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		return (&Server{cfg: &cfg}).clientIP(r)
	}
	oneProxy := config.Config{TrustProxy: true, TrustedProxies: 1}
	// Google's front end appends the address it saw: the client may have
	// sent anything before it, and must not pick its rate-limit key.
	if got := ip(oneProxy, "203.0.113.9"); got != "203.0.113.9" {
		t.Errorf("plain = %q", got)
	}
	if got := ip(oneProxy, "1.2.3.4, 5.6.7.8, 203.0.113.9"); got != "203.0.113.9" {
		t.Errorf("spoofed first entries = %q, want the rightmost (added by the front end)", got)
	}
	if got := ip(oneProxy, "1.2.3.4", "203.0.113.9"); got != "203.0.113.9" {
		t.Errorf("two header lines = %q", got)
	}
	// TrustProxy alone (older configs) means one proxy.
	if got := ip(config.Config{TrustProxy: true}, "9.9.9.9, 203.0.113.9"); got != "203.0.113.9" {
		t.Errorf("TrustProxy without a count = %q", got)
	}
	// An external load balancer in front appends "<client>, <lb>".
	twoProxies := config.Config{TrustProxy: true, TrustedProxies: 2}
	if got := ip(twoProxies, "9.9.9.9, 203.0.113.9, 35.191.0.1"); got != "203.0.113.9" {
		t.Errorf("two proxies = %q", got)
	}
	if got := ip(twoProxies, "203.0.113.9"); got != "203.0.113.9" {
		t.Errorf("two proxies, one entry = %q", got)
	}
	if got := ip(oneProxy); got != "10.0.0.7" {
		t.Errorf("no header = %q", got)
	}
	if got := ip(config.Config{}, "203.0.113.9, 10.0.0.1"); got != "10.0.0.7" {
		t.Errorf("direct = %q (a client must not pick its IP with a header)", got)
	}
}

// Spoofed leading X-Forwarded-For entries all land in the real client's
// bucket, so they cannot get around the limit.
func TestSpoofedForwardedForSharesTheBucket(t *testing.T) {
	s := &Server{cfg: &config.Config{TrustProxy: true, TrustedProxies: 1}}
	l := newLimiter(0.001, 3)
	allowed := 0
	for i := range 50 {
		r := httptest.NewRequest("POST", "/v1/webhooks/toss", nil)
		r.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.1, 198.51.100.4", i/256, i%256))
		if l.Allow(s.clientIP(r)) {
			allowed++
		}
	}
	if allowed != 3 {
		t.Fatalf("%d of 50 spoofed requests allowed, want the burst of 3", allowed)
	}
}

func TestLimiter(t *testing.T) {
	if !newLimiter(0, 0).Allow("x") {
		t.Fatal("disabled limiter refused")
	}
	l := newLimiter(0.001, 2)
	if !l.Allow("a") || !l.Allow("a") || l.Allow("a") {
		t.Fatal("burst of 2 not enforced")
	}
	if !l.Allow("b") {
		t.Fatal("keys share a bucket")
	}
}

// A flood of distinct keys keeps at most maxBuckets buckets; the least
// recently used go first, and a key in use keeps its (empty) bucket.
func TestLimiterBoundsItsBuckets(t *testing.T) {
	l := newLimiter(0.001, 1)
	l.maxBuckets = 100
	if !l.Allow("busy") || l.Allow("busy") {
		t.Fatal("burst of 1 not enforced")
	}
	for i := range 10000 {
		l.Allow(fmt.Sprintf("k%d", i))
		if i%50 == 0 && l.Allow("busy") {
			t.Fatalf("the busy key got a fresh bucket after %d new keys", i)
		}
	}
	if n := l.size(); n != 100 {
		t.Fatalf("%d buckets, want the cap of 100", n)
	}
	if n := newLimiter(1, 1).maxBuckets; n != defaultMaxBuckets || n <= 0 {
		t.Fatalf("default cap = %d", n)
	}
}
