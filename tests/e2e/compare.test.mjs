// The compare view, driven through the real UI and the real Go engine (the dev binary's devserver):
// open a 12 MP photo from the drop zone ("compare first"), drag the divider, zoom to 100 % and pan,
// drag the quality slider (a draft with an estimated size while it moves, the exact size when it
// stops), switch to AVIF, and compare from the file rows of a run and from the results table,
// including a damaged photo. Run by tests/e2e/run.sh after ui.test.mjs (same app); needs IC_E2E_ADDR
// and IC_E2E_DATA (compare/photo12.jpg, a 4000×3000 JPEG, and base.jpg).
import { openSuite, shots } from "./harness.mjs";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";

const addr = process.env.IC_E2E_ADDR ?? "127.0.0.1:34115";
const data = process.env.IC_E2E_DATA;
assert.ok(data, "run through tests/e2e/run.sh");

const suite = await openSuite("compare");
const { pageErrors, step, tid } = suite;
const page = suite.page;

const shot = (name) => page.screenshot({ path: path.join(shots, `compare-${name}.png`) });
/** The converted size on screen: bytes, and whether it is an estimate (a draft's). */
const shownSize = async () => ({
  bytes: Number(await tid("compare-size").getAttribute("data-bytes")),
  estimate: (await tid("compare-size").getAttribute("data-estimate")) === "1",
});
/** Wait until the exact size of a full encode is on screen and differs from `not`. */
async function exactSize(not = -1) {
  await page.waitForFunction(
    (n) => {
      const el = document.querySelector('[data-testid="compare-size"]');
      const b = Number(el?.getAttribute("data-bytes"));
      return el && el.getAttribute("data-estimate") === "0" && b > 0 && b !== n && !document.querySelector('[data-testid="compare-draft"]');
    },
    not,
    { timeout: 60_000 },
  );
  return (await shownSize()).bytes;
}
const loaded = (id) =>
  page.waitForFunction((i) => {
    const img = document.querySelector(`[data-testid="${i}"]`);
    return img && img.complete && img.naturalWidth > 0;
  }, id, { timeout: 60_000 });

const photo = path.join(data, "compare", "photo12.jpg");
const beside = () => fs.readdirSync(path.dirname(photo)).sort().join(",");

await page.goto(`http://${addr}/`);
await tid("dropzone").waitFor();
// The main screen's choices are where the compare view starts (ui.test.mjs leaves others).
await tid("format-webp").click();
await tid("preset-balanced").click();
const listedBefore = beside();

await step("compare first: a 12 MP photo opens beside its WebP, with both sizes and the saving", async () => {
  await page.evaluate((p) => {
    window.go.main.App.ChooseFiles = () => Promise.resolve([p]);
  }, photo);
  const t0 = Date.now();
  await tid("compare-first").click();
  await tid("compare").waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="compare-draft"], [data-testid="compare-converted"]'), null, { timeout: 60_000 });
  const firstPicture = Date.now() - t0;
  await loaded("compare-converted");
  await loaded("compare-original");
  const full = await exactSize();
  console.log(`     12 MP photo: first picture after ${firstPicture} ms, the exact full-size WebP after ${Date.now() - t0} ms`);
  assert.match(await tid("compare-name").innerText(), /photo12\.jpg · 4000×3000/);
  const sizes = await tid("compare-sizes").innerText();
  assert.match(sizes, /원본\s+[\d.,]+ MB/);
  assert.match(sizes, /WEBP\s+[\d.,]+ KB/);
  assert.match(await tid("compare-saving").innerText(), /\d+% 절약/);
  assert.ok(full > 50_000 && full < fs.statSync(photo).size, `full WebP ${full} bytes`);
  // Fitted: the whole 4000 px picture in the viewport.
  assert.ok(Number(await tid("compare-viewport").getAttribute("data-scale")) < 0.3);
  assert.match(await tid("compare-label").innerText(), /WEBP · 균형/);
  await shot("1-open");
});

