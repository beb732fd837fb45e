package faketoss

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"time"

	"imageconverter/functions/toss"
)

// Delivery is one webhook sent, with the receiver's answer.
type Delivery struct {
	URL        string
	PaymentKey string
	Status     string // the payment's status in the event
	Answer     int    // HTTP status of the last try (0: not reached)
}

// Deliveries returns every webhook delivered so far, oldest first.
func (s *Server) Deliveries() []Delivery {
	s.hookMu.Lock()
	defer s.hookMu.Unlock()
	return append([]Delivery(nil), s.deliveries...)
}

// notifyCharge is notify for an approval or a refusal: billing-key charges
// send theirs only with BillingChargeWebhooks.
func (s *Server) notifyCharge(p *toss.Payment) {
	if p.Type == "BILLING" && !s.BillingChargeWebhooks {
		return
	}
	s.notify(p)
}

// notify queues a PAYMENT_STATUS_CHANGED webhook with the payment as it is
// now (callers hold mu) to the URL of the payment's MID. One goroutine
// delivers the queue in order, after the current request: the receiver calls
// the fake back, so delivery never holds mu.
func (s *Server) notify(p *toss.Payment) {
	url := s.WebhookURL
	for _, m := range s.merchants {
		if m.MID == p.MID && m.WebhookURL != "" {
			url = m.WebhookURL
		}
	}
	if url == "" {
		return
	}
	ev := toss.WebhookEvent{EventType: toss.EventPaymentStatusChanged, CreatedAt: toss.Time{Time: s.Now()}, Data: *p}
	b, _ := json.Marshal(ev)
	s.hookMu.Lock()
	defer s.hookMu.Unlock()
	s.hookQueue = append(s.hookQueue, hook{url: url, body: b, paymentKey: p.PaymentKey, status: p.Status})
	s.hooks.Add(1)
	if !s.hookRunning {
		s.hookRunning = true
		go s.deliver()
	}
}

type hook struct {
	url, paymentKey, status string
	body                    []byte
}

func (s *Server) deliver() {
	for {
		s.hookMu.Lock()
		if len(s.hookQueue) == 0 {
			s.hookRunning = false
			s.hookMu.Unlock()
			return
		}
		h := s.hookQueue[0]
		s.hookQueue = s.hookQueue[1:]
		s.hookMu.Unlock()
		// Toss retries a webhook that did not get 200 (1, 4, 16 … minutes);
		// the fake tries three times a second apart, enough for a local stack.
		answer := 0
		for i := 0; i < 3; i++ {
			resp, err := http.Post(h.url, "application/json", bytes.NewReader(h.body))
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				answer = resp.StatusCode
				if resp.StatusCode == 200 {
					break
				}
				err = fmt.Errorf("status %d", resp.StatusCode)
			}
			log.Printf("faketoss: webhook to %s: %v", h.url, err)
			time.Sleep(time.Second)
		}
		s.hookMu.Lock()
		s.deliveries = append(s.deliveries, Delivery{URL: h.url, PaymentKey: h.paymentKey, Status: h.status, Answer: answer})
		s.hookMu.Unlock()
		s.hooks.Done()
	}
}
