// Signed-in flows against the dev binary wired to the real local backend
// (scripts/stack.sh): sign in as the demo Basic user, see the plan, quota,
// devices and locked features, sign out back to Free. Run by tests/e2e/run.sh
// when IC_API_BASE is set.
import { chromium } from "playwright-core";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";

const addr = process.env.IC_E2E_ACCOUNT_ADDR ?? "127.0.0.1:34116";
const data = process.env.IC_E2E_DATA;
const shots = process.env.IC_E2E_SHOTS ?? path.join(import.meta.dirname, "test-results");
assert.ok(data, "run through tests/e2e/run.sh");

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let failed = 0;
const page = await (await browser.newContext({ locale: "ko-KR", viewport: { width: 1180, height: 780 } })).newPage();
const pageErrors = [];
page.on("pageerror", (e) => pageErrors.push(e.message));
const tid = (id) => page.locator(`[data-testid="${id}"]`);
async function step(name, fn) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}\n     ${String(e.message).split("\n").join("\n     ")}`);
    await page.screenshot({ path: path.join(shots, `fail-account-${name.replace(/\W+/g, "-")}.png`) }).catch(() => {});
  }
}

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

await step("sign in as Basic: badge, quota, AVIF, folders", async () => {
  await page.locator('input[type="password"]').fill("password");
  await page.locator('button[type="submit"]').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="plan-badge"]')?.textContent?.includes("베이직"));
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
  await tid("refresh-account").click();
  await page.waitForFunction(() => !document.querySelector('[data-testid="refresh-account"]')?.hasAttribute("disabled"));
  assert.equal(await page.locator('section > [role="alert"]').count(), 0, "refreshing the plan showed an error");
  await page.screenshot({ path: path.join(shots, "account-plans.png") });
});

await step("sign out goes back to Free", async () => {
  await tid("nav-account").click();
  await tid("sign-out").click();
  await page.waitForFunction(() => document.querySelector('[data-testid="plan-badge"]')?.textContent?.includes("무료"));
});

await step("no uncaught errors in the page", async () => assert.deepEqual(pageErrors, []));

await browser.close();
console.log(failed ? `${failed} step(s) failed` : "all account steps passed");
process.exit(failed ? 1 : 0);
