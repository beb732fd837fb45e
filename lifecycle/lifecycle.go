// Package lifecycle decides what closing the window does: quit, or keep
// working in the background (watched folders, a run going), or ask.
package lifecycle

// What closing the window does (settings.Settings.CloseAction).
const (
	Ask        = "ask"
	Background = "background"
	Quit       = "quit"
)

// OnClose is the decision for a window closed while watching folders are
// on and running tells whether a run goes, given the user's choice.
func OnClose(watching int, running bool, choice string) string {
	if watching == 0 && !running {
		return Quit // nothing would go on
	}
	switch choice {
	case Quit, Background:
		return choice
	}
	return Ask
}
