// Package release holds the production settings a shipped build is stamped
// with at build time (go build -ldflags "-X ..."): the API's address, the
// Firebase web configuration, the update manifest's address and the support
// link. They are build settings, not values in the source: cmd/releasetool
// reads them from the environment, refuses a release without every one of
// them and prints the flags (scripts/dist). A build stamped with none is a
// development or test build and talks to the local stack.
package release

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// The stamped values; empty in a development build.
var (
	APIBase        string
	FirebaseAPIKey string
	ProjectID      string
	UpdateURL      string
	SupportURL     string
)

// Setting is one build setting: where the build reads it and how it is checked.
type Setting struct {
	Env   string // the environment variable cmd/releasetool reads
	Var   string // the -X name it is stamped into
	About string // what it is, for the message naming a missing one
	value *string
	check func(string) error
}

// Value is the stamped value.
func (s Setting) Value() string { return *s.value }

// Check says what is wrong with v for this setting; nil when it will do.
func (s Setting) Check(v string) error {
	if strings.TrimSpace(v) == "" {
		return fmt.Errorf("%s is missing (%s)", s.Env, s.About)
	}
	if strings.ContainsAny(v, " \t\n'\"") {
		return fmt.Errorf("%s=%q has spaces or quotes", s.Env, v)
	}
	if err := s.check(v); err != nil {
		return fmt.Errorf("%s=%q: %v", s.Env, v, err)
	}
	return nil
}

// Settings lists every build setting, in the order messages name them.
func Settings() []Setting {
	return []Setting{
		{"IC_RELEASE_API_BASE", pkg + ".APIBase", "the `api` Cloud Function's URL, e.g. https://asia-northeast3-PROJECT.cloudfunctions.net/api", &APIBase, httpsURL},
		{"IC_RELEASE_FIREBASE_API_KEY", pkg + ".FirebaseAPIKey", "the Firebase web API key, from Project settings → General", &FirebaseAPIKey, apiKey},
		{"IC_RELEASE_PROJECT_ID", pkg + ".ProjectID", "the Firebase project id", &ProjectID, projectID},
		{"IC_RELEASE_UPDATE_URL", pkg + ".UpdateURL", "the signed update manifest, e.g. https://PROJECT.web.app/updates/stable.json", &UpdateURL, httpsURL},
		{"IC_RELEASE_SUPPORT_URL", pkg + ".SupportURL", "where users get help: an https page or a mailto: address", &SupportURL, supportURL},
	}
}

const pkg = "imageconverter/release"

// Stamped reports whether this binary was built with the production settings.
func Stamped() bool { return APIBase != "" }

// Problems checks the stamped values (a release build's own check, and the
// test that the flags reach the variables).
func Problems() []string {
	var out []string
	for _, s := range Settings() {
		if err := s.Check(s.Value()); err != nil {
			out = append(out, err.Error())
		}
	}
	return out
}

func httpsURL(v string) error {
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("want an https:// URL")
	}
	if h := u.Hostname(); h == "localhost" || strings.HasPrefix(h, "127.") || strings.Contains(h, "example") {
		return fmt.Errorf("%s is not a production host", h)
	}
	return nil
}

func supportURL(v string) error {
	if strings.HasPrefix(v, "mailto:") {
		if !strings.Contains(v, "@") || strings.Contains(v, "example") {
			return fmt.Errorf("want mailto:someone@your-domain")
		}
		return nil
	}
	return httpsURL(v)
}

// Firebase web API keys are "AIza" and 35 more characters.
var apiKeyRE = regexp.MustCompile(`^AIza[0-9A-Za-z_-]{35}$`)

func apiKey(v string) error {
	if !apiKeyRE.MatchString(v) {
		return fmt.Errorf("not a Firebase web API key (AIza…, 39 characters)")
	}
	return nil
}

var projectRE = regexp.MustCompile(`^[a-z][a-z0-9-]{4,28}[a-z0-9]$`)

func projectID(v string) error {
	if !projectRE.MatchString(v) || strings.HasPrefix(v, "demo-") {
		return fmt.Errorf("not a production project id (6–30 lowercase letters, digits, hyphens; demo- is the emulator's)")
	}
	return nil
}
