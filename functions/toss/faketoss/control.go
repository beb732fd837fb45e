package faketoss

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"imageconverter/functions/toss"
)

// OpenPayment does what a customer does in the payment window of the first
// (one-time) merchant: it authenticates card for the order and returns the
// paymentKey Toss would put on the successUrl. The payment waits for confirm
// (at most PaymentWindow).
func (s *Server) OpenPayment(orderID, orderName string, amount int64, card string) string {
	return s.OpenPaymentAt(s.merchants[0].ClientKey, orderID, orderName, amount, card)
}

// OpenPaymentAt is OpenPayment in the window opened with clientKey ("" when
// no merchant has that client key).
func (s *Server) OpenPaymentAt(clientKey, orderID, orderName string, amount int64, card string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.byClient(clientKey)
	if m == nil {
		return ""
	}
	key := newKey("pk_")
	s.sessions[key] = &session{m: m, orderID: orderID, orderName: orderName, amount: amount, card: card, openedAt: s.Now()}
	return key
}

// AuthorizeBilling does what a customer does in the billing-auth window of
// the last (automatic payments) merchant and returns the authKey Toss would
// put on the successUrl.
func (s *Server) AuthorizeBilling(customerKey, card string) string {
	return s.AuthorizeBillingAt(s.merchants[len(s.merchants)-1].ClientKey, customerKey, card)
}

// AuthorizeBillingAt is AuthorizeBilling in the window opened with clientKey.
func (s *Server) AuthorizeBillingAt(clientKey, customerKey, card string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.byClient(clientKey)
	if m == nil {
		return ""
	}
	key := newKey("ak_")
	s.authKeys[key] = &authorization{m: m, customerKey: customerKey, card: card}
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

// DeleteBillingKeys forgets every billing key of customerKey, as when the
// customer or the card company removed them: charges answer NOT_FOUND.
func (s *Server) DeleteBillingKeys(customerKey string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for k, b := range s.billing {
		if b.customerKey == customerKey {
			delete(s.billing, k)
			n++
		}
	}
	return n
}

// ExpireWindows ends the payment windows older than PaymentWindow now (the
// API does it on every call) and returns how many it ended.
func (s *Server) ExpireWindows() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.expireWindowsLocked()
}

// ForgetIdempotency drops every recorded Idempotency-Key answer, as Toss does
// after 15 days.
func (s *Server) ForgetIdempotency() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.idem = map[string]recorded{}
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
	s.idem, s.inflight, s.approvals = map[string]recorded{}, map[string]bool{}, nil
}

// control registers /_fake/ endpoints: the Go methods above over HTTP, for
// tests that run the fake as a separate process. They need the Basic auth of
// one of the merchants' secret keys so a web page cannot drive them.
func (s *Server) control(m *http.ServeMux) {
	auth := func(h func(w http.ResponseWriter, r *http.Request) error) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			user, _, ok := r.BasicAuth()
			if !ok || s.bySecret(user) == nil {
				writeErr(w, errorFor(toss.CodeUnauthorizedKey))
				return
			}
			if err := h(w, r); err != nil {
				writeErr(w, &apiErr{400, toss.CodeInvalidRequest, err.Error()})
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
			OrderID, OrderName, Card, ClientKey string
			Amount                              int64
		}
		if err := decode(r, &v); err != nil {
			return err
		}
		if v.Card == "" {
			v.Card = CardOK
		}
		if v.ClientKey == "" {
			v.ClientKey = s.merchants[0].ClientKey
		}
		key := s.OpenPaymentAt(v.ClientKey, v.OrderID, v.OrderName, v.Amount, v.Card)
		if key == "" {
			return errors.New("no merchant has this clientKey")
		}
		writeJSON(w, 200, map[string]string{"paymentKey": key})
		return nil
	}))
	m.HandleFunc("POST /_fake/billing-auths", auth(func(w http.ResponseWriter, r *http.Request) error {
		var v struct{ CustomerKey, Card, ClientKey string }
		if err := decode(r, &v); err != nil {
			return err
		}
		if v.Card == "" {
			v.Card = CardOK
		}
		if v.ClientKey == "" {
			v.ClientKey = s.merchants[len(s.merchants)-1].ClientKey
		}
		key := s.AuthorizeBillingAt(v.ClientKey, v.CustomerKey, v.Card)
		if key == "" {
			return errors.New("no merchant has this clientKey")
		}
		writeJSON(w, 200, map[string]string{"authKey": key, "customerKey": v.CustomerKey})
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
	m.HandleFunc("POST /_fake/expire", auth(func(w http.ResponseWriter, r *http.Request) error {
		writeJSON(w, 200, map[string]int{"expired": s.ExpireWindows()})
		return nil
	}))
	m.HandleFunc("GET /_fake/deliveries", auth(func(w http.ResponseWriter, r *http.Request) error {
		writeJSON(w, 200, map[string]any{"deliveries": s.Deliveries()})
		return nil
	}))
	m.HandleFunc("POST /_fake/reset", auth(func(w http.ResponseWriter, r *http.Request) error {
		s.Reset()
		w.WriteHeader(http.StatusNoContent)
		return nil
	}))
}
