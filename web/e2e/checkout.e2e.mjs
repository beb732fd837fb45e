// End-to-end test of the checkout pages in a real browser (Debian's chromium
// through playwright-core) against a running local stack: the api server, the
// fake Toss (its payment windows) and the pages served over HTTP.
//
//   node web/e2e/checkout.e2e.mjs
//
// Environment: IC_API_BASE (default http://127.0.0.1:8081), IC_WEB_BASE (the
// pages, default http://127.0.0.1:5190), FIREBASE_AUTH_EMULATOR_HOST (default
// 127.0.0.1:9190), CHROMIUM (default /usr/bin/chromium). Exits non-zero on failure.
import { chromium } from "playwright-core";
import assert from "node:assert/strict";

const API = process.env.IC_API_BASE || "http://127.0.0.1:8081";
const WEB = process.env.IC_WEB_BASE || "http://127.0.0.1:5190";
const AUTH = process.env.FIREBASE_AUTH_EMULATOR_HOST || "127.0.0.1:9190";

async function json(url, opts = {}) {
  const r = await fetch(url, { ...opts, headers: { "Content-Type": "application/json", ...(opts.headers || {}) } });
  const body = await r.json();
  if (!r.ok) throw new Error(`${url}: ${r.status} ${JSON.stringify(body)}`);
  return body;
}

async function newUser() {
  const email = `web-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const u = await json(`http://${AUTH}/identitytoolkit.googleapis.com/v1/accounts:signUp?key=fake-api-key`,
    { method: "POST", body: JSON.stringify({ email, password: "secret-123", returnSecureToken: true }) });
  return u.idToken;
}

// checkoutURL creates an order as the desktop app does and returns the page
// URL it would open (pointed at this stack's API and the wanted language).
async function checkoutURL(plan, mode, lang) {
  const token = await newUser();
  const c = await json(`${API}/v1/checkout`, { method: "POST", headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify({ plan, mode }) });
  const u = new URL(`${WEB}/checkout.html`);
  u.searchParams.set("orderId", c.orderId);
  u.searchParams.set("api", API);
  u.searchParams.set("lang", lang);
  return { url: u.toString(), order: c };
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ["--no-sandbox"] });
const failures = [];
async function scenario(name, fn) {
  const page = await browser.newPage();
  try {
    await fn(page);
    console.log(`ok   ${name}`);
  } catch (e) {
    failures.push(name);
    console.log(`FAIL ${name}: ${e.message}\n     at ${page.url()}`);
  } finally {
    await page.close();
  }
}

await scenario("one-month pass, Korean", async (page) => {
  const { url } = await checkoutURL("basic", "once", "ko");
  await page.goto(url);
  await page.getByText("4,900원").waitFor();
  await page.getByText("하루 50회 변환", { exact: false }).waitFor(); // the plan summary
  await page.click("#pay");                 // checkout page → fake Toss window
  await page.waitForURL(/\/pay\?/);
  await page.click("#pay");                 // approve with the test card
  await page.waitForURL(/\/success\.html\?/);
  const u = new URL(page.url());
  assert.ok(u.searchParams.get("paymentKey") && u.searchParams.get("amount") === "4900", "Toss parameters on the success URL");
  await page.getByText("결제가 완료되었습니다!").waitFor();
  await page.getByText("앱으로 돌아가세요", { exact: false }).waitFor();
  await page.reload();                      // a reload replays confirm: still fine, nothing charged twice
  await page.getByText("결제가 완료되었습니다!").waitFor();
});

await scenario("monthly subscription, English", async (page) => {
  const { url } = await checkoutURL("pro", "subscription", "en");
  await page.goto(url);
  await page.getByText("KRW 9,900").waitFor();
  await page.click("#pay");
  await page.waitForURL(/\/billing-auth\?/);
  await page.click("#pay");
  await page.waitForURL(/\/success\.html\?/);
  assert.ok(new URL(page.url()).searchParams.get("authKey"), "authKey on the success URL");
  await page.getByText("Payment complete!").waitFor();
  await page.getByText("renews automatically", { exact: false }).waitFor();
});

await scenario("declined card, Japanese", async (page) => {
  const { url } = await checkoutURL("basic", "once", "ja");
  await page.goto(url);
  await page.click("#pay");
  await page.waitForURL(/\/pay\?/);
  await page.check("input[value='4000000000000002']");
  await page.click("#pay");
  await page.waitForURL(/\/success\.html\?/);
  await page.locator("#err[data-code='payment_failed']").waitFor();
  await page.getByText("カード決済が拒否されました", { exact: false }).waitFor();
  await page.getByText("もう一度試す").waitFor();
});

await scenario("cancel in the payment window", async (page) => {
  const { url } = await checkoutURL("pro", "once", "ko");
  await page.goto(url);
  await page.click("#pay");
  await page.waitForURL(/\/pay\?/);
  await page.click("#cancel");
  await page.waitForURL(/\/fail\.html\?/);
  await page.locator("#err[data-code='PAY_PROCESS_CANCELED']").waitFor();
  await page.getByText("결제를 취소했습니다", { exact: false }).waitFor();
});

await scenario("tampered amount on the success URL", async (page) => {
  const { url, order } = await checkoutURL("pro", "once", "en");
  await page.goto(url);
  await page.click("#pay");
  await page.waitForURL(/\/pay\?/);
  await page.click("#pay");
  await page.waitForURL(/\/success\.html\?/);
  await page.getByText("Payment complete!").waitFor();
  const u = new URL(page.url());
  u.searchParams.set("amount", "100");
  await page.goto(u.toString());
  await page.locator("#err[data-code='amount_mismatch']").waitFor();
  assert.equal(order.amount, 9900);
});

await scenario("the SDK's payment() refuses a payment-widget key (gck), takes an API key (ck)", async (page) => {
  const { order } = await checkoutURL("basic", "once", "ko");
  await page.goto(`${WEB}/index.html`);
  await page.addScriptTag({ url: order.sdkUrl });
  const got = await page.evaluate(() => {
    const out = {};
    for (const [name, key] of [["widget", "test_gck_docs_x"], ["api", "test_ck_x"]]) {
      try {
        window.TossPayments(key).payment({ customerKey: "c" });
        out[name] = "accepted";
      } catch (e) {
        out[name] = e.code || String(e);
      }
    }
    return out;
  });
  assert.deepEqual(got, { widget: "INVALID_CLIENT_KEY", api: "accepted" });
});

await scenario("each mode opens its own MID's window", async (page) => {
  const once = (await checkoutURL("basic", "once", "en")).order;
  const sub = (await checkoutURL("basic", "subscription", "en")).order;
  assert.ok(once.clientKey && sub.clientKey && once.clientKey !== sub.clientKey, "one-time and automatic payments use different client keys");
  await page.goto("about:blank");
});

await browser.close();
if (failures.length) {
  console.log(`${failures.length} scenario(s) failed`);
  process.exit(1);
}
console.log("all checkout scenarios passed");
