// Command notifyd is a stand-in desktop notification server for the GUI
// tests: it owns org.freedesktop.Notifications on the D-Bus session bus and
// writes every Notify call it receives as a JSON line to the file given, so
// a test can see what the app told the user.
//
//	notifyd /tmp/notes.jsonl
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"

	"github.com/godbus/dbus/v5"
)

const (
	name  = "org.freedesktop.Notifications"
	path  = "/org/freedesktop/Notifications"
	iface = "org.freedesktop.Notifications"
)

type server struct {
	mu  sync.Mutex
	out *os.File
	id  uint32
}

// Notify is the method of the Desktop Notifications Specification.
func (s *server) Notify(app string, replaces uint32, icon, summary, body string, actions []string,
	hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.id++
	line, _ := json.Marshal(map[string]any{"app": app, "summary": summary, "body": body})
	fmt.Fprintln(s.out, string(line))
	return s.id, nil
}

func (s *server) GetCapabilities() ([]string, *dbus.Error) { return []string{"body"}, nil }

func (s *server) GetServerInformation() (string, string, string, string, *dbus.Error) {
	return "notifyd", "imageconverter tests", "1", "1.2", nil
}

func (s *server) CloseNotification(uint32) *dbus.Error { return nil }

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: notifyd FILE")
		os.Exit(2)
	}
	out, err := os.OpenFile(os.Args[1], os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		fmt.Fprintln(os.Stderr, "notifyd:", err)
		os.Exit(1)
	}
	if err := conn.Export(&server{out: out}, path, iface); err != nil {
		fmt.Fprintln(os.Stderr, "notifyd:", err)
		os.Exit(1)
	}
	reply, err := conn.RequestName(name, dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		fmt.Fprintln(os.Stderr, "notifyd: cannot own", name, err)
		os.Exit(1)
	}
	fmt.Println("ready")
	select {}
}
