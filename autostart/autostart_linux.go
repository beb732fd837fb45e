package autostart

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// entry is the XDG autostart file (freedesktop.org Desktop Application Autostart).
func entry() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "autostart", Name+".desktop"), nil
}

func enable(exe string, args []string) error {
	p, err := entry()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	cmd := []string{quote(exe)}
	for _, a := range args {
		cmd = append(cmd, quote(a))
	}
	body := fmt.Sprintf("[Desktop Entry]\nType=Application\nName=ImageConverter\nExec=%s\nX-GNOME-Autostart-enabled=true\nNoDisplay=true\n",
		strings.Join(cmd, " "))
	return os.WriteFile(p, []byte(body), 0o644)
}

// quote makes an Exec argument: a value with spaces or reserved characters
// is double-quoted, with ", `, $ and \ escaped (the desktop entry spec).
func quote(s string) string {
	if !strings.ContainsAny(s, " \t\n\"'\\$`") {
		return s
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "`", "\\`", `$`, `\$`)
	return `"` + r.Replace(s) + `"`
}

func disable() error {
	p, err := entry()
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}

func enabled() bool {
	p, err := entry()
	if err != nil {
		return false
	}
	_, err = os.Stat(p)
	return err == nil
}
