// Package faketoss is a local stand-in for the Toss Payments API and its
// payment windows, for tests and the offline local stack. It serves the same
// paths, request and response shapes and error codes as the real API (see
// package toss for the doc pages), keeps everything in memory, honours
// Idempotency-Key, checks Basic auth, and adds a few /_fake/ endpoints that
// let tests and people drive what Toss would do on its own (refunds from the
// dashboard, a card that starts failing).
//
// Test cards: CardOK approves, CardDeclined is refused with
// REJECT_CARD_COMPANY (403), CardProviderError fails with PROVIDER_ERROR (400).
// Any other 16-digit number approves.
package faketoss

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"strings"
	"sync"
	"time"

	"imageconverter/functions/toss"
)

// Test card numbers.
const (
	CardOK            = "4330000000000001"
	CardDeclined      = "4000000000000002"
	CardProviderError = "4000000000000119"
)

// Defaults used by cmd/faketoss and the local stack; tests may use them too.
const (
	DefaultSecretKey = "test_sk_fake_imageconverter"
	DefaultClientKey = "test_ck_fake_imageconverter"
)

// Server is the fake. Create it with New; it is an http.Handler.
type Server struct {
	secretKey, clientKey string
	// WebhookURL, when set, receives PAYMENT_STATUS_CHANGED events like the
	// URL registered in the Toss developer console.
	WebhookURL string
	// Now is the fake's clock (approvedAt, canceledAt).
	Now func() time.Time
	// Latency is added to every POST, like a card company taking its time
	// (measurements of the renewal run; 0 by default).
	Latency time.Duration

	mux *http.ServeMux

	// mu serialises every state change, so concurrent requests with the same
	// Idempotency-Key see the first one's recorded answer.
	mu        sync.Mutex
	sessions  map[string]*session // paymentKey -> authenticated, not yet confirmed
	payments  map[string]*toss.Payment
	authKeys  map[string]*authorization // authKey -> billing auth not yet exchanged
	billing   map[string]*billingKey    // billingKey -> card
	idem      map[string]recorded
	approvals []toss.Payment // every approval, in order

	hooks       sync.WaitGroup // webhooks queued and not yet delivered
	hookMu      sync.Mutex
	hookQueue   []hook
	hookRunning bool
}

type session struct {
	orderID, orderName string
	amount             int64
	card               string
}

type authorization struct{ customerKey, card string }

type billingKey struct {
	customerKey, card string
	issuedAt          time.Time
}

type recorded struct {
	status int
	body   []byte
}

