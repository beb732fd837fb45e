// Signed-in flows against the dev binary wired to the real local backend
// (scripts/stack.sh): sign in as the demo Basic user, see the plan, quota,
// devices and locked features, sign out back to Free. Run by tests/e2e/run.sh
// when IC_API_BASE is set.
import { openSuite, shots } from "./harness.mjs";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";

const addr = process.env.IC_E2E_ACCOUNT_ADDR ?? "127.0.0.1:34116";
const proxy = process.env.IC_E2E_PROXY; // the unpluggable way to the API (tests/e2e/netproxy.mjs)
const control = process.env.IC_E2E_CONTROL; // the app's test hooks (e2e_hooks.go)
const apiBase = process.env.IC_API_BASE; // the stack's API, for the checkout page
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const post = async (base, p) => {
  const r = await fetch(`http://${base}${p}`, { method: "POST" });
  assert.ok(r.ok, `${p}: ${r.status}`);
};
/** The window gets focus, as when the user comes back to the app. */
const focus = () => page.evaluate(() => window.dispatchEvent(new Event("focus")));
const data = process.env.IC_E2E_DATA;
assert.ok(data, "run through tests/e2e/run.sh");

const suite = await openSuite("account");
const { pageErrors, step, tid } = suite;
const page = suite.page;

await page.goto(`http://${addr}/`);

await step("signed out: free plan refuses a folder with a sentence naming Basic", async () => {
  await page.waitForFunction(() => document.querySelector('[data-testid="plan-badge"]')?.textContent?.includes("무료"));
  await page.evaluate((d) => {
    window.go.main.App.ChooseFolder = () => Promise.resolve(d);
  }, path.join(data, "account"));
  await tid("choose-folder").click();
  await tid("refusal").waitFor();
  const text = await tid("refusal").innerText();
  assert.match(text, /폴더가 아닌 사진 파일만/);
  assert.match(text, /베이직 요금제에서 가능합니다/);
  assert.equal(fs.readdirSync(path.join(data, "account")).filter((f) => f.endsWith(".webp")).length, 0);
});

await step("free plan: after a refused drop, the waiting photo is offered with Continue", async () => {
  const files = ["w1.jpg", "w2.jpg"].map((f) => path.join(data, "waiting", f));
  await page.evaluate((fs) => {
    window.go.main.App.ChooseFiles = () => Promise.resolve(fs);
  }, files);
  await tid("again").click().catch(() => {}); // back to the drop zone if a summary shows
  await tid("choose-files").click();
  await tid("summary").waitFor({ timeout: 60_000 }); // one photo per run on Free; the other waits
  await tid("continue").waitFor();
  // A refused drop (a folder) must not hide the photo still waiting.
  await tid("again").click();
  await tid("choose-folder").click();
  await tid("refusal").waitFor();
  await tid("waiting").waitFor();
  assert.match(await tid("waiting").innerText(), /1개 파일이 아직 대기 중/);
  await page.screenshot({ path: path.join(shots, "account-free-waiting.png") });
  await tid("continue-waiting").click();
  await tid("summary").waitFor({ timeout: 60_000 });
  assert.equal(fs.readdirSync(path.join(data, "waiting")).filter((f) => f.endsWith(".webp")).length, 2);
  await tid("again").click();
});

await step("a wrong password is a sentence", async () => {
  await tid("nav-account").click();
  await page.locator('input[type="email"]').fill("basic@example.com");
  await page.locator('input[type="password"]').fill("not-the-password");
  await page.locator('button[type="submit"]').click();
  const err = page.locator('form [role="alert"]');
  await err.waitFor();
  const text = await err.innerText();
  assert.equal(text, "이메일 또는 비밀번호가 맞지 않습니다.");
  assert.doesNotMatch(text, /licensing:|\b[45]\d\d\b|INVALID_|goroutine/);
});

await step("a refusal of the Free plan is shown, then goes when the plan changes", async () => {
  await tid("nav-convert").click();
  await tid("choose-folder").click();
  await tid("refusal").waitFor();
  await tid("nav-account").click();
});

