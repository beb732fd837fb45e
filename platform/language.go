package platform

import (
	"os"
	"strings"
)

// Language returns the user's preferred language among those the UI has
// ("ko", "en", "ja"), or "" when the environment does not say. It reads the
// POSIX locale variables in their order of precedence, because WebKitGTK's
// navigator.language falls back to en-US whenever the locale is not installed
// in the C library; the UI uses navigator.language only when this is "".
func Language() string {
	for _, name := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(name)
		if v == "" {
			continue
		}
		// LANGUAGE is a colon-separated preference list; the others one locale.
		for _, tag := range strings.Split(v, ":") {
			base := strings.ToLower(tag)
			if i := strings.IndexAny(base, "_.@-"); i >= 0 {
				base = base[:i]
			}
			switch base {
			case "ko", "en", "ja":
				return base
			}
		}
		if name != "LANGUAGE" {
			return "" // a set locale we have no translation for (or C/POSIX)
		}
	}
	return ""
}
