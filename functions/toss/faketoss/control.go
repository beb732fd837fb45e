package faketoss

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"imageconverter/functions/toss"
)

// OpenPayment does what a customer does in the payment window: it
// authenticates card for the order and returns the paymentKey Toss would put
// on the successUrl. The payment waits for confirm.
func (s *Server) OpenPayment(orderID, orderName string, amount int64, card string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := newKey("pk_")
	s.sessions[key] = &session{orderID: orderID, orderName: orderName, amount: amount, card: card}
	return key
}

// AuthorizeBilling does what a customer does in the billing-auth window and
// returns the authKey Toss would put on the successUrl.
func (s *Server) AuthorizeBilling(customerKey, card string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := newKey("ak_")
	s.authKeys[key] = &authorization{customerKey: customerKey, card: card}
	return key
}

// SetCustomerCard makes every billing key of customerKey charge card from now
// on (e.g. CardDeclined to make renewals fail). It reports how many keys it changed.
func (s *Server) SetCustomerCard(customerKey, card string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, b := range s.billing {
		if b.customerKey == customerKey {
			b.card = card
			n++
		}
	}
	return n
}

// Refund cancels a payment in full as if the merchant had done it in the Toss
// dashboard: no API call of ours is involved, only the webhook tells us.
func (s *Server) Refund(paymentKey, reason string) (*toss.Payment, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, e := s.cancelLocked(paymentKey, toss.CancelRequest{CancelReason: reason})
	if e != nil {
		return nil, fmt.Errorf("faketoss refund: %s: %s", e.code, e.message)
	}
	cp := *p
	return &cp, nil
}

// Approvals returns every approved charge so far, oldest first.
func (s *Server) Approvals() []toss.Payment {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]toss.Payment(nil), s.approvals...)
}

// Payment returns the current state of a payment (nil if unknown).
func (s *Server) Payment(paymentKey string) *toss.Payment {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.payments[paymentKey]; ok {
		cp := *p
		return &cp
	}
	return nil
}

// Reset forgets everything.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions, s.payments = map[string]*session{}, map[string]*toss.Payment{}
	s.authKeys, s.billing = map[string]*authorization{}, map[string]*billingKey{}
	s.idem, s.approvals = map[string]recorded{}, nil
}

// control registers /_fake/ endpoints: the Go methods above over HTTP, for
// tests that run the fake as a separate process. They need the same Basic auth
// as the API so a web page cannot drive them.
func (s *Server) control(m *http.ServeMux) {
	auth := func(h func(w http.ResponseWriter, r *http.Request) error) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != basicAuth(s.secretKey) {
				writeJSON(w, 401, map[string]string{"code": toss.CodeUnauthorizedKey, "message": "인증되지 않은 시크릿 키 입니다."})
				return
			}
			if err := h(w, r); err != nil {
				writeJSON(w, 400, map[string]string{"code": toss.CodeInvalidRequest, "message": err.Error()})
			}
		}
	}
	decode := func(r *http.Request, v any) error {
		if err := json.NewDecoder(r.Body).Decode(v); err != nil {
			return fmt.Errorf("body: %w", err)
		}
		return nil
	}
	m.HandleFunc("POST /_fake/payments", auth(func(w http.ResponseWriter, r *http.Request) error {
		var v struct {
			OrderID, OrderName, Card string
			Amount                   int64
		}
		if err := decode(r, &v); err != nil {
			return err
		}
		if v.Card == "" {
			v.Card = CardOK
		}
		writeJSON(w, 200, map[string]string{"paymentKey": s.OpenPayment(v.OrderID, v.OrderName, v.Amount, v.Card)})
		return nil
	}))
	m.HandleFunc("POST /_fake/billing-auths", auth(func(w http.ResponseWriter, r *http.Request) error {
		var v struct{ CustomerKey, Card string }
		if err := decode(r, &v); err != nil {
			return err
		}
		if v.Card == "" {
			v.Card = CardOK
		}
		writeJSON(w, 200, map[string]string{"authKey": s.AuthorizeBilling(v.CustomerKey, v.Card), "customerKey": v.CustomerKey})
		return nil
	}))
	m.HandleFunc("POST /_fake/customers/{customerKey}/card", auth(func(w http.ResponseWriter, r *http.Request) error {
		var v struct{ Card string }
		if err := decode(r, &v); err != nil {
			return err
		}
		n := s.SetCustomerCard(r.PathValue("customerKey"), v.Card)
		if n == 0 {
			return errors.New("no billing key for this customer")
		}
		writeJSON(w, 200, map[string]int{"billingKeys": n})
		return nil
	}))
	m.HandleFunc("POST /_fake/payments/{paymentKey}/refund", auth(func(w http.ResponseWriter, r *http.Request) error {
		var v struct{ Reason string }
		_ = decode(r, &v)
		if v.Reason == "" {
			v.Reason = "고객 요청 환불"
		}
		p, err := s.Refund(r.PathValue("paymentKey"), v.Reason)
		if err != nil {
			return err
		}
		writeJSON(w, 200, p)
		return nil
	}))
	m.HandleFunc("GET /_fake/approvals", auth(func(w http.ResponseWriter, r *http.Request) error {
		writeJSON(w, 200, map[string]any{"approvals": s.Approvals()})
		return nil
	}))
	m.HandleFunc("POST /_fake/reset", auth(func(w http.ResponseWriter, r *http.Request) error {
		s.Reset()
		w.WriteHeader(http.StatusNoContent)
		return nil
	}))
}
