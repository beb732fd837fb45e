package httpx

import (
	"errors"
	"net/http/httptest"
	"testing"

	"imageconverter/functions/wire"
)

func TestCheckScheduler(t *testing.T) {
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
			assertCode(t, CheckScheduler(r, "s3cret"), tc.want)
		})
	}
	// Without a configured secret nobody passes.
	r := httptest.NewRequest("POST", "/v1/renewals/run", nil)
	r.Header.Set("X-Scheduler-Secret", "anything")
	assertCode(t, CheckScheduler(r, ""), wire.CodePermissionDenied)
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
