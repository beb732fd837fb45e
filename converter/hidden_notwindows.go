//go:build !windows

package converter

// setTempHidden: elsewhere the leading dot of ".ic-tmp-…" hides a named temporary file.
func setTempHidden(string, bool) {}
