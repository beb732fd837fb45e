// Fine control through the real UI and the real Go engine (the dev binary's devserver): the custom
// quality slider and lossless on the main screen (saved, and used by a conversion), the long-edge
// resize presets, the target size and the output name pattern with its live preview in the
// settings (the preview comes from the converter's own naming; the converted file gets that name).
// Then, on a second instance on the Free plan (IC_E2E_FREE_ADDR), the same controls are locked with
// the plan's tag and a link to the plans, and a run asking for them is refused with the sentence.
// Run by tests/e2e/run.sh; needs IC_E2E_ADDR, IC_E2E_FREE_ADDR and IC_E2E_DATA (base.jpg).
import { openSuite, shots } from "./harness.mjs";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";

const addr = process.env.IC_E2E_ADDR ?? "127.0.0.1:34115";
const freeAddr = process.env.IC_E2E_FREE_ADDR;
const data = process.env.IC_E2E_DATA;
assert.ok(data && freeAddr, "run through tests/e2e/run.sh");

const suite = await openSuite("fine", { viewport: { width: 1180, height: 900 } });
const { pageErrors, step, tid } = suite;
let page = suite.page;

const shot = (name) => page.screenshot({ path: path.join(shots, `fine-${name}.png`), fullPage: true });
const saved = () => page.evaluate(() => window.go.main.App.GetSettings());
async function chooseFiles(paths) {
  await page.evaluate((p) => {
    window.go.main.App.ChooseFiles = () => Promise.resolve(p);
  }, paths);
  await tid("choose-files").click();
}
/** Move a range input to v as a person's drag ends: input events, then change. */
async function slide(locator, v) {
  await locator.evaluate((el, value) => {
    el.value = String(value);
    el.dispatchEvent(new Event("input", { bubbles: true }));
    el.dispatchEvent(new Event("change", { bubbles: true }));
  }, v);
}

const dir = path.join(data, "fine");
fs.mkdirSync(dir, { recursive: true });
fs.copyFileSync(path.join(data, "base.jpg"), path.join(dir, "p1.jpg"));
fs.copyFileSync(path.join(data, "base.jpg"), path.join(dir, "p2.jpg"));
const before = await (async () => {
  await page.goto(`http://${addr}/`);
  await tid("dropzone").waitFor();
  return saved();
})();

await step("custom quality: the slider shows, moves, is saved, and lossless is WebP only", async () => {
  await tid("format-webp").click();
  await tid("preset-custom").click();
  await tid("fine").waitFor();
  assert.equal(await tid("fine-locked").count(), 0, "Pro sees the custom quality locked");
  const slider = tid("quality-slider");
  assert.ok(await slider.isVisible());
  await slide(slider, 35);
  await page.waitForFunction(() => document.querySelector('[data-testid="quality-value"]')?.textContent?.includes("35"));
  await page.waitForFunction(async () => (await window.go.main.App.GetSettings()).quality === 35);
  const s = await saved();
  assert.equal(s.preset, "custom");
  assert.equal(s.quality, 35);
  assert.ok(await tid("lossless").isVisible(), "no lossless switch for WebP");
  await shot("custom-webp");
  await tid("format-avif").click();
  await tid("lossless-webp-only").waitFor();
  assert.equal(await tid("lossless").count(), 0, "lossless offered for AVIF");
  await tid("format-webp").click();
  await tid("lossless").waitFor();
});

await step("a run uses the custom quality: smaller than the balanced preset", async () => {
  await chooseFiles([path.join(dir, "p1.jpg")]);
  await tid("summary").waitFor({ timeout: 60_000 });
  const q35 = fs.statSync(path.join(dir, "p1.webp")).size;
  await tid("again").click();
  await tid("preset-balanced").click();
  await page.waitForFunction(async () => (await window.go.main.App.GetSettings()).preset === "balanced");
  await chooseFiles([path.join(dir, "p2.jpg")]);
  await tid("summary").waitFor({ timeout: 60_000 });
  const q80 = fs.statSync(path.join(dir, "p2.webp")).size;
  assert.ok(q35 < q80 * 0.8, `quality 35 wrote ${q35} bytes, balanced ${q80}`);
  await tid("again").click();
});

