//go:build e2e

package e2ehooks

import (
	"encoding/json"
	"fmt"
	"imageconverter/account"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"
)

// Hooks answers the test's pings and keeps the journal (doc.go).
type Hooks struct {
	seams   Seams
	mu      sync.Mutex
	waiting map[string]chan map[string]any
	journal []journalEntry
}

type journalEntry struct {
	Paths []string  `json:"paths"`
	At    time.Time `json:"at"`
}

// Pong is the page's answer to a ping.
func (e *Hooks) Pong(id string, info map[string]any) {
	e.mu.Lock()
	ch := e.waiting[id]
	delete(e.waiting, id)
	e.mu.Unlock()
	if ch != nil {
		ch <- info
	}
}

// Bind starts the control server when IC_E2E_CONTROL is set and returns the
// object to bind; nil otherwise.
func Bind(s Seams) []any {
	addr := os.Getenv("IC_E2E_CONTROL")
	if addr == "" {
		return nil
	}
	e := &Hooks{seams: s, waiting: map[string]chan map[string]any{}}
	s.OnConvert(func(paths []string) {
		e.mu.Lock()
		e.journal = append(e.journal, journalEntry{Paths: paths, At: time.Now()})
		e.mu.Unlock()
	})
	a := s
	mux := http.NewServeMux()
	var n int
	mux.HandleFunc("GET /ping", func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		n++
		id := strconv.Itoa(n)
		ch := make(chan map[string]any, 1)
		e.waiting[id] = ch
		e.mu.Unlock()
		a.Emit("e2e:ping", id)
		select {
		case info := <-ch:
			_ = json.NewEncoder(w).Encode(info)
		case <-time.After(5 * time.Second):
			http.Error(w, "the page did not answer", http.StatusGatewayTimeout)
		}
	})
	mux.HandleFunc("POST /clock", func(w http.ResponseWriter, r *http.Request) {
		d, err := time.ParseDuration(r.URL.Query().Get("advance"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		account.AdvanceClock(d)
		a.AccountChanged()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /journal", func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		defer e.mu.Unlock()
		_ = json.NewEncoder(w).Encode(append([]journalEntry{}, e.journal...))
	})
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e control:", err)
		os.Exit(2)
	}
	go func() { _ = http.Serve(ln, mux) }()
	return []any{e}
}
