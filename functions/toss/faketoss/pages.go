package faketoss

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
)

// The payment windows. The real ones are opened by the Toss JS SDK
// (payment.requestPayment / payment.requestBillingAuth) and redirect to
// successUrl with paymentKey, orderId, amount (payment) or authKey,
// customerKey (billing auth), or to failUrl with code, message and orderId
// (docs.tosspayments.com/reference/js-sdk, "successUrl"/"failUrl").

var page = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{{.Title}} — Fake Toss</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#222}
.box{border:1px solid #ccd;border-radius:12px;padding:1rem 1.25rem}.fake{color:#b00;font-size:.85rem}
label{display:block;margin:.5rem 0}button{font-size:1rem;padding:.6rem 1.2rem;margin:.5rem .5rem 0 0}</style></head>
<body><p class="fake">테스트용 가짜 결제창 (Fake Toss Payments — no real money)</p>
<div class="box"><h1>{{.Title}}</h1>
{{if .OrderName}}<p>{{.OrderName}}</p>{{end}}
{{if .Amount}}<p><strong id="amount">{{.Amount}}원</strong></p>{{end}}
<form method="post">
{{range $k, $v := .Hidden}}<input type="hidden" name="{{$k}}" value="{{$v}}">{{end}}
<fieldset><legend>카드 선택 (test card)</legend>
<label><input type="radio" name="card" value="{{.CardOK}}" checked> 정상 승인 카드 (approves) {{.CardOK}}</label>
<label><input type="radio" name="card" value="{{.CardDeclined}}"> 거절 카드 (REJECT_CARD_COMPANY) {{.CardDeclined}}</label>
<label><input type="radio" name="card" value="{{.CardProviderError}}"> 오류 카드 (PROVIDER_ERROR) {{.CardProviderError}}</label>
</fieldset>
<button type="submit" name="action" value="pay" id="pay">{{.Button}}</button>
<button type="submit" name="action" value="cancel" id="cancel">취소</button>
</form></div></body></html>`))

type pageData struct {
	Title, OrderName, Amount, Button        string
	Hidden                                  map[string]string
	CardOK, CardDeclined, CardProviderError string
}

func cards(d pageData) pageData {
	d.CardOK, d.CardDeclined, d.CardProviderError = CardOK, CardDeclined, CardProviderError
	return d
}

// redirect sends the browser to base with params added to its query.
func redirect(w http.ResponseWriter, r *http.Request, base string, params url.Values) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		http.Error(w, "successUrl/failUrl must be an absolute http(s) URL", http.StatusBadRequest)
		return
	}
	q := u.Query()
	for k, vs := range params {
		q[k] = vs
	}
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusSeeOther)
}

func (s *Server) checkWindow(w http.ResponseWriter, v url.Values, need ...string) bool {
	if s.byClient(v.Get("clientKey")) == nil {
		http.Error(w, "invalid clientKey (INVALID_CLIENT_KEY)", http.StatusUnauthorized)
		return false
	}
	for _, k := range need {
		if v.Get(k) == "" {
			http.Error(w, "missing "+k, http.StatusBadRequest)
			return false
		}
	}
	return true
}

func (s *Server) payPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !s.checkWindow(w, q, "orderId", "orderName", "amount", "successUrl", "failUrl") {
		return
	}
	hidden := map[string]string{}
	for _, k := range []string{"clientKey", "orderId", "orderName", "amount", "successUrl", "failUrl", "customerKey"} {
		hidden[k] = q.Get(k)
	}
	page.Execute(w, cards(pageData{Title: "카드 결제", OrderName: q.Get("orderName"), Amount: q.Get("amount"), Button: "결제하기", Hidden: hidden}))
}

func (s *Server) paySubmit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f := r.PostForm
	if !s.checkWindow(w, f, "orderId", "orderName", "amount", "successUrl", "failUrl") {
		return
	}
	if f.Get("action") != "pay" {
		redirect(w, r, f.Get("failUrl"), url.Values{"code": {"PAY_PROCESS_CANCELED"}, "message": {"사용자에 의해 결제가 취소되었습니다."}, "orderId": {f.Get("orderId")}})
		return
	}
	amount, err := strconv.ParseInt(f.Get("amount"), 10, 64)
	if err != nil || amount <= 0 {
		redirect(w, r, f.Get("failUrl"), url.Values{"code": {"INVALID_REQUEST"}, "message": {"잘못된 금액입니다."}, "orderId": {f.Get("orderId")}})
		return
	}
	key := s.OpenPaymentAt(f.Get("clientKey"), f.Get("orderId"), f.Get("orderName"), amount, f.Get("card"))
	redirect(w, r, f.Get("successUrl"), url.Values{"paymentType": {"NORMAL"}, "paymentKey": {key}, "orderId": {f.Get("orderId")}, "amount": {f.Get("amount")}})
}

func (s *Server) billingPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !s.checkWindow(w, q, "customerKey", "successUrl", "failUrl") {
		return
	}
	hidden := map[string]string{}
	for _, k := range []string{"clientKey", "customerKey", "successUrl", "failUrl"} {
		hidden[k] = q.Get(k)
	}
	page.Execute(w, cards(pageData{Title: "자동결제 카드 등록", Button: "카드 등록", Hidden: hidden}))
}

func (s *Server) billingSubmit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f := r.PostForm
	if !s.checkWindow(w, f, "customerKey", "successUrl", "failUrl") {
		return
	}
	if f.Get("action") != "pay" {
		redirect(w, r, f.Get("failUrl"), url.Values{"code": {"PAY_PROCESS_CANCELED"}, "message": {"사용자에 의해 결제가 취소되었습니다."}})
		return
	}
	key := s.AuthorizeBillingAt(f.Get("clientKey"), f.Get("customerKey"), f.Get("card"))
	redirect(w, r, f.Get("successUrl"), url.Values{"authKey": {key}, "customerKey": {f.Get("customerKey")}})
}

// sdk serves a tiny stand-in for the Toss JS SDK v2 (js.tosspayments.com/v2/standard):
// TossPayments(clientKey).payment({customerKey}).requestPayment({...}) and
// .requestBillingAuth({...}) navigate to the fake windows above, so the
// checkout page runs the same code locally and in production. Like the real
// SDK, payment() throws for a 결제위젯 (widget) client key (…_gck_…): the
// payment window needs the API 개별 연동 키 (…_ck_…).
func (s *Server) sdk(w http.ResponseWriter, r *http.Request) {
	base := "http://" + r.Host
	if r.TLS != nil {
		base = "https://" + r.Host
	}
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Write([]byte(`// Fake Toss Payments SDK (local stack only).
(function () {
  var BASE = ` + strconv.Quote(base) + `;
  function go(path, params) {
    var q = new URLSearchParams();
    Object.keys(params).forEach(function (k) { if (params[k] !== undefined && params[k] !== null) q.set(k, String(params[k])); });
    window.location.assign(BASE + path + "?" + q.toString());
    return new Promise(function () {});
  }
  function keyError(message) {
    var e = new Error(message);
    e.code = "INVALID_CLIENT_KEY";
    return e;
  }
  window.TossPayments = function (clientKey) {
    if (typeof clientKey !== "string" || !/^(test|live)_g?ck_/.test(clientKey)) {
      throw keyError("클라이언트 키가 올바르지 않습니다. (" + clientKey + ")");
    }
    return {
      payment: function (opts) {
        if (/^(test|live)_gck_/.test(clientKey)) {
          throw keyError("결제위젯 연동 키(…_gck_…)로는 payment()를 사용할 수 없습니다. API 개별 연동 키(…_ck_…)를 사용하세요.");
        }
        var customerKey = opts && opts.customerKey;
        return {
          requestPayment: function (p) {
            var amount = p.amount && typeof p.amount === "object" ? p.amount.value : p.amount;
            return go("/pay", { clientKey: clientKey, customerKey: customerKey, orderId: p.orderId, orderName: p.orderName,
              amount: amount, successUrl: p.successUrl, failUrl: p.failUrl });
          },
          requestBillingAuth: function (p) {
            return go("/billing-auth", { clientKey: clientKey, customerKey: customerKey, successUrl: p.successUrl, failUrl: p.failUrl });
          }
        };
      }
    };
  };
})();
`))
}
