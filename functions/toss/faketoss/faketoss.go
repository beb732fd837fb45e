// Package faketoss is a local stand-in for the Toss Payments API and its
// payment windows, for tests and the offline local stack. It serves the same
// paths, request and response shapes and error codes as the real API (see
// package toss for the doc pages), keeps everything in memory, honours
// Idempotency-Key (409 IDEMPOTENT_REQUEST_PROCESSING while the first request
// with a key runs), checks Basic auth, and adds a few /_fake/ endpoints that
// let tests and people drive what Toss would do on its own (refunds from the
// dashboard, a card that starts failing, payment windows running out).
//
// Like Toss, it serves several merchants (MIDs), each with its own key pair:
// a payment made with one MID's keys is NOT_FOUND_PAYMENT with another's, and
// each MID's webhooks go to its own URL. A one-time payment window lives 10
// minutes (PaymentWindow); confirming later fails with
// NOT_FOUND_PAYMENT_SESSION and the payment is EXPIRED.
//
// Test cards: CardOK approves, CardDeclined is refused with
// REJECT_CARD_COMPANY (403), CardProviderError fails with PROVIDER_ERROR (400),
// CardFailingWith(code) fails with any documented code. Any other number approves.
package faketoss

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"

	"imageconverter/functions/toss"
)

// Defaults used by cmd/faketoss and the local stack; tests may use them too.
// The first pair is the one-time payments MID, the second the automatic
// payments (billing) MID.
const (
	DefaultSecretKey        = "test_sk_fake_imageconverter"
	DefaultClientKey        = "test_ck_fake_imageconverter"
	DefaultMID              = "tvivarepublica"
	DefaultBillingSecretKey = "test_sk_fake_imageconverter_billing"
	DefaultBillingClientKey = "test_ck_fake_imageconverter_billing"
	DefaultBillingMID       = "tvivarepublica2"
)

// PaymentWindow is how long an authenticated payment waits for its confirm.
const PaymentWindow = 10 * time.Minute

// Merchant is one MID and its API 개별 연동 키.
type Merchant struct {
	MID, SecretKey, ClientKey string
	// WebhookURL receives this MID's webhooks ("" = Server.WebhookURL).
	WebhookURL string
}

// Server is the fake. Create it with New or NewMerchants; it is an http.Handler.
type Server struct {
	// WebhookURL, when set, receives PAYMENT_STATUS_CHANGED events of every
	// merchant without a WebhookURL of its own, like the URL registered in
	// the Toss developer console.
	WebhookURL string
	// BillingChargeWebhooks: whether approvals and failures of billing-key
	// charges send PAYMENT_STATUS_CHANGED (Toss's documentation does not
	// say; the server must work both ways). Cancels always notify.
	BillingChargeWebhooks bool
	// ReplayTransientErrors keeps temporary errors (PROVIDER_ERROR, 5xx, ...)
	// under their Idempotency-Key like any other answer, so a retry with the
	// same key gets the same error again (Toss does not document which it
	// does; the server must cope with both).
	ReplayTransientErrors bool
	// Now is the fake's clock (approvedAt, canceledAt, the payment window).
	Now func() time.Time
	// Latency is added to every POST, like a card company taking its time
	// (measurements of the renewal run; 0 by default). A second request
	// with the same Idempotency-Key meanwhile gets 409.
	Latency time.Duration

	merchants []*Merchant
	mux       *http.ServeMux

	// mu serialises every state change.
	mu        sync.Mutex
	sessions  map[string]*session // paymentKey -> authenticated, not yet confirmed
	payments  map[string]*toss.Payment
	authKeys  map[string]*authorization // authKey -> billing auth not yet exchanged
	billing   map[string]*billingKey    // billingKey -> card
	idem      map[string]recorded
	inflight  map[string]bool // idempotency keys whose first request is running
	approvals []toss.Payment  // every approval, in order

	hooks       sync.WaitGroup // webhooks queued and not yet delivered
	hookMu      sync.Mutex
	hookQueue   []hook
	hookRunning bool
	deliveries  []Delivery
}

type session struct {
	m                  *Merchant
	orderID, orderName string
	amount             int64
	card               string
	openedAt           time.Time
}

type authorization struct {
	m                 *Merchant
	customerKey, card string
}

type billingKey struct {
	m                 *Merchant
	customerKey, card string
	issuedAt          time.Time
}

type recorded struct {
	status int
	body   []byte
}

// New returns a fake with one merchant that accepts secretKey on the API and
// clientKey on the payment windows, for both one-time and billing payments.
func New(secretKey, clientKey string) *Server {
	return NewMerchants(Merchant{MID: DefaultMID, SecretKey: secretKey, ClientKey: clientKey})
}

