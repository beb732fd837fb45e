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
	// POST /v1/entitlement: both parts optional; the GET answer gains none.
	b, _ = json.Marshal(EntitlementRequest{Sync: []SyncEntry{{ID: "a", Day: "2026-11-27", Count: 1}}, Reserve: &ReserveRequest{RunID: "r", Count: 3}})
	if string(b) != `{"sync":[{"id":"a","day":"2026-11-27","count":1}],"reserve":{"runId":"r","count":3}}` {
		t.Errorf("entitlement request JSON = %s", b)
	}
	if b, _ = json.Marshal(EntitlementRequest{}); string(b) != `{}` {
		t.Errorf("empty entitlement request JSON = %s", b)
	}
	b, _ = json.Marshal(EntitlementResponse{})
	if strings.Contains(string(b), `"sync"`) || strings.Contains(string(b), `"grant"`) {
		t.Errorf("GET entitlement JSON has the POST parts: %s", b)
	}
	b, _ = json.Marshal(EntitlementResponse{Sync: &SyncResponse{Recorded: 1}, Grant: &ReserveResponse{Granted: 4}})
	if !strings.Contains(string(b), `"sync":{"recorded":1,`) || !strings.Contains(string(b), `"grant":{"granted":4,"remaining":null`) {
		t.Errorf("POST entitlement JSON = %s", b)
	}
}
