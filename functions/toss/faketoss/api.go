package faketoss

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"imageconverter/functions/toss"
)

// The API handlers. They run with mu held; m is the merchant whose secret
// key authenticated the call: it sees only its own payments and billing keys.

func (s *Server) confirm(m *Merchant, _ *http.Request, body []byte) (int, any, *apiErr) {
	var req toss.ConfirmRequest
	if err := json.Unmarshal(body, &req); err != nil || req.PaymentKey == "" || req.OrderID == "" || req.Amount <= 0 {
		return 0, nil, errorFor(toss.CodeInvalidRequest)
	}
	if p, ok := s.payments[req.PaymentKey]; ok && p.MID == m.MID && p.Status != toss.StatusAborted && p.Status != toss.StatusExpired {
		return 0, nil, errorFor(toss.CodeAlreadyProcessedPayment)
	}
	ss, ok := s.sessions[req.PaymentKey]
	if !ok || ss.m != m {
		return 0, nil, errorFor(toss.CodeNotFoundPaymentSession)
	}
	if ss.orderID != req.OrderID || ss.amount != req.Amount {
		// The window was opened for another order or amount: Toss refuses to
		// approve a tampered request. (The fake's choice of code.)
		return 0, nil, &apiErr{400, toss.CodeInvalidRequest, "결제 요청 정보(주문번호 또는 금액)가 결제창과 다릅니다."}
	}
	if e := outcome(ss.card); e != nil {
		if !e.transient() {
			// A refusal ends the window; a temporary failure leaves it
			// open, so the same confirm may be sent again.
			delete(s.sessions, req.PaymentKey)
			s.abort(m, req.PaymentKey, ss.orderID, ss.orderName, "NORMAL", ss.amount, e)
		}
		return 0, nil, e
	}
	delete(s.sessions, req.PaymentKey)
	return 200, s.approve(m, req.PaymentKey, ss.orderID, ss.orderName, "NORMAL", ss.card, ss.amount), nil
}

func (s *Server) getPayment(m *Merchant, r *http.Request, _ []byte) (int, any, *apiErr) {
	p, ok := s.payments[r.PathValue("paymentKey")]
	if !ok || p.MID != m.MID {
		return 0, nil, errorFor(toss.CodeNotFoundPayment)
	}
	return 200, p, nil
}

func (s *Server) getPaymentByOrder(m *Merchant, r *http.Request, _ []byte) (int, any, *apiErr) {
	for _, p := range s.payments {
		if p.MID == m.MID && p.OrderID == r.PathValue("orderId") && p.Status != toss.StatusAborted && p.Status != toss.StatusExpired {
			return 200, p, nil
		}
	}
	return 0, nil, errorFor(toss.CodeNotFoundPayment)
}

