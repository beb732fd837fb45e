package platform

import (
	"fmt"
	"net/url"
	"os/exec"
	"path/filepath"
	goruntime "runtime"

	"github.com/godbus/dbus/v5"
)

// showInFolder opens the file manager at path's folder with path selected:
// Explorer's /select, Finder's reveal, and on Linux the freedesktop
// FileManager1 interface (Files, Dolphin, Nemo, Thunar…); where none
// answers, the folder opens without a selection.
func showInFolder(path string) error {
	switch goruntime.GOOS {
	case "windows":
		// explorer exits with 1 even when it worked: only a failed start counts.
		cmd := exec.Command("explorer.exe", "/select,"+path)
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("show %s: %w", path, err)
		}
		go func() { _ = cmd.Wait() }()
		return nil
	case "darwin":
		if err := exec.Command("open", "-R", path).Run(); err != nil {
			return fmt.Errorf("show %s: %w", path, err)
		}
		return nil
	}
	if err := fileManagerShowItems(path); err == nil {
		return nil
	}
	return openWithSystem(filepath.Dir(path))
}

// fileManagerShowItems asks the session's file manager over D-Bus.
func fileManagerShowItems(path string) error {
	conn, err := dbus.SessionBus()
	if err != nil {
		return err
	}
	u := url.URL{Scheme: "file", Path: path}
	obj := conn.Object("org.freedesktop.FileManager1", "/org/freedesktop/FileManager1")
	return obj.Call("org.freedesktop.FileManager1.ShowItems", 0, []string{u.String()}, "").Err
}
