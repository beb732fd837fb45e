package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"imageconverter/licensing"
	"imageconverter/release"
	"imageconverter/update"
)

// settingsFlags checks the build settings in the environment and returns the
// -X flags. All or none: none is a test build (local stack), refused with
// IC_RELEASE=1; some is always a mistake, and every gap is named.
func settingsFlags(getenv func(string) string) (flags string, problems []string, given bool) {
	var out []string
	for _, s := range release.Settings() {
		v := strings.TrimSpace(getenv(s.Env))
		given = given || v != ""
		if err := s.Check(v); err != nil {
			problems = append(problems, err.Error())
			continue
		}
		out = append(out, "-X "+s.Var+"="+v)
	}
	return strings.Join(out, " "), problems, given
}

// ldflags prints the stamping flags, or nothing for a test build.
func ldflags(getenv func(string) string, warn io.Writer) (string, error) {
	flags, problems, given := settingsFlags(getenv)
	if len(problems) == 0 {
		return flags, nil
	}
	if given || getenv("IC_RELEASE") == "1" {
		return "", fmt.Errorf("refusing to build with incomplete production settings:\n  %s", strings.Join(problems, "\n  "))
	}
	fmt.Fprintln(warn, "releasetool: NOT FOR RELEASE: no production settings (IC_RELEASE_*): this build talks to the local stack.")
	return "", nil
}

// check is the whole release check: compiled-in keys and the settings.
func check(getenv func(string) string, warn io.Writer) error {
	var problems []string
	keys, err := licensing.BuiltinKeys()
	switch {
	case err != nil:
		problems = append(problems, err.Error())
	case len(keys) == 0:
		problems = append(problems, "no production entitlement key is compiled in (licensing/keys.go): every paying user would be on Free")
	}
	if len(update.TrustedKeys()) == 0 {
		problems = append(problems, "no update key is compiled in (update/keys.go): the app could never trust an update")
	}
	_, settings, _ := settingsFlags(getenv)
	problems = append(problems, settings...)
	if len(problems) == 0 {
		return nil
	}
	msg := strings.Join(problems, "\n  ")
	if getenv("IC_RELEASE") == "1" {
		return errors.New("refusing a release build:\n  " + msg)
	}
	fmt.Fprintf(warn, "releasetool: NOT FOR RELEASE (fine for tests; a tagged build with IC_RELEASE=1 refuses):\n  %s\n", msg)
	return nil
}
