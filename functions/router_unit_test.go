package api

import (
	"errors"
	"net/http/httptest"
	"testing"

	"imageconverter/functions/internal/config"
	"imageconverter/functions/wire"
)

func TestCheckScheduler(t *testing.T) {
	s := &Server{cfg: &config.Config{SchedulerSecret: "s3cret"}}
	cases := []struct {
		name    string
		headers []string
		want    wire.Code // "" = allowed
	}{
		{"header", []string{"X-Scheduler-Secret", "s3cret"}, ""},
		{"bearer", []string{"Authorization", "Bearer s3cret"}, ""},
		{"missing", nil, wire.CodeUnauthenticated},
		{"wrong", []string{"X-Scheduler-Secret", "guess"}, wire.CodePermissionDenied},
		{"prefix of the secret", []string{"X-Scheduler-Secret", "s3c"}, wire.CodePermissionDenied},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/v1/renewals/run", nil)
			for i := 0; i+1 < len(tc.headers); i += 2 {
				r.Header.Set(tc.headers[i], tc.headers[i+1])
			}
			assertCode(t, s.checkScheduler(r), tc.want)
		})
	}
	// Without a configured secret nobody passes.
	empty := &Server{cfg: &config.Config{}}
	r := httptest.NewRequest("POST", "/v1/renewals/run", nil)
	r.Header.Set("X-Scheduler-Secret", "anything")
	assertCode(t, empty.checkScheduler(r), wire.CodePermissionDenied)
}

func assertCode(t *testing.T, err error, want wire.Code) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("err = %v, want allowed", err)
		}
		return
	}
	var e *Error
	if !errors.As(err, &e) || e.Code != want {
		t.Fatalf("err = %v, want %s", err, want)
	}
}

func TestClientIP(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.0.0.7:5555"
	r.Header.Set("X-Forwarded-For", "203.0.113.9, 10.0.0.1")
	if got := (&Server{cfg: &config.Config{TrustProxy: true}}).clientIP(r); got != "203.0.113.9" {
		t.Errorf("behind proxy = %q", got)
	}
	if got := (&Server{cfg: &config.Config{}}).clientIP(r); got != "10.0.0.7" {
		t.Errorf("direct = %q (a client must not pick its IP with a header)", got)
	}
}

func TestLimiter(t *testing.T) {
	if !newLimiter(0, 0).allow("x") {
		t.Fatal("disabled limiter refused")
	}
	l := newLimiter(0.001, 2)
	if !l.allow("a") || !l.allow("a") || l.allow("a") {
		t.Fatal("burst of 2 not enforced")
	}
	if !l.allow("b") {
		t.Fatal("keys share a bucket")
	}
}