// NewMerchants returns a fake serving each merchant. The first one takes the
// payments OpenPayment makes; the last one the billing auths AuthorizeBilling makes.
func NewMerchants(ms ...Merchant) *Server {
	s := &Server{
		Now: time.Now, BillingChargeWebhooks: true,
		sessions: map[string]*session{}, payments: map[string]*toss.Payment{},
		authKeys: map[string]*authorization{}, billing: map[string]*billingKey{},
		idem: map[string]recorded{}, inflight: map[string]bool{},
	}
	for i := range ms {
		m := ms[i]
		s.merchants = append(s.merchants, &m)
	}
	m := http.NewServeMux()
	m.HandleFunc("POST /v1/payments/confirm", s.api(s.confirm))
	m.HandleFunc("GET /v1/payments/{paymentKey}", s.api(s.getPayment))
	m.HandleFunc("GET /v1/payments/orders/{orderId}", s.api(s.getPaymentByOrder))
	m.HandleFunc("POST /v1/payments/{paymentKey}/cancel", s.api(s.cancel))
	m.HandleFunc("POST /v1/billing/authorizations/issue", s.api(s.issueBillingKey))
	m.HandleFunc("POST /v1/billing/{billingKey}", s.api(s.chargeBilling))
	m.HandleFunc("GET /pay", s.payPage)
	m.HandleFunc("POST /pay", s.paySubmit)
	m.HandleFunc("GET /billing-auth", s.billingPage)
	m.HandleFunc("POST /billing-auth", s.billingSubmit)
	m.HandleFunc("GET /sdk.js", s.sdk)
	s.control(m)
	s.mux = m
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Wait blocks until webhooks already triggered have been delivered.
func (s *Server) Wait() { s.hooks.Wait() }

func (s *Server) bySecret(key string) *Merchant {
	for _, m := range s.merchants {
		if m.SecretKey == key {
			return m
		}
	}
	return nil
}

func (s *Server) byClient(key string) *Merchant {
	for _, m := range s.merchants {
		if m.ClientKey == key {
			return m
		}
	}
	return nil
}

// apiErr is a Toss error answer.
type apiErr struct {
	status        int
	code, message string
}

type handler func(m *Merchant, r *http.Request, body []byte) (int, any, *apiErr)

// api wraps an API handler with Basic auth, idempotency and JSON encoding.
func (s *Server) api(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		if !ok {
			writeErr(w, errorFor(toss.CodeIncorrectBasicAuthFormat))
			return
		}
		m := s.bySecret(user)
		if m == nil || pass != "" {
			writeErr(w, errorFor(toss.CodeUnauthorizedKey))
			return
		}
		var buf bytes.Buffer
		if r.Body != nil {
			if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, 1<<20)); err != nil {
				writeJSON(w, 400, map[string]string{"code": toss.CodeInvalidRequest, "message": "잘못된 요청입니다."})
				return
			}
		}
		body := buf.Bytes()
		key := r.Header.Get("Idempotency-Key")
		// Idempotency is keyed on key + API key + URL + method
		// (docs.tosspayments.com/reference/using-api/idempotency-key).
		ik := m.SecretKey + " " + r.Method + " " + r.URL.Path + " " + key
		s.mu.Lock()
		if key != "" {
			if rec, seen := s.idem[ik]; seen {
				s.mu.Unlock()
				writeRaw(w, rec.status, rec.body)
				return
			}
			if s.inflight[ik] {
				s.mu.Unlock()
				writeErr(w, errorFor(toss.CodeIdempotentRequestProcessing))
				return
			}
			s.inflight[ik] = true
		}
		s.mu.Unlock()
		if r.Method == http.MethodPost && s.Latency > 0 {
			time.Sleep(s.Latency)
		}
		s.mu.Lock()
		delete(s.inflight, ik)
		s.expireWindowsLocked()
		status, out, e := h(m, r, body)
		var b []byte
		if e != nil {
			status = e.status
			b, _ = json.Marshal(map[string]string{"code": e.code, "message": e.message})
		} else {
			b, _ = json.Marshal(out)
		}
		if key != "" && status < 500 && (e == nil || !e.transient() || s.ReplayTransientErrors) {
			s.idem[ik] = recorded{status, b}
		}
		s.mu.Unlock()
		writeRaw(w, status, b)
	}
}

func writeRaw(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

func writeErr(w http.ResponseWriter, e *apiErr) {
	writeJSON(w, e.status, map[string]string{"code": e.code, "message": e.message})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	writeRaw(w, status, b)
}

func newKey(prefix string) string {
	b := make([]byte, 16)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

func mask(card string) string {
	if len(card) < 8 {
		return "****"
	}
	return card[:8] + strings.Repeat("*", len(card)-12) + card[len(card)-4:len(card)-1] + "*"
}

// basicAuth is the Authorization header value for a secret key; tests use it
// to call the fake's API directly.
func basicAuth(secretKey string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(secretKey+":"))
}