await step("sign in as Basic: badge, quota, AVIF, folders", async () => {
  await page.locator('input[type="email"]').fill("basic@example.com");
  await page.locator('input[type="password"]').fill("password");
  await page.locator('button[type="submit"]').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="plan-badge"]')?.textContent?.includes("베이직"));
  assert.equal(await tid("refusal").count(), 0, "the Free plan's refusal is still shown on Basic");
  assert.match(await tid("remaining").innerText(), /오늘 남은 변환 \d+회/);
  assert.doesNotMatch(await tid("format-avif").innerText(), /\+/, "AVIF still marked as a higher plan");
  await tid("choose-folder").click();
  await tid("summary").waitFor({ timeout: 60_000 });
  assert.match(await tid("counts").innerText(), /변환 1 · 건너뜀 0 · 실패 0/);
  await page.screenshot({ path: path.join(shots, "account-basic-summary.png") });
});

await step("scan is locked and names Pro; schedules is open on Basic", async () => {
  await tid("nav-scan").click();
  assert.match(await tid("locked-scan").innerText(), /프로 요금제에서 사용할 수 있습니다/);
  await tid("nav-schedules").click();
  await tid("schedules-view").waitFor(); // the real screen, not the locked one
  assert.equal(await tid("locked-schedules").count(), 0);
});

await step("plan screen: current plan, prices, this device", async () => {
  await tid("nav-plan").click();
  await tid("plans").waitFor();
  await page.getByText("현재 요금제").waitFor();
  assert.match(await tid("plans").innerText(), /월 9,900원/);
  await page.getByText("이 기기").waitFor({ timeout: 15_000 });
  assert.ok(await tid("upgrade-pro").isVisible(), "no upgrade button for Pro");
  assert.ok(await tid("included-free").isVisible(), "the Free plan is not shown as included");
  assert.equal(await tid("upgrade-free").count(), 0);
  await tid("refresh-account").click();
  await page.waitForFunction(() => !document.querySelector('[data-testid="refresh-account"]')?.hasAttribute("disabled"));
  assert.equal(await page.locator('section > [role="alert"]').count(), 0, "refreshing the plan showed an error");
  await page.screenshot({ path: path.join(shots, "account-plans.png") });
});

await step("offline: a banner on every screen with the days of grace left", async () => {
  await post(proxy, "/down");
  await tid("nav-convert").click();
  await focus();
  const banner = tid("offline-banner");
  await banner.waitFor({ timeout: 20_000 });
  assert.equal(await banner.getAttribute("data-days"), "7");
  assert.match(await banner.innerText(), /오프라인 상태입니다.*7일 더/);
  await tid("nav-settings").click();
  await banner.waitFor();
  await page.screenshot({ path: path.join(shots, "account-offline.png") });
});

await step("offline: a warning from two days before the grace ends", async () => {
  await post(control, "/clock?advance=121h"); // five days and an hour later
  await focus();
  await page.waitForFunction(() => document.querySelector('[data-testid="offline-banner"]')?.getAttribute("data-days") === "2");
  assert.match(await tid("offline-banner").getAttribute("class"), /warn/);
  assert.match(await tid("offline-banner").innerText(), /2일 남았습니다/);
});

await step("offline past the grace: the Free plan, saying why and what to do", async () => {
  await post(control, "/clock?advance=72h");
  await focus();
  await page.locator('[data-testid="account-notice"][data-key="expired"]').waitFor({ timeout: 15_000 });
  assert.match(await tid("account-notice").innerText(), /무료 요금제로 전환되었습니다.*연결되면/);
  await page.waitForFunction(() => document.querySelector('[data-testid="plan-badge"]')?.textContent?.includes("무료"));
  assert.equal(await tid("offline-banner").count(), 0);
  await page.screenshot({ path: path.join(shots, "account-offline-expired.png") });
});

await step("back online: the banner goes and the plan comes back", async () => {
  await post(proxy, "/up");
  await tid("offline-retry").click();
  await page.waitForFunction(() => document.querySelector('[data-testid="plan-badge"]')?.textContent?.includes("베이직"), null, { timeout: 20_000 });
  assert.equal(await tid("offline-banner").count(), 0);
  assert.equal(await page.locator('[data-testid="account-notice"][data-key="expired"]').count(), 0);
});

await step("sign out goes back to Free", async () => {
  await tid("nav-account").click();
  await tid("sign-out").click();
  await page.waitForFunction(() => document.querySelector('[data-testid="plan-badge"]')?.textContent?.includes("무료"));
});

