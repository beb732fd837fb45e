package checkout

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"imageconverter/functions/wire"
)

// orders is a Source whose order status the test sets, counting calls.
type orders struct {
	mu        sync.Mutex
	status    string
	failure   string
	fail      bool // the service cannot be reached
	polls     int
	refreshes int
}

func (o *orders) Order(context.Context, string) (wire.CheckoutResponse, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.polls++
	if o.fail {
		return wire.CheckoutResponse{}, errors.New("offline")
	}
	return wire.CheckoutResponse{Status: o.status, FailureCode: o.failure}, nil
}

func (o *orders) Refresh(context.Context) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.refreshes++
	return nil
}

func (o *orders) set(status, failure string, fail bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.status, o.failure, o.fail = status, failure, fail
}

// watch starts a Watcher with short delays and returns it with a channel of its states.
func watch(t *testing.T, src Source, giveUp time.Duration) (*Watcher, chan State) {
	states := make(chan State, 16)
	w := New(src, func(s State) { states <- s })
	w.First, w.Max, w.GiveUp = 10*time.Millisecond, 20*time.Millisecond, giveUp
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	w.Start(ctx, State{OrderID: "ic_1", Plan: "basic", URL: "http://pay/", Opened: true})
	if s := next(t, states); s.Status != Waiting {
		t.Fatalf("first state %+v, want waiting", s)
	}
	return w, states
}

func next(t *testing.T, states chan State) State {
	t.Helper()
	select {
	case s := <-states:
		return s
	case <-time.After(5 * time.Second):
		t.Fatal("no state change")
		return State{}
	}
}

// A paid order switches the plan: the entitlement is fetched again first,
// and nothing follows.
func TestPaidOrderRefreshesTheAccount(t *testing.T) {
	src := &orders{status: "created"}
	_, states := watch(t, src, time.Minute)
	src.set("paid", "", false)
	if s := next(t, states); s.Status != Paid {
		t.Fatalf("state %+v, want paid", s)
	}
	src.mu.Lock()
	defer src.mu.Unlock()
	if src.refreshes != 1 {
		t.Errorf("refreshed %d times, want once", src.refreshes)
	}
}

// A declined attempt is said with Toss's code and the watch goes on: the
// user may pay with another card in the same checkout.
func TestDeclinedThenPaid(t *testing.T) {
	src := &orders{status: "failed", failure: "REJECT_CARD_COMPANY"}
	_, states := watch(t, src, time.Minute)
	if s := next(t, states); s.Status != Failed || s.FailureCode != "REJECT_CARD_COMPANY" {
		t.Fatalf("state %+v, want failed with the card company's code", s)
	}
	src.set("paid", "", false)
	if s := next(t, states); s.Status != Paid || s.FailureCode != "" {
		t.Fatalf("state %+v, want paid", s)
	}
}

// Offline polls change nothing; a payment nobody makes ends the watch.
func TestAbandonedCheckoutExpires(t *testing.T) {
	src := &orders{status: "created", fail: true}
	w, states := watch(t, src, 150*time.Millisecond)
	if s := next(t, states); s.Status != Expired {
		t.Fatalf("state %+v, want expired", s)
	}
	if w.Current().Status != Expired {
		t.Errorf("current %+v", w.Current())
	}
	src.mu.Lock()
	defer src.mu.Unlock()
	if src.refreshes != 0 || src.polls < 2 {
		t.Errorf("polls %d, refreshes %d: want several polls and no refresh", src.polls, src.refreshes)
	}
}

// Closing the panel stops the polls; Poke asks at once.
func TestCloseStopsAndPokeAsks(t *testing.T) {
	src := &orders{status: "created"}
	w := New(src, func(State) {})
	w.First, w.Max = time.Hour, time.Hour // only a poke can poll
	w.Start(context.Background(), State{OrderID: "ic_2"})
	src.mu.Lock()
	before := src.polls
	src.mu.Unlock()
	w.Poke()
	deadline := time.Now().Add(2 * time.Second)
	for {
		src.mu.Lock()
		n := src.polls
		src.mu.Unlock()
		if n > before {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Poke did not poll")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if s := w.Close(); s.Status != Closed {
		t.Errorf("after Close: %+v", s)
	}
}
