// Package checkout follows an order that the user pays in the browser, so
// the app can switch to the new plan within seconds of the payment, and say
// so when the payment was declined or left unfinished. Nothing here grants
// a plan: a paid order only makes the app fetch its entitlement again.
package checkout

import (
	"context"
	"net/url"
	"sync"
	"time"

	"imageconverter/functions/wire"
)

// Status of the order being watched.
type Status string

const (
	Waiting Status = "waiting" // the checkout page is open; nothing paid yet
	Paid    Status = "paid"    // paid, and the entitlement was fetched again
	Failed  Status = "failed"  // the last attempt was declined; the page may try again
	Expired Status = "expired" // nothing happened for too long: given up
	Closed  Status = "closed"  // the user closed the panel in the app
)

// State is what the app shows about the checkout.
type State struct {
	OrderID     string
	Plan        string
	URL         string
	Opened      bool   // the browser was started with URL
	Status      Status // "" when no checkout was started
	FailureCode string // Toss's code of the last declined attempt
}

// Source is the account side: the order's status, and a refresh of the
// entitlement once it is paid.
type Source interface {
	Order(ctx context.Context, orderID string) (wire.CheckoutResponse, error)
	Refresh(ctx context.Context) error
}

// Watcher polls one order at a time, with backoff, until it is paid, the
// user closes it, or it has waited for GiveUp.
type Watcher struct {
	src      Source
	onChange func(State)
	// Delays between polls: the first few are short (people pay in about a
	// minute), then every Max until GiveUp. Read by Start.
	First, Max, GiveUp time.Duration

	mu     sync.Mutex
	state  State
	cancel context.CancelFunc
	poke   chan struct{}
}

// New returns a Watcher that tells onChange about every change of state.
func New(src Source, onChange func(State)) *Watcher {
	return &Watcher{src: src, onChange: onChange, First: 2 * time.Second, Max: 15 * time.Second, GiveUp: 30 * time.Minute}
}

// Start watches st.OrderID, replacing any order watched before.
func (w *Watcher) Start(ctx context.Context, st State) {
	ctx, cancel := context.WithCancel(ctx)
	poke := make(chan struct{}, 1)
	w.mu.Lock()
	if w.cancel != nil {
		w.cancel()
	}
	st.Status = Waiting
	w.state, w.cancel, w.poke = st, cancel, poke
	first, most, giveUp := w.First, w.Max, w.GiveUp
	w.mu.Unlock()
	w.onChange(st)
	go w.loop(ctx, st.OrderID, poke, first, most, giveUp)
}

// Open starts watching an order and opens its page with open (the
// browser); State.Opened says whether that worked.
func (w *Watcher) Open(ctx context.Context, orderID, plan, url string, open func(url string) error) State {
	w.Start(ctx, State{OrderID: orderID, Plan: plan, URL: url, Opened: open(url) == nil})
	return w.Current()
}

// Reopen opens the watched order's page again (the user closed the tab) and
// polls it at once; an order no longer waiting is left as it is.
func (w *Watcher) Reopen(open func(url string) error) State {
	st := w.Current()
	if st.Status != Waiting && st.Status != Failed {
		return st
	}
	st.Opened = open(st.URL) == nil
	w.mu.Lock()
	w.state.Opened = st.Opened
	w.mu.Unlock()
	w.Poke()
	return st
}

// Poke asks for the order now (the window got focus: the user may be back
// from paying).
func (w *Watcher) Poke() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.poke != nil {
		select {
		case w.poke <- struct{}{}:
		default:
		}
	}
}

// Close stops watching; the panel in the app goes away.
func (w *Watcher) Close() State {
	w.mu.Lock()
	if w.cancel != nil {
		w.cancel()
		w.cancel, w.poke = nil, nil
	}
	if w.state.Status == Waiting || w.state.Status == Failed {
		w.state.Status = Closed
	}
	st := w.state
	w.mu.Unlock()
	return st
}

// Current is the state now.
func (w *Watcher) Current() State {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.state
}

func (w *Watcher) loop(ctx context.Context, orderID string, poke chan struct{}, first, most, giveUp time.Duration) {
	deadline := time.Now().Add(giveUp)
	delay := first
	for {
		select {
		case <-ctx.Done():
			return
		case <-poke:
		case <-time.After(delay):
			delay = min(delay*3/2, most)
		}
		if time.Now().After(deadline) {
			w.set(ctx, func(s *State) { s.Status = Expired })
			return
		}
		o, err := w.src.Order(ctx, orderID)
		if err != nil {
			continue // offline or the server is busy: the next poll tries again
		}
		switch o.Status {
		case "paid":
			// The plan changes only with the entitlement the server signs.
			for ctx.Err() == nil && w.src.Refresh(ctx) != nil {
				select {
				case <-ctx.Done():
				case <-time.After(first):
				}
			}
			w.set(ctx, func(s *State) { s.Status, s.FailureCode = Paid, "" })
			return
		case "failed":
			// Declined; the checkout page lets the user try another card,
			// so the watch goes on.
			w.set(ctx, func(s *State) { s.Status, s.FailureCode = Failed, o.FailureCode })
		}
	}
}

// set changes the state unless the watch was replaced or closed meanwhile.
func (w *Watcher) set(ctx context.Context, change func(*State)) {
	w.mu.Lock()
	if ctx.Err() != nil {
		w.mu.Unlock()
		return
	}
	before := w.state
	change(&w.state)
	st := w.state
	w.mu.Unlock()
	if st != before {
		w.onChange(st)
	}
}

// WithLanguage adds the UI's language (ko, en, ja) to a checkout page's address.
func WithLanguage(raw, lang string) string {
	if lang != "ko" && lang != "en" && lang != "ja" {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	q.Set("lang", lang)
	u.RawQuery = q.Encode()
	return u.String()
}