await step("the divider drags with the mouse and moves with the keyboard", async () => {
  const vp = await tid("compare-viewport").boundingBox();
  const handle = await tid("compare-split").boundingBox();
  await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
  await page.mouse.down();
  await page.mouse.move(vp.x + vp.width * 0.25, vp.y + vp.height / 2, { steps: 8 });
  await page.mouse.up();
  const now = Number(await tid("compare-split").getAttribute("aria-valuenow"));
  assert.ok(Math.abs(now - 25) <= 1, `divider at ${now}%`);
  assert.match(await tid("compare-right").getAttribute("style"), /clip-path: inset\(0(px)? 0(px)? 0(px)? 2[45](\.\d+)?%\)/);
  await tid("compare-split").focus();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  assert.equal(Number(await tid("compare-split").getAttribute("aria-valuenow")), now + 4);
  await page.keyboard.press("Shift+ArrowLeft");
  assert.equal(Number(await tid("compare-split").getAttribute("aria-valuenow")), now - 6);
  await shot("2-divider");
});

await step("zoom to 100 %: one picture pixel per screen pixel, both sides aligned, and it pans", async () => {
  await tid("zoom-100").click();
  assert.equal(await tid("zoom-level").innerText(), "100%");
  await loaded("compare-original");
  const sizes = await page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="compare-original"], [data-testid="compare-converted"]')].map((i) => {
      const r = i.getBoundingClientRect();
      return [Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)];
    }),
  );
  assert.equal(sizes.length, 2);
  assert.deepEqual(sizes[0], sizes[1], "the two sides are not on the same pixels");
  assert.equal(sizes[0][2], 4000);
  assert.equal(sizes[0][3], 3000);
  // Drag the picture: it moves, both sides together.
  const vp = await tid("compare-viewport").boundingBox();
  await page.mouse.move(vp.x + vp.width * 0.7, vp.y + vp.height * 0.6);
  await page.mouse.down();
  await page.mouse.move(vp.x + vp.width * 0.7 - 300, vp.y + vp.height * 0.6 - 200, { steps: 6 });
  await page.mouse.up();
  const after = await page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="compare-original"], [data-testid="compare-converted"]')].map((i) => {
      const r = i.getBoundingClientRect();
      return [Math.round(r.x), Math.round(r.y)];
    }),
  );
  assert.deepEqual(after[0], after[1]);
  assert.equal(after[0][0], sizes[0][0] - 300, "did not pan 300 px left");
  assert.equal(after[0][1], sizes[0][1] - 200, "did not pan 200 px up");
  // The keyboard zooms too: "-" out, "1" back to 100 %.
  await tid("compare-viewport").focus();
  await page.keyboard.press("-");
  assert.equal(await tid("zoom-level").innerText(), "67%");
  await page.keyboard.press("1");
  assert.equal(await tid("zoom-level").innerText(), "100%");
  await shot("3-100pct");
});

await step("dragging the quality slider shows a draft and an estimate, then the exact smaller size", async () => {
  const before = (await shownSize()).bytes;
  const slider = await tid("compare-quality").boundingBox();
  const at = (q) => [slider.x + ((q - 1) / 99) * slider.width, slider.y + slider.height / 2];
  await page.mouse.move(...at(80));
  await page.mouse.down();
  const t0 = Date.now();
  for (const q of [70, 60, 50, 40, 30]) {
    await page.mouse.move(...at(q), { steps: 3 });
    await page.waitForTimeout(60);
  }
  // While held: the part on screen is redrawn at the new quality, the size is an estimate.
  await tid("compare-draft").waitFor({ timeout: 10_000 });
  await page.waitForFunction(
    () => {
      const el = document.querySelector('[data-testid="compare-size"]');
      const q = document.querySelector('[data-testid="compare-quality-value"]')?.textContent;
      return el?.getAttribute("data-estimate") === "1" && Number(el.getAttribute("data-bytes")) > 0 && el.getAttribute("data-quality") === q;
    },
    null,
    { timeout: 10_000 },
  );
  console.log(`     draft with an estimate ${Date.now() - t0} ms after the slider started moving`);
  const estimate = await shownSize();
  assert.match(await tid("compare-size").innerText(), /약 [\d.,]+ KB/);
  const q = Number(await tid("compare-quality-value").innerText());
  assert.ok(q <= 35 && q >= 25, `quality ${q}`);
  assert.match(await tid("compare-label").innerText(), new RegExp(`WEBP · 직접 ${q}`));
  // The draft covers what is on screen, at full resolution (100 %).
  const draft = await tid("compare-draft").boundingBox();
  const vp = await tid("compare-viewport").boundingBox();
  assert.ok(draft.width >= vp.width - 2 && draft.height >= vp.height - 2, `draft ${draft.width}x${draft.height} on a ${vp.width}x${vp.height} view`);
  await shot("4-dragging");
  await page.mouse.up();
  const t1 = Date.now();
  const exact = await exactSize(before);
  console.log(`     exact full-size WebP at quality ${q}: ${exact} bytes (estimated ${estimate.bytes}) ${Date.now() - t1} ms after release`);
  assert.ok(exact < before * 0.8, `quality ${q} gave ${exact} bytes, quality 80 gave ${before}`);
  assert.ok(Math.abs(estimate.bytes / exact - 1) < 0.25, `estimate ${estimate.bytes} for ${exact}`);
  await shot("5-quality");
});