// Paying in the browser: the app sees the order and changes plan by itself.
let checkoutPage;
async function openCheckoutFromApp() {
  const url = new URL(await tid("checkout-url").inputValue());
  assert.equal(url.searchParams.get("lang"), "ko", "the checkout page does not open in the app's language");
  url.searchParams.set("api", apiBase);
  checkoutPage = checkoutPage ?? (await page.context().newPage());
  await checkoutPage.goto(url.toString());
}

await step("upgrade: the app says the checkout opened, with the link", async () => {
  await tid("nav-account").click();
  await page.getByText("계정이 없으신가요?").waitFor();
  await page.locator(".links button", { hasText: "회원가입" }).click();
  await page.locator('input[type="email"]').fill(`buyer-${Date.now()}@example.com`);
  await page.locator('input[type="password"]').fill("password-1");
  await page.locator('button[type="submit"]').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="nav-account"]')?.textContent?.includes("buyer-"));
  await tid("nav-plan").click();
  await tid("upgrade-basic").click();
  await tid("checkout").waitFor();
  assert.match(await tid("checkout").innerText(), /결제 창을 브라우저에서 열었습니다|브라우저를 열지 못했습니다/);
  assert.match(await tid("checkout-url").inputValue(), /checkout\.html\?.*orderId=ic_/);
  await page.screenshot({ path: path.join(shots, "account-checkout-open.png") });
});

await step("a declined card leaves Free, with a sentence in the app", async () => {
  await openCheckoutFromApp();
  await checkoutPage.click("#pay");
  await checkoutPage.waitForURL(/\/billing-auth\?/);
  await checkoutPage.check("input[value='4000000000000002']");
  await checkoutPage.click("#pay");
  await checkoutPage.locator("#err").waitFor();
  await tid("checkout-declined").waitFor({ timeout: 30_000 });
  assert.match(await tid("checkout-declined").innerText(), /카드사에서 결제를 거절했습니다.*요금제는 바뀌지 않았습니다/);
  assert.match(await tid("plan-badge").innerText(), /무료/);
  await page.screenshot({ path: path.join(shots, "account-checkout-declined.png") });
});

await step("paying with the approved card switches the app to Basic without a click in it", async () => {
  await openCheckoutFromApp();
  await checkoutPage.click("#pay");
  await checkoutPage.waitForURL(/\/billing-auth\?/);
  await checkoutPage.click("#pay");
  await checkoutPage.waitForURL(/\/success\.html\?/);
  await checkoutPage.getByText("결제가 완료되었습니다!").waitFor();
  const periodOnPage = await checkoutPage.locator("#content").innerText();
  await tid("checkout-paid").waitFor({ timeout: 30_000 });
  assert.match(await tid("checkout-paid").innerText(), /베이직 요금제가 적용되었습니다/);
  await page.waitForFunction(() => document.querySelector('[data-testid="plan-badge"]')?.textContent?.includes("베이직"));
  // One period end, shown the same (Asia/Seoul) on the page and in the app.
  const inApp = await page.locator(".card p", { hasText: "다음 결제일" }).innerText();
  const day = /(\d{4})\. (\d{1,2})\. (\d{1,2})\./.exec(inApp) ?? /(\d{4})년 (\d{1,2})월 (\d{1,2})일/.exec(inApp);
  assert.ok(day, `no date in "${inApp}"`);
  assert.ok(periodOnPage.includes(`${day[1]}년 ${day[2]}월 ${day[3]}일`), `the page says "${periodOnPage}", the app "${inApp}"`);
  await page.screenshot({ path: path.join(shots, "account-checkout-paid.png") });
});

// The local stack publishes its own signed manifest (scripts/stack.sh), so a
// local build checks for updates against something real, as `make run` shows.
await step("against the local stack, 'check for updates' says this version is the latest", async () => {
  await tid("nav-settings").click();
  await tid("check-updates").click();
  await page.waitForFunction(() => !document.querySelector('[data-testid="check-updates"]')?.hasAttribute("disabled"));
  assert.match(await tid("update-state").innerText(), /최신 버전을 쓰고 있습니다/);
});

await step("no uncaught errors in the page", async () => assert.deepEqual(pageErrors, []));

await suite.finish("all account steps passed");
