//go:build e2e

package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"
)

// Test hooks of binaries built with -tags e2e (tests/gui, tests/e2e; never
// shipped). With IC_E2E_CONTROL=host:port the app serves:
//
//	GET /ping     asks the page to answer through a bound call; the answer
//	              (the page's address, screen, run phase) proves the window
//	              still shows the app and its bindings work
//	GET /journal  every StartConversion call so far: each drop handled once
//	POST /clock?advance=192h  moves the licensing clock forward
//
// The page answers pings through the bound object E2E (window.go.main.E2E).
type E2E struct {
	app     *App
	mu      sync.Mutex
	waiting map[string]chan map[string]any
	journal []journalEntry
}

type journalEntry struct {
	Paths []string  `json:"paths"`
	At    time.Time `json:"at"`
}

// Pong is the page's answer to a ping.
func (e *E2E) Pong(id string, info map[string]any) {
	e.mu.Lock()
	ch := e.waiting[id]
	delete(e.waiting, id)
	e.mu.Unlock()
	if ch != nil {
		ch <- info
	}
}

func testHooks(a *App) []any {
	addr := os.Getenv("IC_E2E_CONTROL")
	if addr == "" {
		return nil
	}
	e := &E2E{app: a, waiting: map[string]chan map[string]any{}}
	a.onConvert = func(req ConvertRequest) {
		e.mu.Lock()
		e.journal = append(e.journal, journalEntry{Paths: req.Paths, At: time.Now()})
		e.mu.Unlock()
	}
	mux := http.NewServeMux()
	var n int
	mux.HandleFunc("GET /ping", func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		n++
		id := strconv.Itoa(n)
		ch := make(chan map[string]any, 1)
		e.waiting[id] = ch
		e.mu.Unlock()
		a.emit("e2e:ping", id)
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
		e2eClockOffset.Add(int64(d))
		a.emit(EventAccount, a.Account())
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
