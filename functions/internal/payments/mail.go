package payments

import (
	"fmt"
	"html"
	"imageconverter/functions/internal/store"
	"strings"
	"time"
)

// Notices are documents in mail/{id} in the format of the "Trigger Email from
// Firestore" extension (firebase.google.com/products/extensions/firebase-firestore-send-email):
// {to, message:{subject, text, html}}. The extension sends them and writes a
// delivery field back. Document ids are derived from what the mail is about
// (e.g. "receipt-<paymentKey>"), and they are created inside the transaction
// that changes the subscription, so a replayed request never sends twice.

// Kinds of notice.
const (
	mailReceipt        = "receipt"
	mailRenewalSuccess = "renewal_success"
	mailRenewalFailure = "renewal_failure"
	mailRenewalProblem = "renewal_problem" // the renewal failed on our or Toss's side (an operator is on it)
	mailEnded          = "subscription_ended"
	mailOperatorAlert  = "operator_alert"
)

// notice is what a mail says; texts are filled from the user's language.
type notice struct {
	Kind      string
	PlanName  string
	Amount    int64
	PeriodEnd time.Time // receipt / renewal: paid until; ended: access ended at
	NextRetry time.Time // renewal failure: when the card is tried again (zero = no retry left)
	Reason    string    // renewal failure: the card company's message
}

// mailText holds one language's sentences. %[1]s plan, %[2]s amount, %[3]s
// date, %[4]s next retry date, %[5]s reason.
type mailText struct {
	receiptSubj, receipt              string
	renewSubj, renew                  string
	failSubj, fail, failLast          string
	problemSubj, problem, problemLast string
	endSubj, end                      string
	footer                            string
	dateLayout                        string
}

var mailTexts = map[string]mailText{
	"ko": {
		receiptSubj: "[ImageConverter] %[1]s 결제 영수증",
		receipt:     "%[1]s 요금제 결제가 완료되었습니다.\n결제 금액: %[2]s원\n이용 기간: %[3]s까지",
		renewSubj:   "[ImageConverter] %[1]s 자동 갱신 완료",
		renew:       "%[1]s 요금제가 자동으로 갱신되었습니다.\n결제 금액: %[2]s원\n다음 갱신일: %[3]s",
		failSubj:    "[ImageConverter] 자동 결제에 실패했습니다",
		fail:        "%[1]s 요금제 자동 결제(%[2]s원)에 실패했습니다.\n사유: %[5]s\n%[4]s에 다시 시도합니다. 카드 상태를 확인하시거나 앱의 \"요금제 및 결제\"에서 카드를 바꿔 주세요.\n현재 이용 기간은 %[3]s까지입니다.",
		failLast:    "%[1]s 요금제 자동 결제(%[2]s원)에 마지막으로 실패했습니다.\n사유: %[5]s\n더 이상 재시도하지 않으며, %[3]s 이후 무료 요금제로 바뀝니다.",
		problemSubj: "[ImageConverter] 자동 결제를 처리하지 못했습니다",
		problem:     "%[1]s 요금제 자동 결제(%[2]s원)를 결제 처리 문제로 완료하지 못했습니다. 담당자가 확인하고 있습니다.\n%[4]s에 다시 시도합니다. 앱의 \"요금제 및 결제\"에서 카드를 다시 등록하시면 바로 결제됩니다.\n현재 이용 기간은 %[3]s까지입니다.",
		problemLast: "%[1]s 요금제 자동 결제(%[2]s원)를 마지막으로 시도했지만 완료하지 못했습니다.\n더 이상 재시도하지 않으며, %[3]s 이후 무료 요금제로 바뀝니다. 앱에서 카드를 다시 등록하면 구독을 이어갈 수 있습니다.",
		endSubj:     "[ImageConverter] %[1]s 구독이 종료되었습니다",
		end:         "%[1]s 요금제 구독이 %[3]s에 종료되어 무료 요금제로 바뀌었습니다. 언제든 앱에서 다시 구독할 수 있습니다.",
		footer:      "이 메일은 발신 전용입니다.",
		dateLayout:  "2006년 1월 2일 15:04",
	},
	"en": {
		receiptSubj: "[ImageConverter] Receipt for %[1]s",
		receipt:     "Your payment for the %[1]s plan went through.\nAmount: KRW %[2]s\nPaid until: %[3]s",
		renewSubj:   "[ImageConverter] %[1]s renewed",
		renew:       "Your %[1]s plan was renewed automatically.\nAmount: KRW %[2]s\nNext renewal: %[3]s",
		failSubj:    "[ImageConverter] Your automatic payment failed",
		fail:        "The automatic payment for your %[1]s plan (KRW %[2]s) failed.\nReason: %[5]s\nWe will try again on %[4]s. Please check your card, or change it under \"Plan & billing\" in the app.\nYour current period runs until %[3]s.",
		failLast:    "The last automatic payment attempt for your %[1]s plan (KRW %[2]s) failed.\nReason: %[5]s\nWe will not try again; after %[3]s your account moves to the free plan.",
		problemSubj: "[ImageConverter] We could not complete your automatic payment",
		problem:     "The automatic payment for your %[1]s plan (KRW %[2]s) could not be completed because of a problem in payment processing. We are looking into it.\nWe will try again on %[4]s. Registering your card again under \"Plan & billing\" in the app pays at once.\nYour current period runs until %[3]s.",
		problemLast: "The last automatic payment attempt for your %[1]s plan (KRW %[2]s) could not be completed.\nWe will not try again; after %[3]s your account moves to the free plan. Register your card again in the app to keep your subscription.",
		endSubj:     "[ImageConverter] Your %[1]s subscription has ended",
		end:         "Your %[1]s subscription ended on %[3]s and your account is now on the free plan. You can subscribe again from the app at any time.",
		footer:      "This is an automated message; replies are not read.",
		dateLayout:  "January 2, 2006 15:04",
	},
	"ja": {
		receiptSubj: "[ImageConverter] %[1]s お支払いの領収書",
		receipt:     "%[1]s プランのお支払いが完了しました。\n金額: %[2]sウォン\nご利用期間: %[3]sまで",
		renewSubj:   "[ImageConverter] %[1]s を自動更新しました",
		renew:       "%[1]s プランを自動更新しました。\n金額: %[2]sウォン\n次回更新日: %[3]s",
		failSubj:    "[ImageConverter] 自動決済に失敗しました",
		fail:        "%[1]s プランの自動決済(%[2]sウォン)に失敗しました。\n理由: %[5]s\n%[4]sに再度お試しします。カードをご確認いただくか、アプリの「プランとお支払い」でカードを変更してください。\n現在のご利用期間は%[3]sまでです。",
		failLast:    "%[1]s プランの自動決済(%[2]sウォン)の最後の試行に失敗しました。\n理由: %[5]s\nこれ以上は再試行せず、%[3]s以降は無料プランになります。",
		problemSubj: "[ImageConverter] 自動決済を完了できませんでした",
		problem:     "%[1]s プランの自動決済(%[2]sウォン)を決済処理の問題により完了できませんでした。担当者が確認しています。\n%[4]sに再度お試しします。アプリの「プランとお支払い」でカードを登録し直すと、すぐにお支払いできます。\n現在のご利用期間は%[3]sまでです。",
		problemLast: "%[1]s プランの自動決済(%[2]sウォン)の最後の試行を完了できませんでした。\nこれ以上は再試行せず、%[3]s以降は無料プランになります。アプリでカードを登録し直すと購読を続けられます。",
		endSubj:     "[ImageConverter] %[1]s のサブスクリプションが終了しました",
		end:         "%[1]s プランのサブスクリプションは%[3]sに終了し、無料プランになりました。アプリからいつでも再登録できます。",
		footer:      "このメールは送信専用です。",
		dateLayout:  "2006年1月2日 15:04",
	},
}

