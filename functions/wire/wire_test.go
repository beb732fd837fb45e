package wire

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// declaredCodes reads the Code constants declared in this package's source,
// so the test sees a code added to the const block but forgotten in Codes or
// HTTPStatus.
func declaredCodes(t *testing.T) map[Code]string {
	t.Helper()
	pkgs, err := parser.ParseDir(token.NewFileSet(), ".", func(fi fs.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[Code]string{}
	for _, p := range pkgs {
		for _, f := range p.Files {
			for _, d := range f.Decls {
				g, ok := d.(*ast.GenDecl)
				if !ok || g.Tok != token.CONST {
					continue
				}
				for _, spec := range g.Specs {
					vs := spec.(*ast.ValueSpec)
					if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Code" {
						continue
					}
					for i, name := range vs.Names {
						lit, ok := vs.Values[i].(*ast.BasicLit)
						if !ok {
							t.Fatalf("code %s is not a string literal", name.Name)
						}
						v, err := strconv.Unquote(lit.Value)
						if err != nil {
							t.Fatal(err)
						}
						out[Code(v)] = name.Name
					}
				}
			}
		}
	}
	return out
}

func TestEveryCodeHasAStatus(t *testing.T) {
	declared := declaredCodes(t)
	if len(declared) < 10 {
		t.Fatalf("found only %d Code constants in the source: %v", len(declared), declared)
	}
	listed := map[Code]bool{}
	for _, c := range Codes {
		if listed[c] {
			t.Errorf("code %q listed twice in Codes", c)
		}
		listed[c] = true
		if _, ok := declared[c]; !ok {
			t.Errorf("Codes lists %q, which is not a declared constant", c)
		}
	}
	for c, name := range declared {
		if !listed[c] {
			t.Errorf("%s (%q) is declared but missing from Codes", name, c)
		}
		if s := HTTPStatus(c); s < 400 || (s == http.StatusInternalServerError && c != CodeInternal) {
			t.Errorf("%s (%q) maps to status %d", name, c, s)
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
	if strings.Contains(string(b), `"sync"`) || strings.Contains(string(b), `"grant"`) || strings.Contains(string(b), `"renewalIssue"`) {
		t.Errorf("GET entitlement JSON has the POST parts: %s", b)
	}
	b, _ = json.Marshal(EntitlementResponse{Sync: &SyncResponse{Recorded: 1}, Grant: &ReserveResponse{Granted: 4}})
	if !strings.Contains(string(b), `"sync":{"recorded":1,`) || !strings.Contains(string(b), `"grant":{"granted":4,"remaining":null`) {
		t.Errorf("POST entitlement JSON = %s", b)
	}
}
