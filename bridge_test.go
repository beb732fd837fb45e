package main

import (
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"imageconverter/about"
	"imageconverter/functions/wire"
	"imageconverter/history"
	"imageconverter/settings"
)

// The TypeScript interfaces of frontend/src/lib/api.ts mirror the types
// that cross the bridge (hand-written, not generated): every JSON field of
// each Go type has its field in the interface of the same name, and the
// interface has no field the Go side does not send.
func TestTypeScriptMirrorsTheBoundTypes(t *testing.T) {
	src, err := os.ReadFile("frontend/src/lib/api.ts")
	if err != nil {
		t.Fatal(err)
	}
	ifaces := map[string][]string{}
	block := regexp.MustCompile(`(?s)export interface (\w+) \{(.*?)\n\}`)
	field := regexp.MustCompile(`(?m)^\s+(\w+)\??:`)
	for _, m := range block.FindAllStringSubmatch(string(src), -1) {
		for _, f := range field.FindAllStringSubmatch(m[2], -1) {
			ifaces[m[1]] = append(ifaces[m[1]], f[1])
		}
	}
	for _, v := range []any{ConvertRequest{}, wire.Refusal{}, RunInfo{}, Progress{}, FileResult{}, Summary{},
		EngineInfo{}, settings.Settings{}, PlanInfo{}, Device{}, AccountState{}, CheckoutInfo{}, ScanPlace{},
		ScanProgress{}, ScanFolder{}, ScanResult{}, ScheduleRequest{}, ScheduleInfo{}, UpdateInfo{}, AboutInfo{}, about.Component{}, RenewalIssue{}, history.Run{}, history.File{},
		CompareInfo{}, CompareRequest{}, CompareResult{}} {
		typ := reflect.TypeOf(v)
		// Types of other packages whose plain name would be ambiguous in api.ts.
		tsName := map[string]string{"history.Run": "HistoryRun", "history.File": "HistoryFile"}[typ.String()]
		if tsName == "" {
			tsName = typ.Name()
		}
		var want []string
		for i := range typ.NumField() {
			name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			if name != "" && name != "-" {
				want = append(want, name)
			}
		}
		got, ok := ifaces[tsName]
		if !ok {
			t.Errorf("api.ts has no interface %s", tsName)
			continue
		}
		sort.Strings(want)
		sort.Strings(got)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("interface %s has fields %v, Go sends %v", tsName, got, want)
		}
	}
}