await step("settings: name pattern with a live preview, long-edge resize, target size; saved", async () => {
  await tid("nav-settings").click();
  const pattern = tid("name-pattern");
  await pattern.waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="name-preview-out"]')?.textContent === "IMG_2041.webp");
  await pattern.fill("{name}-small");
  await page.waitForFunction(() => document.querySelector('[data-testid="name-preview-out"]')?.textContent === "IMG_2041-small.webp");
  // A token button inserts at the cursor; the preview follows with today's date.
  await pattern.focus();
  await page.keyboard.press("End");
  await page.keyboard.type("-");
  await tid("token-date").click();
  const today = await page.evaluate(() => {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  });
  await page.waitForFunction((d) => document.querySelector('[data-testid="name-preview-out"]')?.textContent === `IMG_2041-small-${d}.webp`, today);
  // A bad pattern says why, in Korean, instead of a preview.
  await pattern.fill("web/{name}");
  await tid("name-error").waitFor();
  assert.match(await tid("name-error").innerText(), /파일 이름/);
  await shot("name-error");
  await pattern.fill("photo");
  await page.waitForFunction(() => document.querySelector('[data-testid="name-error"]')?.textContent?.includes("{name}"));
  await pattern.fill("{name}-small");
  await page.waitForFunction(() => document.querySelector('[data-testid="name-preview-out"]')?.textContent === "IMG_2041-small.webp");

  await tid("resize-choice").selectOption("1280");
  assert.match(await tid("resize-summary").innerText(), /1280 × 1280/);
  assert.equal(await tid("max-width").count(), 0, "a preset shows the two numbers");
  await tid("target-on").check();
  await tid("target-kb").fill("300");
  await shot("settings");
  await tid("save-settings").click();
  await page.waitForFunction(async () => (await window.go.main.App.GetSettings()).namePattern === "{name}-small");
  const s = await saved();
  assert.equal(s.resize, true);
  assert.equal(s.maxWidth, 1280);
  assert.equal(s.maxHeight, 1280);
  assert.equal(s.targetKB, 300);
  // The custom numbers are still there for those who want them.
  await tid("resize-choice").selectOption("custom");
  await tid("max-width").waitFor();
});

await step("a run names the file by the pattern, fits the long edge and the target size", async () => {
  await tid("nav-convert").click();
  await chooseFiles([path.join(dir, "p1.jpg")]);
  await tid("summary").waitFor({ timeout: 60_000 });
  const out = path.join(dir, "p1-small.webp");
  assert.ok(fs.existsSync(out), `no ${out}: ${fs.readdirSync(dir)}`);
  assert.ok(fs.statSync(out).size <= 300_000, `${fs.statSync(out).size} bytes, target 300 KB`);
  await tid("again").click();
});

// Put the settings back for the suites that run after this one.
await page.evaluate((s) => window.go.main.App.SaveSettings(s), before);

await step("Free: custom quality and target size are locked with the plan's tag and a link", async () => {
  page = await suite.newPage();
  await page.goto(`http://${freeAddr}/`);
  await tid("dropzone").waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="plan-badge"]')?.textContent?.includes("무료"));
  assert.match(await tid("preset-custom").innerText(), /베이직\+/);
  await tid("preset-custom").click();
  await tid("fine-locked").waitFor();
  assert.match(await tid("fine-locked").innerText(), /베이직 요금제/);
  assert.equal(await tid("quality-slider").count(), 0, "Free got the slider");
  assert.notEqual((await saved()).preset, "custom", "choosing a locked control changed the settings");
  await shot("free-locked");
  await tid("nav-settings").click();
  await tid("target-locked").waitFor();
  assert.ok(await tid("target-on").isDisabled(), "Free can switch the target size on");
  // Resize presets and name patterns are on every plan.
  assert.ok(await tid("resize-choice").isEnabled());
  assert.ok(await tid("name-pattern").isEnabled());
  await shot("free-settings");
});

await step("Free: a run asking for a custom quality is refused with the sentence, nothing written", async () => {
  const s = await saved();
  await page.evaluate((x) => window.go.main.App.SaveSettings({ ...x, preset: "custom", quality: 30 }), s);
  await tid("nav-convert").click();
  await page.reload();
  await tid("dropzone").waitFor();
  fs.copyFileSync(path.join(data, "base.jpg"), path.join(dir, "free.jpg"));
  await chooseFiles([path.join(dir, "free.jpg")]);
  await tid("refusal").waitFor({ timeout: 30_000 });
  assert.match(await tid("refusal").innerText(), /화질 숫자/);
  assert.match(await tid("refusal").innerText(), /베이직/);
  assert.ok(!fs.existsSync(path.join(dir, "free.webp")), "Free converted with a custom quality");
  await shot("free-refused");
  await page.evaluate((x) => window.go.main.App.SaveSettings(x), s);
});

assert.deepEqual(pageErrors, [], "page errors");
await suite.finish("fine control: all steps passed");