await step("AVIF, then a preset: sizes change and the slider follows the preset", async () => {
  const webp = (await shownSize()).bytes;
  await tid("compare-format-avif").click();
  const avif = await exactSize(webp);
  assert.match(await tid("compare-label").innerText(), /AVIF · 균형/);
  assert.equal(await tid("compare-quality-value").innerText(), "70");
  await tid("compare-preset-best").click();
  const best = await exactSize(avif);
  assert.equal(await tid("compare-quality-value").innerText(), "85");
  assert.ok(best > avif, `AVIF best ${best} not above balanced ${avif}`);
  await tid("zoom-fit").click();
  await shot("6-avif");
});

await step("Escape closes it; nothing was written beside the photo", async () => {
  await page.keyboard.press("Escape");
  await tid("compare").waitFor({ state: "detached" });
  assert.equal(beside(), listedBefore);
});

await step("a damaged photo says it cannot be previewed, in Korean", async () => {
  const broken = path.join(data, "cmp", "broken.jpg");
  fs.mkdirSync(path.dirname(broken), { recursive: true });
  fs.writeFileSync(broken, fs.readFileSync(path.join(data, "base.jpg")).subarray(0, 3000));
  const notPhoto = path.join(data, "cmp", "notes.jpg");
  fs.writeFileSync(notPhoto, "not a photo at all");
  for (const [file, why] of [[broken, /손상|잘려/], [notPhoto, /사진이 아닌 파일/]]) {
    await page.evaluate((p) => {
      window.go.main.App.ChooseFiles = () => Promise.resolve([p]);
    }, file);
    await tid("compare-first").click();
    await tid("compare-problem").waitFor({ timeout: 20_000 });
    const text = await tid("compare-problem").innerText();
    assert.match(text, /이 사진은 미리 볼 수 없습니다/);
    assert.match(text, why);
    assert.doesNotMatch(text, /goroutine|panic|\.go:\d+|decode:/);
    await shot(`7-cannot-${path.basename(file, ".jpg")}`);
    await tid("compare-close").click();
  }
});

await step("from the file rows of a run and after it, and from the results table", async () => {
  const dir = path.join(data, `cmprun-${Date.now()}`); // fresh: a folder converted before has nothing to do
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 1; i <= 12; i++) fs.copyFileSync(path.join(data, "base.jpg"), path.join(dir, `r${i}.jpg`));
  fs.writeFileSync(path.join(dir, "zz-broken.jpg"), fs.readFileSync(path.join(data, "base.jpg")).subarray(0, 3000));
  await page.evaluate((d) => {
    window.go.main.App.ChooseFolder = () => Promise.resolve(d);
  }, dir);
  await tid("preset-best").click(); // slow enough to compare while it runs
  await tid("choose-folder").click();
  await tid("progress").waitFor({ timeout: 30_000 });
  await tid("compare-row").first().click();
  await loaded("compare-converted");
  assert.match(await tid("compare-name").innerText(), /r\d+\.jpg|zz-broken/);
  await shot("8-during-run");
  await tid("compare-close").click();
  await tid("summary").waitFor({ timeout: 120_000 });
  // After the run only the problems are listed; the damaged file says why it cannot be compared.
  await tid("problem-list").locator('[data-testid="compare-row"]').first().click();
  await tid("compare-problem").waitFor();
  await tid("compare-close").click();
  // The results table: a converted file, compared in the run's format.
  await tid("see-results").click();
  await tid("results-table").waitFor();
  await page.locator('tr[data-status="converted"]').first().locator('[data-testid="compare-result"]').click();
  await loaded("compare-converted");
  assert.match(await tid("compare-label").innerText(), /WEBP/);
  await shot("9-from-results");
  await tid("compare-close").click();
  await tid("nav-convert").click();
  await tid("again").click();
  await tid("preset-balanced").click();
});

await step("no uncaught errors in the page", async () => {
  assert.deepEqual(pageErrors, []);
});

await suite.finish("all compare steps passed");
