package autostart

import (
	"fmt"
	"html"
	"os"
	"path/filepath"
)

const label = "com.imageconverter.app"

func plist() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, "Library", "LaunchAgents", label+".plist"), nil
}

func enable(exe string, args []string) error {
	p, err := plist()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	prog := "<string>" + html.EscapeString(exe) + "</string>"
	for _, a := range args {
		prog += "<string>" + html.EscapeString(a) + "</string>"
	}
	body := fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
<key>Label</key><string>%s</string>
<key>ProgramArguments</key><array>%s</array>
<key>RunAtLoad</key><true/>
</dict></plist>
`, label, prog)
	return os.WriteFile(p, []byte(body), 0o644)
}

func disable() error {
	p, err := plist()
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}

func enabled() bool {
	p, err := plist()
	if err != nil {
		return false
	}
	_, err = os.Stat(p)
	return err == nil
}
