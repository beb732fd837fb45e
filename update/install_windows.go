package update

import (
	"os/exec"
	"syscall"
)

// platformKey names this system's package in the manifest.
const platformKey = "windows-amd64"

// installKind: the app runs the installer itself and restarts.
const installKind = HowRestart

// startInstall runs the downloaded installer silently; it waits until the app
// has closed, installs over it (keeping the settings) and starts the new
// version (/RELAUNCH, build/windows/installer.nsi). The caller quits the app.
func startInstall(path string) error {
	cmd := exec.Command(path, "/S", "/RELAUNCH")
	// Its own process group: it outlives the app that started it.
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: 0x00000200} // CREATE_NEW_PROCESS_GROUP
	if err := cmd.Start(); err != nil {
		return err
	}
	return cmd.Process.Release()
}
