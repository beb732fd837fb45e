package converter

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"
)

// Output names follow a pattern the user chooses: text with tokens that are replaced per photo. The
// default, DefaultNamePattern, is the original's name, so "IMG_1.jpg" becomes "IMG_1.webp".
//
//	{name}  the original's name without its extension ("IMG_1")
//	{date}  the original's modification date, YYYY-MM-DD in local time ("2024-05-17")
//	{ext}   the original's extension without the dot, lower case ("jpg")
//
// Every pattern must contain {name}: two photos of one folder then never share an output name
// (except "a.jpg" and "a.png", which the planner already tells apart with "-png"), whatever else
// the pattern says. A pattern is one file name, never a path.
const DefaultNamePattern = "{name}"

// MaxNamePatternLength bounds a pattern (in characters), well below the 255 bytes most file systems
// allow for a name, so that the original's name still fits in the result.
const MaxNamePatternLength = 100

// nameTokens are the tokens a pattern may use.
var nameTokens = []string{"{name}", "{date}", "{ext}"}

// NameError is a pattern that cannot name files: a stable Code (NameNeedsName…) and the reason as
// an English sentence.
type NameError struct{ Code, Reason string }

// NameError codes.
const (
	NameNeedsName    = "needs_name"     // no {name}
	NameUnknownToken = "unknown_token"  // a {…} that is not a token
	NameSeparator    = "separator"      // / or \
	NameForbidden    = "forbidden_char" // a character Windows refuses, or a control character
	NameTooLong      = "too_long"       // above MaxNamePatternLength
	NameEdge         = "edge"           // a space at either end, or a dot at the end
)

func (e *NameError) Error() string { return e.Reason }

// CheckNamePattern says what is wrong with a pattern, or nil. "" counts as DefaultNamePattern.
// The rules hold on every OS, so a pattern chosen on Linux still works on a Windows share.
func CheckNamePattern(pattern string) error {
	if pattern == "" {
		return nil
	}
	if strings.TrimSpace(pattern) != pattern {
		return &NameError{NameEdge, "The name pattern must not start or end with a space."}
	}
	if utf8.RuneCountInString(pattern) > MaxNamePatternLength {
		return &NameError{NameTooLong, fmt.Sprintf("The name pattern is too long (at most %d characters).", MaxNamePatternLength)}
	}
	if !strings.Contains(pattern, "{name}") {
		return &NameError{NameNeedsName, "The name pattern must contain {name}, so that every photo gets its own file."}
	}
	if strings.HasSuffix(pattern, ".") {
		return &NameError{NameEdge, "The name pattern must not end with a dot."}
	}
	rest := pattern
	for _, tok := range nameTokens {
		rest = strings.ReplaceAll(rest, tok, "")
	}
	for _, r := range rest {
		switch {
		case r == '{' || r == '}':
			return &NameError{NameUnknownToken, "The name pattern has an unknown {…} part: use {name}, {date} or {ext}."}
		case r == '/' || r == '\\':
			return &NameError{NameSeparator, "The name pattern must not contain / or \\: it names a file, not a folder."}
		case strings.ContainsRune(`:*?"<>|`, r):
			return &NameError{NameForbidden, `The name pattern must not contain any of : * ? " < > | (Windows does not allow them in file names).`}
		case r < 0x20 || r == 0x7f:
			return &NameError{NameForbidden, "The name pattern must not contain control characters."}
		}
	}
	return nil
}

// OutputStem is the output's name without extension for the original named srcName (with its
// extension) and modified at mod, under pattern ("" = DefaultNamePattern). The planner names every
// output with it, and the settings' preview shows it, so the two cannot differ.
func OutputStem(pattern, srcName string, mod time.Time) string {
	if pattern == "" {
		pattern = DefaultNamePattern
	}
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(srcName), "."))
	return strings.NewReplacer(
		"{name}", stem(srcName),
		"{date}", mod.Format(time.DateOnly),
		"{ext}", ext,
	).Replace(pattern)
}

// OutputName is OutputStem with the output format's extension: what the preview shows.
func OutputName(pattern, srcName string, mod time.Time, format string) string {
	return OutputStem(pattern, srcName, mod) + "." + strings.ToLower(format)
}

// usesDate reports whether names depend on the source's modification time.
func usesDate(pattern string) bool { return strings.Contains(pattern, "{date}") }
