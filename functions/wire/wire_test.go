package wire

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestEveryCodeHasAStatus(t *testing.T) {
	seen := map[Code]bool{}
	for _, c := range Codes {
		if seen[c] {
			t.Errorf("code %q listed twice", c)
		}
		seen[c] = true
		if s := HTTPStatus(c); s < 400 || (s == http.StatusInternalServerError && c != CodeInternal) {
			t.Errorf("code %q maps to status %d", c, s)
		}
	}
}

func TestJSONShapes(t *testing.T) {
	limit := 5
	b, _ := json.Marshal(PlansResponse{Plans: []Plan{{ID: "free", DailyLimit: &limit}, {ID: "pro"}}})
	for _, want := range []string{`"plans":[`, `"id":"free"`, `"priceKRW":0`, `"dailyLimit":5`, `"dailyLimit":null`, `"maxDevices"`, `"batchSize"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("plans JSON %s lacks %s", b, want)
		}
	}
	b, _ = json.Marshal(ErrorResponse{Error: ErrorBody{Code: CodeQuotaExceeded, Message: "m"}})
	if string(b) != `{"error":{"code":"quota_exceeded","message":"m"}}` {
		t.Errorf("error JSON = %s", b)
	}
	b, _ = json.Marshal(ReserveResponse{Granted: 2})
	if !strings.Contains(string(b), `"granted":2,"remaining":null`) {
		t.Errorf("reserve JSON = %s", b)
	}
}
