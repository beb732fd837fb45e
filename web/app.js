// Checkout pages of ImageConverter (Firebase Hosting). Plain ES module, no
// build step. The desktop app opens /checkout.html?orderId=… in the browser;
// Toss brings the buyer back to /success.html or /fail.html.
//   checkout: GET  {api}/v1/checkout/{orderId} → Toss window (SDK)
//   success:  POST {api}/v1/payments/confirm   (paymentKey, orderId, amount)
//             POST {api}/v1/billing/issue      (authKey, customerKey, orderId)
import { loadTossPayments } from "./vendor/tosspayments-sdk-2.8.1.esm.js";

const T = {
  ko: {
    title: "ImageConverter 결제", home: "결제는 ImageConverter 앱의 \"요금제 및 결제\"에서 시작하세요.",
    loading: "주문 정보를 불러오는 중…", plan: "요금제", kindUpgrade: "업그레이드 (남은 기간 차액)",
    includes: "포함", perDay: (n) => (n == null ? "변환 무제한" : `하루 ${n}회 변환`), devices: (n) => `기기 ${n}대`,
    perRun: (n) => `한 번에 ${n}개 파일`, feat: { folders: "폴더 변환", schedules: "예약 변환", scan: "컴퓨터 검사" },
    once: "1개월 이용권 (자동 갱신 없음)", subscription: "매월 자동 결제", billing: "결제 방식", amount: "결제 금액",
    won: (n) => `${n.toLocaleString("ko-KR")}원`, payOnce: "결제하기", paySub: "카드 등록하고 구독하기",
    subNote: "첫 달 요금이 지금 결제되고, 이후 매월 같은 날 자동으로 결제됩니다. 앱에서 언제든 해지할 수 있습니다.",
    paid: "이미 결제된 주문입니다. 앱으로 돌아가세요.", confirming: "결제를 확인하는 중입니다. 창을 닫지 마세요…",
    done: "결제가 완료되었습니다!", until: (d) => `${d}까지 이용할 수 있습니다.`, renews: "매월 자동으로 갱신됩니다.",
    back: "이제 ImageConverter 앱으로 돌아가세요. 앱이 새 요금제를 곧 반영합니다.",
    failed: "결제가 완료되지 않았습니다.", retry: "다시 시도", canceled: "결제를 취소했습니다. 요금은 청구되지 않았습니다.",
    errors: { amount_mismatch: "결제 금액이 주문과 다릅니다. 결제되지 않았습니다. 앱에서 다시 시작해 주세요.",
      payment_failed: "카드 결제가 거절되었습니다.", not_found: "주문을 찾을 수 없습니다. 앱에서 다시 시작해 주세요.",
      conflict: "이 주문은 더 이상 결제할 수 없습니다.", unavailable: "결제 서비스에 잠시 연결할 수 없습니다. 잠시 후 다시 시도해 주세요.",
      network: "서버에 연결할 수 없습니다. 인터넷 연결을 확인해 주세요.", other: "문제가 발생했습니다. 잠시 후 다시 시도해 주세요." },
  },
  en: {
    title: "ImageConverter checkout", home: "Start a purchase from \"Plan & billing\" in the ImageConverter app.",
    loading: "Loading your order…", plan: "Plan", kindUpgrade: "Upgrade (difference for the rest of the period)",
    includes: "Includes", perDay: (n) => (n == null ? "Unlimited conversions" : `${n} conversions a day`), devices: (n) => `${n} computers`,
    perRun: (n) => `${n} files per run`, feat: { folders: "folders", schedules: "scheduled folders", scan: "computer scan" },
    once: "One month (no automatic renewal)", subscription: "Monthly, renews automatically", billing: "Billing", amount: "Amount",
    won: (n) => `KRW ${n.toLocaleString("en-US")}`, payOnce: "Pay", paySub: "Register card and subscribe",
    subNote: "The first month is charged now, then the same day every month. You can cancel any time in the app.",
    paid: "This order is already paid. Please return to the app.", confirming: "Confirming your payment. Please keep this window open…",
    done: "Payment complete!", until: (d) => `Your plan runs until ${d}.`, renews: "It renews automatically every month.",
    back: "You can return to the ImageConverter app now; it picks up your new plan shortly.",
    failed: "The payment did not go through.", retry: "Try again", canceled: "You cancelled the payment. Nothing was charged.",
    errors: { amount_mismatch: "The amount does not match the order. Nothing was charged. Please start again from the app.",
      payment_failed: "The card payment was declined.", not_found: "This order was not found. Please start again from the app.",
      conflict: "This order can no longer be paid.", unavailable: "The payment service is briefly unavailable. Please try again in a moment.",
      network: "Could not reach the server. Please check your internet connection.", other: "Something went wrong. Please try again in a moment." },
  },
  ja: {
    title: "ImageConverter お支払い", home: "お支払いは ImageConverter アプリの「プランとお支払い」から開始してください。",
    loading: "ご注文を読み込んでいます…", plan: "プラン", kindUpgrade: "アップグレード(残り期間の差額)",
    includes: "内容", perDay: (n) => (n == null ? "変換無制限" : `1日${n}回の変換`), devices: (n) => `${n}台のパソコン`,
    perRun: (n) => `1回${n}ファイル`, feat: { folders: "フォルダ変換", schedules: "予約変換", scan: "PCスキャン" },
    once: "1か月利用券(自動更新なし)", subscription: "毎月自動決済", billing: "お支払い方法", amount: "金額",
    won: (n) => `${n.toLocaleString("ja-JP")}ウォン`, payOnce: "支払う", paySub: "カードを登録して購読する",
    subNote: "初月分を今お支払いいただき、以後毎月同じ日に自動で決済されます。アプリからいつでも解約できます。",
    paid: "このご注文はお支払い済みです。アプリにお戻りください。", confirming: "お支払いを確認しています。このウィンドウを閉じないでください…",
    done: "お支払いが完了しました!", until: (d) => `${d}までご利用いただけます。`, renews: "毎月自動で更新されます。",
    back: "ImageConverter アプリにお戻りください。新しいプランがまもなく反映されます。",
    failed: "お支払いが完了しませんでした。", retry: "もう一度試す", canceled: "お支払いをキャンセルしました。料金は請求されていません。",
    errors: { amount_mismatch: "金額がご注文と異なります。決済されていません。アプリからやり直してください。",
      payment_failed: "カード決済が拒否されました。", not_found: "ご注文が見つかりません。アプリからやり直してください。",
      conflict: "このご注文はお支払いできなくなりました。", unavailable: "決済サービスに一時的に接続できません。しばらくしてからお試しください。",
      network: "サーバーに接続できません。インターネット接続をご確認ください。", other: "問題が発生しました。しばらくしてからお試しください。" },
  },
};

