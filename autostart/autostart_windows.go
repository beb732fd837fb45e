package autostart

import (
	"strings"

	"golang.org/x/sys/windows/registry"
)

const runKey = `Software\\Microsoft\\Windows\\CurrentVersion\\Run`

func enable(exe string, args []string) error {
	k, _, err := registry.CreateKey(registry.CURRENT_USER, runKey, registry.SET_VALUE)
	if err != nil {
		return err
	}
	defer k.Close()
	cmd := `"` + exe + `"`
	if len(args) > 0 {
		cmd += " " + strings.Join(args, " ")
	}
	return k.SetStringValue(Name, cmd)
}

func disable() error {
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.SET_VALUE)
	if err != nil {
		return nil // no Run key: nothing to remove
	}
	defer k.Close()
	if err := k.DeleteValue(Name); err != nil && err != registry.ErrNotExist {
		return err
	}
	return nil
}

func enabled() bool {
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.QUERY_VALUE)
	if err != nil {
		return false
	}
	defer k.Close()
	_, _, err = k.GetStringValue(Name)
	return err == nil
}
