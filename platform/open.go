package platform

import (
	"bytes"
	"fmt"
	"os/exec"
	goruntime "runtime"
	"strings"
	"time"
)

// openWait is how long an opener may take to fail. xdg-open and open exit
// with an error at once when nothing can open the target; when they are
// still running after this (a browser started in the foreground), the
// target is taken as open.
const openWait = 4 * time.Second

// openWithSystem opens a folder or a web address with the program the
// system has for it, and reports when none could.
func openWithSystem(target string) error {
	var cmd *exec.Cmd
	switch goruntime.GOOS {
	case "windows":
		// explorer exits with 1 even when it worked, so only a failed start counts.
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", target)
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("open %s: %w", target, err)
		}
		go func() { _ = cmd.Wait() }()
		return nil
	case "darwin":
		cmd = exec.Command("open", target)
	default:
		cmd = exec.Command("xdg-open", target)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("open %s: %w", target, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("open %s: %w (%s)", target, err, strings.TrimSpace(stderr.String()))
		}
		return nil
	case <-time.After(openWait):
		return nil // still running: the program that opens it took over
	}
}
