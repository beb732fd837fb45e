// Package locale gives the Go side the UI's sentences (the JSON files of
// frontend/src/lib/locales, embedded by main), for the few words the app
// says outside its window: desktop notifications.
package locale

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
)

// Catalog holds the messages of each language.
type Catalog struct {
	langs map[string]map[string]json.RawMessage
}

// Load reads <lang>.json for ko, en and ja from fsys.
func Load(fsys fs.FS) (*Catalog, error) {
	c := &Catalog{langs: map[string]map[string]json.RawMessage{}}
	for _, lang := range []string{"ko", "en", "ja"} {
		b, err := fs.ReadFile(fsys, lang+".json")
		if err != nil {
			return nil, fmt.Errorf("locale %s: %w", lang, err)
		}
		m := map[string]json.RawMessage{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("locale %s: %w", lang, err)
		}
		c.langs[lang] = m
	}
	return c, nil
}

// T is the message key in lang (Korean when lang is unknown), with {name}
// replaced by vars; a message with plural forms picks "one" for n == 1 in
// English and "other" otherwise (Korean and Japanese have one form).
func (c *Catalog) T(lang, key string, vars map[string]any) string {
	m, ok := c.langs[lang]
	if !ok {
		lang, m = "ko", c.langs["ko"]
	}
	raw, ok := m[key]
	if !ok {
		raw = c.langs["ko"][key]
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		var forms map[string]string
		if json.Unmarshal(raw, &forms) != nil {
			return key
		}
		s = forms["other"]
		if n, ok := vars["n"].(int); ok && n == 1 && lang == "en" && forms["one"] != "" {
			s = forms["one"]
		}
	}
	for k, v := range vars {
		s = strings.ReplaceAll(s, "{"+k+"}", fmt.Sprint(v))
	}
	return s
}
