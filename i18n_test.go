package main

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"imageconverter/uierr"
)

// readLocales reads the UI's translations (frontend/src/lib/locales/*.json).
func readLocales(t *testing.T) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, lang := range []string{"ko", "en", "ja"} {
		b, err := os.ReadFile("frontend/src/lib/locales/" + lang + ".json")
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]any{}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s.json: %v", lang, err)
		}
		out[lang] = m
	}
	return out
}

// constValues returns the string constants of file whose names start with
// prefix: the codes as the Go source declares them, not a list kept by hand.
func constValues(t *testing.T, file, prefix string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok {
			return true
		}
		for i, name := range vs.Names {
			if !strings.HasPrefix(name.Name, prefix) || i >= len(vs.Values) {
				continue
			}
			if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if v, err := strconv.Unquote(lit.Value); err == nil && v != "" {
					out = append(out, v)
				}
			}
		}
		return true
	})
	if len(out) == 0 {
		t.Fatalf("no %s* constants in %s", prefix, file)
	}
	return out
}

// Every code the Go side can send to the UI has a sentence in Korean,
// English and Japanese: failure reasons of files, plan refusals, account
// notices and errors of every bound method.
func TestEveryCodeHasATranslation(t *testing.T) {
	loc := readLocales(t)
	groups := map[string][]string{
		"reason.": constValues(t, "converter/result.go", "Code"),
		"refuse.": constValues(t, "licensing/policy/policy.go", "Code"),
		"notice.": append(constValues(t, "licensing/reasons.go", "Reason"), "storage_file"),
		"err.": append(append(append(uierr.Declared(),
			constValues(t, "licensing/errors.go", "Code")...),
			constValues(t, "licensing/firebaseauth/errors.go", "Code")...),
			constValues(t, "functions/wire/errors.go", "Code")...),
	}
	if len(uierr.Declared()) < 20 {
		t.Fatalf("only %d declared error codes: the packages that declare them are not linked in", len(uierr.Declared()))
	}
	for prefix, codes := range groups {
		for _, code := range codes {
			for lang, m := range loc {
				if _, ok := m[prefix+code]; !ok {
					t.Errorf("%s.json has no %s%s", lang, prefix, code)
				}
			}
		}
	}
}

// The three languages have the same keys, and every plural message has its
// "other" form.
func TestLocalesHaveTheSameKeys(t *testing.T) {
	loc := readLocales(t)
	keys := func(m map[string]any) string {
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		return strings.Join(ks, "\n")
	}
	for _, lang := range []string{"en", "ja"} {
		if keys(loc[lang]) != keys(loc["ko"]) {
			t.Errorf("%s.json and ko.json have different keys", lang)
		}
	}
	for lang, m := range loc {
		for k, v := range m {
			if p, ok := v.(map[string]any); ok {
				if _, ok := p["other"]; !ok {
					t.Errorf("%s.json %s: plural forms without \"other\"", lang, k)
				}
			}
		}
	}
}

// English counts use plural forms: "{n} files" must not read "1 files".
// A count followed by an English plural noun in a plain string is refused;
// such a message must be {"one": …, "other": …}.
func TestEnglishCountsArePlural(t *testing.T) {
	countThenNoun := regexp.MustCompile(`\{(n|count|c|s|f|files|folders|done|total)\} [a-z]+s\b`)
	for k, v := range readLocales(t)["en"] {
		if s, ok := v.(string); ok && countThenNoun.MatchString(s) {
			t.Errorf("en.json %s = %q: a count with a plural noun needs plural forms", k, s)
		}
	}
}