// mailLang picks ko, en or ja from a locale such as "en-US" (Korean first).
func mailLang(locale string) string {
	l := strings.ToLower(locale)
	switch {
	case strings.HasPrefix(l, "en"):
		return "en"
	case strings.HasPrefix(l, "ja"):
		return "ja"
	}
	return "ko"
}

// won formats an amount with thousands separators: 9900 → "9,900".
func won(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// render builds the mail for n in the user's language; dates are shown in loc.
func (n notice) render(to, locale, uid string, loc *time.Location, now time.Time) store.MailDoc {
	t := mailTexts[mailLang(locale)]
	date := func(x time.Time) string {
		if x.IsZero() {
			return ""
		}
		return x.In(loc).Format(t.dateLayout)
	}
	args := []any{n.PlanName, won(n.Amount), date(n.PeriodEnd), date(n.NextRetry), n.Reason}
	var subj, body string
	switch n.Kind {
	case mailReceipt:
		subj, body = t.receiptSubj, t.receipt
	case mailRenewalSuccess:
		subj, body = t.renewSubj, t.renew
	case mailRenewalFailure:
		subj, body = t.failSubj, t.fail
		if n.NextRetry.IsZero() {
			body = t.failLast
		}
	case mailRenewalProblem:
		subj, body = t.problemSubj, t.problem
		if n.NextRetry.IsZero() {
			body = t.problemLast
		}
	default:
		subj, body = t.endSubj, t.end
	}
	text := fmt.Sprintf(body, args...) + "\n\n" + t.footer
	var h strings.Builder
	h.WriteString(`<div style="font-family:sans-serif;line-height:1.6">`)
	for _, line := range strings.Split(fmt.Sprintf(body, args...), "\n") {
		h.WriteString("<p>" + html.EscapeString(line) + "</p>")
	}
	h.WriteString(`<p style="color:#888;font-size:12px">` + html.EscapeString(t.footer) + "</p></div>")
	return store.MailDoc{To: to, Kind: n.Kind, UID: uid, CreatedAt: now,
		Message: store.MailMessage{Subject: fmt.Sprintf(subj, args...), Text: text, HTML: h.String()}}
}

// operatorMail is the alert mailed to the operator when a renewal was refused
// for a reason the customer cannot fix (English; support reads it).
func operatorMail(to, uid, orderID string, o *store.OrderDoc, r refusal, now time.Time) store.MailDoc {
	text := fmt.Sprintf("The automatic renewal %s of user %s (%s, %s KRW) was refused by Toss and needs a person.\n\n"+
		"Toss code: %s\nToss message: %s\n\n"+
		"Check the Toss keys of the automatic-payments MID, the billing key of billing/%s (issued on that MID, same customerKey), "+
		"and the order orders/%s. The customer was told the payment is being looked at; dunning goes on (a new attempt on the next "+
		"retry day), and the subscription ends after the last attempt unless a payment goes through. billing/%s.operatorAlert is "+
		"cleared by the next successful payment.", orderID, uid, o.Plan, won(o.Amount), r.code, r.message, uid, orderID, uid)
	var h strings.Builder
	h.WriteString(`<div style="font-family:sans-serif;line-height:1.6">`)
	for _, line := range strings.Split(text, "\n") {
		h.WriteString("<p>" + html.EscapeString(line) + "</p>")
	}
	h.WriteString("</div>")
	return store.MailDoc{To: to, Kind: mailOperatorAlert, UID: uid, CreatedAt: now,
		Message: store.MailMessage{Subject: "[ImageConverter] Renewal " + r.code + " needs an operator (" + uid + ")", Text: text, HTML: h.String()}}
}