const params = new URLSearchParams(location.search);
const local = ["127.0.0.1", "localhost"].includes(location.hostname);

// Korean first; ?lang= wins, then the browser's languages.
function pickLang() {
  const wanted = [params.get("lang"), ...(navigator.languages || [navigator.language])];
  for (const l of wanted) {
    const k = (l || "").slice(0, 2).toLowerCase();
    if (T[k]) return k;
  }
  return "ko";
}
const lang = pickLang();
const t = T[lang];
document.documentElement.lang = lang;

// The API: production from config.js; locally the stack's server, or ?api=
// (accepted on localhost only, so a link cannot send payments elsewhere).
const API = (local && params.get("api")) || (local ? "http://127.0.0.1:8081" : window.IC_CONFIG.apiBase);

// keep carries lang/api through Toss's redirects.
function keep(path, extra = {}) {
  const q = new URLSearchParams(extra);
  q.set("lang", lang);
  if (local && params.get("api")) q.set("api", params.get("api"));
  return `${location.origin}${path}?${q}`;
}

async function api(method, path, body) {
  let resp;
  try {
    resp = await fetch(API + path, {
      method, headers: body ? { "Content-Type": "application/json" } : {}, body: body ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw { code: "network" };
  }
  const data = await resp.json().catch(() => ({}));
  if (!resp.ok) throw { code: data.error?.code || "other", message: data.error?.message };
  return data;
}

const $ = (sel) => document.querySelector(sel);
function show(html) { $("#content").innerHTML = html; }
function esc(s) { return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`); }
// The API's sentences are English: the page says it in its own language.
function errorText(e) {
  return t.errors[e.code] || t.errors.other;
}
// The period end as the app and the e-mails show it: the day and the time in Korea.
function date(iso) {
  return new Intl.DateTimeFormat(lang, {
    year: "numeric", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "Asia/Seoul",
  }).format(new Date(iso));
}
const planNames = { ko: { basic: "베이직", pro: "프로" }, en: { basic: "Basic", pro: "Pro" }, ja: { basic: "ベーシック", pro: "プロ" } };
function planName(id) { return planNames[lang][id] || id; }

function translateStatic() {
  document.querySelectorAll("[data-t]").forEach((el) => { el.textContent = t[el.dataset.t]; });
  document.title = t.title;
  const links = ["ko", "en", "ja"].map((l) => {
    const q = new URLSearchParams(location.search); q.set("lang", l);
    return `<a href="?${q}" lang="${l}">${{ ko: "한국어", en: "English", ja: "日本語" }[l]}</a>`;
  });
  const bar = $(".lang"); if (bar) bar.innerHTML = links.join("");
}

async function checkoutPage() {
  const orderId = params.get("orderId") || "";
  show(`<p class="note">${t.loading}</p>`);
  let o;
  try {
    o = await api("GET", `/v1/checkout/${encodeURIComponent(orderId)}`);
  } catch (e) {
    return show(`<p class="error">${esc(errorText(e))}</p>`);
  }
  if (o.status === "paid") return show(`<p>${t.paid}</p>`);
  // What the plan includes (GET /v1/plans; the summary is left out if it fails).
  const plan = await api("GET", "/v1/plans").then((r) => r.plans.find((p) => p.id === o.plan)).catch(() => null);
  const includes = plan ? [t.perDay(plan.dailyLimit), plan.formats.map((f) => f.toUpperCase()).join(", "), t.perRun(plan.batchSize),
    t.devices(plan.maxDevices), ...plan.features.filter((f) => t.feat[f]).map((f) => t.feat[f])].join(" · ") : "";
  const billing = o.kind === "upgrade" ? t.kindUpgrade : o.mode === "subscription" ? t.subscription : t.once;
  show(`<dl><dt>${t.plan}</dt><dd>${esc(planName(o.plan))}</dd>
    ${includes ? `<dt>${t.includes}</dt><dd id="includes">${esc(includes)}</dd>` : ""}<dt>${t.billing}</dt><dd>${billing}</dd>
    <dt>${t.amount}</dt><dd class="price">${t.won(o.amount)}</dd></dl>
    ${o.mode === "subscription" ? `<p class="note">${t.subNote}</p>` : ""}
    <button id="pay">${o.mode === "subscription" ? t.paySub : t.payOnce}</button><p id="msg" class="error"></p>`);
  $("#pay").addEventListener("click", async () => {
    $("#pay").disabled = true;
    try {
      // The npm SDK loads Toss's script; locally sdkUrl is the fake's stand-in.
      const toss = await loadTossPayments(o.clientKey, { src: o.sdkUrl });
      const payment = toss.payment({ customerKey: o.customerKey });
      if (o.mode === "subscription") {
        await payment.requestBillingAuth({ method: "CARD",
          successUrl: keep("/success.html", { orderId: o.orderId }), failUrl: keep("/fail.html", { orderId: o.orderId }) });
      } else {
        await payment.requestPayment({ method: "CARD", amount: { currency: "KRW", value: o.amount },
          orderId: o.orderId, orderName: o.orderName, successUrl: keep("/success.html"), failUrl: keep("/fail.html") });
      }
    } catch (e) {
      $("#msg").textContent = e?.code === "USER_CANCEL" ? t.canceled : (e?.message || t.errors.other);
      $("#pay").disabled = false;
    }
  });
}

async function successPage() {
  show(`<p class="note">${t.confirming}</p>`);
  try {
    const orderId = params.get("orderId");
    const s = params.get("authKey")
      ? await api("POST", "/v1/billing/issue", { authKey: params.get("authKey"), customerKey: params.get("customerKey"), orderId })
      : await api("POST", "/v1/payments/confirm", { paymentKey: params.get("paymentKey"), orderId, amount: Number(params.get("amount")) });
    show(`<h2>${t.done}</h2><p>${esc(planName(s.plan))} — ${t.until(date(s.currentPeriodEnd))}
      ${s.autoRenew ? t.renews : ""}</p><p><strong>${t.back}</strong></p>`);
  } catch (e) {
    const retry = params.get("orderId") ? `<p><a href="${keep("/checkout.html", { orderId: params.get("orderId") })}">${t.retry}</a></p>` : "";
    show(`<h2>${t.failed}</h2><p class="error" id="err" data-code="${esc(e.code)}">${esc(errorText(e))}</p>${retry}`);
  }
}

function failPage() {
  // Toss sends code and message (e.g. PAY_PROCESS_CANCELED) to the failUrl.
  const code = params.get("code") || "";
  // Toss's own message is shown by its window already; here, a sentence in the page's language.
  const msg = code === "PAY_PROCESS_CANCELED" ? t.canceled : code.startsWith("REJECT_") ? `${t.failed} ${t.errors.payment_failed}` : t.failed;
  const retry = params.get("orderId") ? `<p><a href="${keep("/checkout.html", { orderId: params.get("orderId") })}">${t.retry}</a></p>` : "";
  show(`<p class="error" id="err" data-code="${esc(code)}">${esc(msg)}</p>${retry}`);
}

translateStatic();
({ checkout: checkoutPage, success: successPage, fail: failPage }[document.body.dataset.page] || (() => {}))();