func (s *Server) cancel(m *Merchant, r *http.Request, body []byte) (int, any, *apiErr) {
	var req toss.CancelRequest
	if err := json.Unmarshal(body, &req); err != nil || req.CancelReason == "" {
		return 0, nil, &apiErr{400, toss.CodeInvalidRequest, "취소 사유(cancelReason)는 필수입니다."}
	}
	if p, ok := s.payments[r.PathValue("paymentKey")]; !ok || p.MID != m.MID {
		return 0, nil, errorFor(toss.CodeNotFoundPayment)
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
		return nil, errorFor(toss.CodeNotFoundPayment)
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

func (s *Server) issueBillingKey(m *Merchant, _ *http.Request, body []byte) (int, any, *apiErr) {
	var req toss.IssueBillingKeyRequest
	if err := json.Unmarshal(body, &req); err != nil || req.AuthKey == "" || req.CustomerKey == "" {
		return 0, nil, errorFor(toss.CodeInvalidRequest)
	}
	a, ok := s.authKeys[req.AuthKey]
	if !ok || a.m != m {
		return 0, nil, errorFor("INVALID_AUTHORIZE_AUTH")
	}
	if a.customerKey != req.CustomerKey {
		return 0, nil, errorFor(toss.CodeNotMatchesCustomerKey)
	}
	delete(s.authKeys, req.AuthKey)
	key := newKey("bk_")
	now := s.Now()
	s.billing[key] = &billingKey{m: m, customerKey: a.customerKey, card: a.card, issuedAt: now}
	return 200, toss.Billing{
		MID: m.MID, CustomerKey: a.customerKey, AuthenticatedAt: toss.Time{Time: now},
		Method: "카드", BillingKey: key, CardCompany: "비자", CardNumber: mask(a.card),
		Card: &toss.BillingCard{IssuerCode: "4V", AcquirerCode: "21", Number: mask(a.card), CardType: "신용", OwnerType: "개인"},
	}, nil
}

func (s *Server) chargeBilling(m *Merchant, r *http.Request, body []byte) (int, any, *apiErr) {
	var req toss.BillingChargeRequest
	if err := json.Unmarshal(body, &req); err != nil || req.CustomerKey == "" || req.OrderID == "" || req.OrderName == "" || req.Amount <= 0 {
		return 0, nil, errorFor(toss.CodeInvalidRequest)
	}
	bk, ok := s.billing[r.PathValue("billingKey")]
	if !ok || bk.m != m {
		return 0, nil, errorFor(toss.CodeNotFound)
	}
	if bk.customerKey != req.CustomerKey {
		return 0, nil, errorFor(toss.CodeNotMatchesCustomerKey)
	}
	for _, p := range s.payments {
		if p.MID == m.MID && p.OrderID == req.OrderID && p.Status != toss.StatusAborted && p.Status != toss.StatusExpired {
			return 0, nil, errorFor(toss.CodeDuplicatedOrderID)
		}
	}
	paymentKey := newKey("pk_")
	if e := outcome(bk.card); e != nil {
		if !e.transient() {
			s.abort(m, paymentKey, req.OrderID, req.OrderName, "BILLING", req.Amount, e)
		}
		return 0, nil, e
	}
	return 200, s.approve(m, paymentKey, req.OrderID, req.OrderName, "BILLING", bk.card, req.Amount), nil
}

// approve records a DONE payment.
func (s *Server) approve(m *Merchant, paymentKey, orderID, orderName, typ, card string, amount int64) *toss.Payment {
	now := s.Now()
	vat := (amount + 5) / 11
	p := &toss.Payment{
		Version: "2022-11-16", MID: m.MID, PaymentKey: paymentKey,
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
	s.notifyCharge(p)
	return p
}

// abort records a refused approval the way Toss shows it on lookup (ABORTED
// with the failure) and sends its webhook.
func (s *Server) abort(m *Merchant, paymentKey, orderID, orderName, typ string, amount int64, e *apiErr) {
	p := &toss.Payment{
		Version: "2022-11-16", MID: m.MID, PaymentKey: paymentKey, LastTransactionKey: newKey("tx"), Type: typ,
		OrderID: orderID, OrderName: orderName, Currency: "KRW", Method: "카드", Status: toss.StatusAborted,
		RequestedAt: toss.Time{Time: s.Now()}, TotalAmount: amount, BalanceAmount: amount,
		Failure: &toss.Failure{Code: e.code, Message: e.message},
	}
	s.payments[paymentKey] = p
	s.notifyCharge(p)
}

// expireWindowsLocked ends the payment windows older than PaymentWindow: the
// payment becomes EXPIRED (as Toss shows it: failure EXPIRED_PAYMENT) and its
// webhook is sent. It returns how many it ended.
func (s *Server) expireWindowsLocked() int {
	now := s.Now()
	n := 0
	for key, ss := range s.sessions {
		if now.Sub(ss.openedAt) <= PaymentWindow {
			continue
		}
		delete(s.sessions, key)
		p := &toss.Payment{
			Version: "2022-11-16", MID: ss.m.MID, PaymentKey: key, Type: "NORMAL", OrderID: ss.orderID,
			OrderName: ss.orderName, Currency: "KRW", Status: toss.StatusExpired,
			RequestedAt: toss.Time{Time: ss.openedAt}, TotalAmount: ss.amount, BalanceAmount: ss.amount,
			Failure: &toss.Failure{Code: "EXPIRED_PAYMENT", Message: "결제가 만료되었습니다. 다시 시도해주세요."},
		}
		s.payments[key] = p
		s.notify(p)
		n++
	}
	return n
}