// New returns a fake that accepts secretKey on the API and clientKey on the
// payment windows.
func New(secretKey, clientKey string) *Server {
	s := &Server{
		secretKey: secretKey, clientKey: clientKey, Now: time.Now,
		sessions: map[string]*session{}, payments: map[string]*toss.Payment{},
		authKeys: map[string]*authorization{}, billing: map[string]*billingKey{},
		idem: map[string]recorded{},
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

// apiErr is a Toss error answer.
type apiErr struct {
	status        int
	code, message string
}

type handler func(r *http.Request, body []byte) (int, any, *apiErr)

// api wraps an API handler with Basic auth, idempotency and JSON encoding.
func (s *Server) api(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		if !ok {
			writeJSON(w, 401, map[string]string{"code": "INCORRECT_BASIC_AUTH_FORMAT", "message": "잘못된 요청입니다. ':' 를 포함해 인코딩해주세요."})
			return
		}
		if user != s.secretKey || pass != "" {
			writeJSON(w, 401, map[string]string{"code": toss.CodeUnauthorizedKey, "message": "인증되지 않은 시크릿 키 혹은 클라이언트 키 입니다."})
			return
		}
		body := make([]byte, 0, 512)
		if r.Body != nil {
			var buf bytes.Buffer
			if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, 1<<20)); err != nil {
				writeJSON(w, 400, map[string]string{"code": toss.CodeInvalidRequest, "message": "잘못된 요청입니다."})
				return
			}
			body = buf.Bytes()
		}
		key := r.Header.Get("Idempotency-Key")
		if r.Method == http.MethodPost && s.Latency > 0 {
			time.Sleep(s.Latency)
		}
		s.mu.Lock()
		// Idempotency is keyed on key + API key + URL + method
		// (docs.tosspayments.com/reference/using-api/idempotency-key).
		ik := r.Method + " " + r.URL.Path + " " + key
		if key != "" {
			if rec, seen := s.idem[ik]; seen {
				s.mu.Unlock()
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(rec.status)
				w.Write(rec.body)
				return
			}
		}
		status, out, e := h(r, body)
		var b []byte
		if e != nil {
			status = e.status
			b, _ = json.Marshal(map[string]string{"code": e.code, "message": e.message})
		} else {
			b, _ = json.Marshal(out)
		}
		if key != "" && status < 500 {
			s.idem[ik] = recorded{status, b}
		}
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write(b)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
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

// outcome applies a test card's behaviour to an approval.
func outcome(card string) *apiErr {
	switch card {
	case CardDeclined:
		return &apiErr{403, toss.CodeRejectCardCompany, "[1002] 카드사에서 승인을 거절했습니다. 카드사에 문의해주세요."}
	case CardProviderError:
		return &apiErr{400, toss.CodeProviderError, "일시적인 오류가 발생했습니다. 잠시 후 다시 시도해주세요."}
	}
	return nil
}

// approve records a DONE payment. Callers hold mu.
func (s *Server) approve(paymentKey, orderID, orderName, typ, card string, amount int64) *toss.Payment {
	now := s.Now()
	vat := (amount + 5) / 11
	p := &toss.Payment{
		Version: "2022-11-16", MID: "tvivarepublica", PaymentKey: paymentKey,
		LastTransactionKey: newKey("tx"), Type: typ, OrderID: orderID, OrderName: orderName,
		Currency: "KRW", Method: "카드", Status: toss.StatusDone,
		RequestedAt: toss.Time{Time: now.Add(-time.Second)}, ApprovedAt: toss.Time{Time: now},
		TotalAmount: amount, BalanceAmount: amount, SuppliedAmount: amount - vat, VAT: vat,
		Card: &toss.PaymentCard{
			Amount: amount, IssuerCode: "4V", AcquirerCode: "21", Number: mask(card),
			ApproveNo: fmt.Sprintf("%08d", len(s.approvals)+1), CardType: "신용", OwnerType: "개인",
			AcquireStatus: "READY",
		},
	}
	s.payments[paymentKey] = p
	s.approvals = append(s.approvals, *p)
	s.notify(p)
	return p
}

// abort records a failed approval the way Toss shows it on lookup.
func (s *Server) abort(paymentKey, orderID, orderName, typ string, amount int64, e *apiErr) {
	s.payments[paymentKey] = &toss.Payment{
		Version: "2022-11-16", PaymentKey: paymentKey, Type: typ, OrderID: orderID, OrderName: orderName,
		Currency: "KRW", Method: "카드", Status: toss.StatusAborted, RequestedAt: toss.Time{Time: s.Now()},
		TotalAmount: amount, BalanceAmount: amount, Failure: &toss.Failure{Code: e.code, Message: e.message},
	}
}

func (s *Server) confirm(_ *http.Request, body []byte) (int, any, *apiErr) {
	var req toss.ConfirmRequest
	if err := json.Unmarshal(body, &req); err != nil || req.PaymentKey == "" || req.OrderID == "" || req.Amount <= 0 {
		return 0, nil, &apiErr{400, toss.CodeInvalidRequest, "잘못된 요청입니다."}
	}
	if p, ok := s.payments[req.PaymentKey]; ok && p.Status != toss.StatusAborted {
		return 0, nil, &apiErr{400, toss.CodeAlreadyProcessedPayment, "이미 처리된 결제 입니다."}
	}
	ss, ok := s.sessions[req.PaymentKey]
	if !ok {
		return 0, nil, &apiErr{404, toss.CodeNotFoundPaymentSession, "결제 시간이 만료되어 결제 진행 데이터가 존재하지 않습니다."}
	}
	if ss.orderID != req.OrderID || ss.amount != req.Amount {
		// The window was opened for another order or amount: Toss refuses to
		// approve a tampered request. (The fake's choice of code.)
		return 0, nil, &apiErr{400, toss.CodeInvalidRequest, "결제 요청 정보(주문번호 또는 금액)가 결제창과 다릅니다."}
	}
	if e := outcome(ss.card); e != nil {
		delete(s.sessions, req.PaymentKey)
		s.abort(req.PaymentKey, ss.orderID, ss.orderName, "NORMAL", ss.amount, e)
		return 0, nil, e
	}
	delete(s.sessions, req.PaymentKey)
	return 200, s.approve(req.PaymentKey, ss.orderID, ss.orderName, "NORMAL", ss.card, ss.amount), nil
}

func (s *Server) getPayment(r *http.Request, _ []byte) (int, any, *apiErr) {
	p, ok := s.payments[r.PathValue("paymentKey")]
	if !ok {
		return 0, nil, &apiErr{404, toss.CodeNotFoundPayment, "존재하지 않는 결제 정보 입니다."}
	}
	return 200, p, nil
}

func (s *Server) getPaymentByOrder(r *http.Request, _ []byte) (int, any, *apiErr) {
	for _, p := range s.payments {
		if p.OrderID == r.PathValue("orderId") && p.Status != toss.StatusAborted {
			return 200, p, nil
		}
	}
	return 0, nil, &apiErr{404, toss.CodeNotFoundPayment, "존재하지 않는 결제 정보 입니다."}
}

func (s *Server) cancel(r *http.Request, body []byte) (int, any, *apiErr) {
	var req toss.CancelRequest
	if err := json.Unmarshal(body, &req); err != nil || req.CancelReason == "" {
		return 0, nil, &apiErr{400, toss.CodeInvalidRequest, "취소 사유(cancelReason)는 필수입니다."}
	}
	p, e := s.cancelLocked(r.PathValue("paymentKey"), req)
	if e != nil {
		return 0, nil, e
	}
	return 200, p, nil
}

func (s *Server) cancelLocked(paymentKey string, req toss.CancelRequest) (*toss.Payment, *apiErr) {
	p, ok := s.payments[paymentKey]
	if !ok {
		return nil, &apiErr{404, toss.CodeNotFoundPayment, "존재하지 않는 결제 정보 입니다."}
	}
	switch p.Status {
	case toss.StatusCanceled:
		return nil, &apiErr{400, toss.CodeAlreadyCanceledPayment, "이미 취소된 결제 입니다."}
	case toss.StatusDone, toss.StatusPartialCanceled:
	default:
		return nil, &apiErr{403, toss.CodeNotCancelablePayment, "취소 할 수 없는 결제 입니다."}
	}
	amount := req.CancelAmount
	if amount == 0 {
		amount = p.BalanceAmount
	}
	if amount < 0 || amount > p.BalanceAmount {
		return nil, &apiErr{403, "NOT_CANCELABLE_AMOUNT", "취소 할 수 없는 금액 입니다."}
	}
	p.BalanceAmount -= amount
	p.Status = toss.StatusPartialCanceled
	if p.BalanceAmount == 0 {
		p.Status = toss.StatusCanceled
	}
	tx := newKey("tx")
	p.LastTransactionKey = tx
	p.Cancels = append(p.Cancels, toss.Cancel{
		TransactionKey: tx, CancelReason: req.CancelReason, CanceledAt: toss.Time{Time: s.Now()},
		CancelAmount: amount, RefundableAmount: p.BalanceAmount, CancelStatus: "DONE",
	})
	s.notify(p)
	return p, nil
}

func (s *Server) issueBillingKey(_ *http.Request, body []byte) (int, any, *apiErr) {
	var req toss.IssueBillingKeyRequest
	if err := json.Unmarshal(body, &req); err != nil || req.AuthKey == "" || req.CustomerKey == "" {
		return 0, nil, &apiErr{400, toss.CodeInvalidRequest, "잘못된 요청입니다."}
	}
	a, ok := s.authKeys[req.AuthKey]
	if !ok {
		return 0, nil, &apiErr{400, "INVALID_AUTHORIZE_AUTH", "유효하지 않은 인증 방식입니다."}
	}
	if a.customerKey != req.CustomerKey {
		return 0, nil, &apiErr{400, "NOT_MATCHES_CUSTOMER_KEY", "빌링 인증 고객키와 결제 요청 고객키가 일치하지 않습니다."}
	}
	delete(s.authKeys, req.AuthKey)
	key := newKey("bk_")
	now := s.Now()
	s.billing[key] = &billingKey{customerKey: a.customerKey, card: a.card, issuedAt: now}
	return 200, toss.Billing{
		MID: "tvivarepublica", CustomerKey: a.customerKey, AuthenticatedAt: toss.Time{Time: now},
		Method: "카드", BillingKey: key, CardCompany: "비자", CardNumber: mask(a.card),
		Card: &toss.BillingCard{IssuerCode: "4V", AcquirerCode: "21", Number: mask(a.card), CardType: "신용", OwnerType: "개인"},
	}, nil
}

func (s *Server) chargeBilling(r *http.Request, body []byte) (int, any, *apiErr) {
	var req toss.BillingChargeRequest
	if err := json.Unmarshal(body, &req); err != nil || req.CustomerKey == "" || req.OrderID == "" || req.OrderName == "" || req.Amount <= 0 {
		return 0, nil, &apiErr{400, toss.CodeInvalidRequest, "잘못된 요청입니다."}
	}
	bk, ok := s.billing[r.PathValue("billingKey")]
	if !ok {
		return 0, nil, &apiErr{404, toss.CodeNotFound, "존재하지 않는 정보 입니다."}
	}
	if bk.customerKey != req.CustomerKey {
		return 0, nil, &apiErr{400, "NOT_MATCHES_CUSTOMER_KEY", "빌링 인증 고객키와 결제 요청 고객키가 일치하지 않습니다."}
	}
	for _, p := range s.payments {
		if p.OrderID == req.OrderID && p.Status != toss.StatusAborted {
			return 0, nil, &apiErr{400, toss.CodeDuplicatedOrderID, "이미 승인 및 취소가 진행된 중복된 주문번호 입니다. 다른 주문번호로 진행해주세요."}
		}
	}
	paymentKey := newKey("pk_")
	if e := outcome(bk.card); e != nil {
		s.abort(paymentKey, req.OrderID, req.OrderName, "BILLING", req.Amount, e)
		return 0, nil, e
	}
	return 200, s.approve(paymentKey, req.OrderID, req.OrderName, "BILLING", bk.card, req.Amount), nil
}

// notify queues a PAYMENT_STATUS_CHANGED webhook with the payment as it is
// now (callers hold mu). One goroutine delivers the queue in order, after the
// current request: the receiver calls the fake back, so delivery never holds mu.
func (s *Server) notify(p *toss.Payment) {
	if s.WebhookURL == "" {
		return
	}
	ev := toss.WebhookEvent{EventType: toss.EventPaymentStatusChanged, CreatedAt: toss.Time{Time: s.Now()}, Data: *p}
	b, _ := json.Marshal(ev)
	s.hookMu.Lock()
	defer s.hookMu.Unlock()
	s.hookQueue = append(s.hookQueue, hook{url: s.WebhookURL, body: b})
	s.hooks.Add(1)
	if !s.hookRunning {
		s.hookRunning = true
		go s.deliver()
	}
}

type hook struct {
	url  string
	body []byte
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
		for i := 0; i < 3; i++ {
			resp, err := http.Post(h.url, "application/json", bytes.NewReader(h.body))
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == 200 {
					break
				}
				err = fmt.Errorf("status %d", resp.StatusCode)
			}
			log.Printf("faketoss: webhook to %s: %v", h.url, err)
			time.Sleep(time.Second)
		}
		s.hooks.Done()
	}
}

// basicAuth is the Authorization header value for a secret key; tests use it
// to call the fake's API directly.
func basicAuth(secretKey string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(secretKey+":"))
}
