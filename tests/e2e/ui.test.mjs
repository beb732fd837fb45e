// Drives the real UI against the dev binary's devserver (live Go bindings):
// start a conversion through the folder chooser, watch progress and the
// summary, cancel a run, switch the language. Run it with tests/e2e/run.sh,
// which builds and starts the app; it needs IC_E2E_ADDR, IC_E2E_DATA and
// IC_E2E_CONFIG from that script.
import { openSuite, shots } from "./harness.mjs";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

const addr = process.env.IC_E2E_ADDR ?? "127.0.0.1:34115";
const data = process.env.IC_E2E_DATA; // folders "small" and "many" of JPEGs
const config = process.env.IC_E2E_CONFIG; // the app's XDG_CONFIG_HOME
assert.ok(data && config, "run through tests/e2e/run.sh");

const suite = await openSuite("ui");
const { pageErrors, step, tid } = suite;
const page = suite.page;


/** The folder dialog is native; answer it with dir, the rest of the path stays real. */
async function chooseFolderAnswers(dir) {
  await page.evaluate((d) => {
    window.go.main.App.ChooseFolder = () => Promise.resolve(d);
  }, dir);
}

await page.goto(`http://${addr}/`);

await step("opens in Korean with the plan badge", async () => {
  await tid("dropzone").waitFor();
  assert.match(await tid("dropzone").innerText(), /사진이나 폴더를 여기에 놓으세요/);
  await page.waitForFunction(() => document.querySelector('[data-testid="plan-badge"]')?.textContent?.includes("프로"));
  assert.match(await tid("remaining").innerText(), /무제한/);
});

await step("converts a chosen folder: progress, summary, files on disk", async () => {
  const dir = path.join(data, "small");
  await chooseFolderAnswers(dir);
  await tid("choose-folder").click();
  await tid("summary").waitFor({ timeout: 60_000 });
  const summary = await tid("summary").innerText();
  assert.match(summary, /변환이 끝났습니다/);
  assert.match(await tid("counts").innerText(), /변환 6 · 건너뜀 0 · 실패 1/);
  // The failed file is listed with a translated reason, not an error dump.
  const problems = await tid("problem-list").innerText();
  assert.match(problems, /broken\.jpg/);
  assert.match(problems, /실패/);
  assert.doesNotMatch(problems, /goroutine|panic|\.go:\d+/);
  assert.match(await tid("saved").innerText(), /절약 \(\d+%\)/);
  assert.ok(await tid("size-chart").isVisible(), "no before/after chart in the summary");
  assert.ok(await tid("open-output").isVisible(), "no open-output button");
  const outs = fs.readdirSync(dir).filter((f) => f.endsWith(".webp"));
  assert.equal(outs.length, 6, `webp files on disk: ${outs}`);
  await page.screenshot({ path: path.join(shots, "summary-ko.png") });
});

await step("WebP files already in a dropped folder are one line, which opens into the list", async () => {
  // Four WebP pictures of their own (no source beside them, e.g. made by another tool) and a photo.
  const dir = path.join(data, "already");
  fs.mkdirSync(dir, { recursive: true });
  const webps = fs.readdirSync(path.join(data, "small")).filter((f) => f.endsWith(".webp")).slice(0, 4);
  webps.forEach((f, i) => fs.copyFileSync(path.join(data, "small", f), path.join(dir, `shared-${i + 1}.webp`)));
  fs.copyFileSync(path.join(data, "base.jpg"), path.join(dir, "new.jpg"));
  await tid("again").click();
  await chooseFolderAnswers(dir);
  await tid("choose-folder").click();
  await tid("summary").waitFor({ timeout: 60_000 });
  assert.match(await tid("counts").innerText(), /변환 1 · 건너뜀 4 · 실패 0/);
  assert.match(await tid("same-format-group").innerText(), /이미 변환할 형식인 파일 4개는 그대로 두었습니다/);
  assert.doesNotMatch(await tid("problem-list").innerText(), /shared-\d\.webp/, "listed file by file");
  await tid("same-format-group").getByRole("button").click();
  assert.equal(await tid("same-format-group").count(), 0);
  assert.equal((await tid("problem-list").innerText()).match(/shared-\d\.webp/g)?.length, 4);
  await page.screenshot({ path: path.join(shots, "summary-same-format.png") });
});

await step("shows progress and cancels a long run", async () => {
  await tid("again").click();
  await chooseFolderAnswers(path.join(data, "many"));
  await tid("preset-best").click();
  await tid("choose-folder").click();
  await tid("progress").waitFor({ timeout: 30_000 });
  // The estimate is there from the start: 40 photos, their size, the expected saving.
  assert.match(await tid("estimate").innerText(), /사진 40장 · [\d.,]+ [KM]B · 예상 절약 약 [\d.,]+ [KM]B/);
  const first = Number(await tid("estimate").getAttribute("data-saving"));
  assert.ok(first > 0, "no expected saving");
  // Cancel once some files are done and the bar has moved.
  await page.waitForFunction(() => Number(document.querySelector('[role="progressbar"]')?.getAttribute("aria-valuenow")) > 0, null, { timeout: 60_000 });
  assert.match(await tid("progress-count").innerText(), /40개 중 [1-9]\d*개/);
  assert.match(await tid("file-list").innerText(), /대기|변환 중/, "no waiting or converting rows in the queue");
  await page.screenshot({ path: path.join(shots, "progress-ko.png") });
  await tid("cancel").click();
  await tid("summary").waitFor({ timeout: 60_000 });
  assert.match(await tid("summary").innerText(), /변환을 취소했습니다/);
  const converted = fs.readdirSync(path.join(data, "many")).filter((f) => f.endsWith(".webp")).length;
  assert.ok(converted > 0 && converted < 40, `after cancel ${converted} of 40 converted`);
  assert.ok(!fs.readdirSync(path.join(data, "many")).some((f) => f.startsWith(".ic-tmp")), "temporary file left");
});

await step("results: the runs stay, sort by saving, export CSV, show a file in its folder", async () => {
  await tid("nav-results").click();
  await tid("results-table").waitFor();
  // Newest first: the cancelled run; the folder of 7 (6 photos and a broken file) before it.
  const options = await tid("results-run").locator("option").allInnerTexts();
  assert.ok(options.length >= 2, `runs listed: ${options}`);
  const small = options.findIndex((o) => /6장 변환/.test(o));
  assert.ok(small > 0, `no run of 6 photos after the newest: ${options}`);
  await tid("results-run").selectOption({ index: small });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="results-table"] tbody tr').length === 7);
  assert.match(await tid("results-counts").innerText(), /변환 6 · 건너뜀 0 · 실패 1/);
  // Sorted by saving, biggest first; the failed file (no saving) last. Again: smallest first.
  const savings = async () => (await tid("saving-cell").allInnerTexts()).map((x) => (x ? Number(x.replace("%", "")) : -1));
  let s = await savings();
  assert.deepEqual(s, [...s].sort((a, b) => b - a), `not sorted by saving: ${s}`);
  assert.equal(s.at(-1), -1);
  await tid("sort-saving").click();
  s = await savings();
  assert.deepEqual(s, [...s].sort((a, b) => a - b), `not sorted by saving, ascending: ${s}`);
  assert.match(await page.locator('tr[data-status="failed"]').innerText(), /broken\.jpg[\s\S]*실패/);
  // CSV: the save dialog answers a path (the dialog itself is GTK's).
  const csvPath = path.join(data, "results-export");
  await page.evaluate((p) => {
    window.go.main.App.ChooseCSVFile = () => Promise.resolve(p);
  }, csvPath);
  await tid("export-csv").click();
  await tid("exported").waitFor();
  const csv = fs.readFileSync(csvPath + ".csv", "utf8");
  assert.ok(csv.startsWith("\ufeff파일,폴더,원본 (바이트)"), `CSV starts ${JSON.stringify(csv.slice(0, 40))}`);
  assert.equal(csv.trim().split("\r\n").length, 8, "a header and 7 rows");
  // Show in folder: the converted output, not the source.
  await page.evaluate(() => {
    window.__shown = [];
    window.go.main.App.ShowInFolder = (p) => (window.__shown.push(p), Promise.resolve());
  });
  await page.locator('tr[data-status="converted"]').first().locator('[data-testid="show-in-folder"]').click();
  const shown = await page.evaluate(() => window.__shown);
  assert.equal(shown.length, 1);
  assert.match(shown[0], /small[\\/]p\d\.webp$/);
  await page.screenshot({ path: path.join(shots, "results-ko.png") });
  await tid("nav-convert").click();
});

await step("a bad path is refused with a sentence", async () => {
  await tid("again").click();
  await page.evaluate(() => {
    window.go.main.App.ChooseFolder = () => Promise.resolve("relative/folder");
  });
  await tid("choose-folder").click();
  await tid("queue-error").waitFor();
  const text = await tid("queue-error").innerText();
  assert.match(text, /파일이나 폴더의 전체 경로가 아닙니다: relative\/folder/); // in the UI's language, with the path
  assert.doesNotMatch(text, /panic|goroutine|\b[45]\d\d\b/);
});

await step("switches to English and Japanese, and remembers it", async () => {
  await tid("nav-settings").click();
  await tid("language").selectOption("en");
  await tid("save-settings").click();
  await page.getByText("Saved").waitFor();
  await tid("nav-convert").click();
  assert.match(await tid("dropzone").innerText(), /Drop photos or folders here/);
  assert.match(await tid("plan-badge").innerText(), /Pro plan/);
  const saved = JSON.parse(fs.readFileSync(path.join(config, "ImageConverter", "settings.json"), "utf8"));
  assert.equal(saved.language, "en");
  assert.equal(saved.preset, "best", "the preset chosen on the main screen was not kept");
  await page.screenshot({ path: path.join(shots, "main-en.png") });

  await tid("nav-settings").click();
  await tid("language").selectOption("ja");
  await tid("save-settings").click();
  await tid("nav-convert").click();
  assert.match(await tid("dropzone").innerText(), /写真やフォルダーをここにドロップ/);
  assert.equal(await page.evaluate(() => document.documentElement.lang), "ja");
  await page.reload();
  await tid("dropzone").waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="dropzone"]')?.textContent?.includes("ドロップ"));
});

await step("plan screen lists prices; locked features name their plan", async () => {
  await tid("nav-plan").click();
  await tid("plans").waitFor();
  const plans = await tid("plans").innerText();
  assert.match(plans, /₩4,900/);
  assert.match(plans, /₩9,900/);
  await page.screenshot({ path: path.join(shots, "plans-ja.png") });
  // Back to Korean for the next run of the suite.
  await tid("nav-settings").click();
  await tid("language").selectOption("");
  await tid("save-settings").click();
});

await step("computer scan lists folders by saving and converts the chosen one", async () => {
  await tid("nav-scan").click();
  await tid("scan-view").waitFor();
  await tid("scan-places").waitFor();
  // Only the test folder: untick the home's real photo folders.
  for (const box of await tid("scan-places").locator("input:checked").all()) await box.uncheck();
  await chooseFolderAnswers(path.join(data, "scan"));
  await tid("scan-add").click();
  await tid("scan-start").click();
  await tid("scan-table").waitFor({ timeout: 30000 });
  const rows = tid("scan-table").locator("tbody tr");
  assert.equal(await rows.count(), 2);
  // trip (3 photos) saves more than trip/day2 (2 photos): it comes first.
  assert.match(await rows.nth(0).innerText(), /trip\s/);
  assert.match(await rows.nth(0).innerText(), /\b3\b/);
  await page.screenshot({ path: path.join(shots, "scan-ko.png") });
  await rows.nth(1).locator("input").uncheck(); // leave day2 as it is
  await tid("scan-convert").click();
  await tid("summary").waitFor({ timeout: 60000 });
  assert.match(await tid("counts").innerText(), /3/);
  assert.ok(fs.existsSync(path.join(data, "scan", "trip", "t1.webp")));
  assert.ok(!fs.existsSync(path.join(data, "scan", "trip", "day2", "d1.webp")), "an unticked folder was converted");
  await tid("again").click();
});

await step("a watched folder converts a photo that arrives", async () => {
  await tid("nav-schedules").click();
  await tid("schedules-view").waitFor();
  await chooseFolderAnswers(path.join(data, "watch"));
  await tid("sched-choose").click();
  await page.waitForFunction(() => document.querySelector('[data-testid="sched-folder"]')?.textContent?.includes("watch"));
  await tid("sched-mode-arrival").click();
  await tid("sched-add").click();
  await tid("sched-item").waitFor();
  fs.copyFileSync(path.join(data, "base.jpg"), path.join(data, "watch", "new.jpg"));
  // Settles for two checks (2 s each), then converts; the list updates by event.
  await page.locator('[data-testid="sched-last"][data-code="converted"]').waitFor({ timeout: 30000 });
  assert.match(await tid("sched-last").innerText(), /1/);
  assert.ok(fs.existsSync(path.join(data, "watch", "new.webp")));
  await page.screenshot({ path: path.join(shots, "schedules-ko.png") });
  await tid("sched-remove").click();
  await tid("sched-empty").waitFor();
  // The convert screen followed the scheduled run.
  await tid("nav-convert").click();
  await tid("summary").waitFor();
  assert.match(await tid("counts").innerText(), /1/);
  // ...and says it was the watched folder's, not a drop of the user's.
  assert.equal(await tid("summary").getAttribute("data-origin"), "schedule");
  assert.match(await tid("run-origin").innerText(), /감시 폴더 watch에 들어온 사진/);
  await tid("again").click();
});

/** A width×height grayscale gradient PNG, written by hand (PNG: chunks with CRC-32, zlib rows). */
function grayPNG(width, height) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth; colour type 0 (gray), default compression, filter, no interlace
  const rows = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rows[y * (width + 1) + 1 + x] = (x + y * 7) & 0xff;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", zlib.deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

await step("a drop during a run waits behind it and converts when it ends", async () => {
  const long = path.join(data, "long");
  const extra = path.join(data, "extra");
  fs.mkdirSync(long, { recursive: true });
  fs.mkdirSync(extra, { recursive: true });
  for (let i = 1; i <= 16; i++) fs.copyFileSync(path.join(data, "base.jpg"), path.join(long, `l${i}.jpg`));
  for (let i = 1; i <= 2; i++) fs.copyFileSync(path.join(data, "base.jpg"), path.join(extra, `e${i}.jpg`));
  await tid("nav-convert").click();
  await chooseFolderAnswers(long);
  await tid("choose-folder").click();
  await tid("progress").waitFor({ timeout: 30_000 });
  assert.ok(await tid("drop-more").isVisible(), "the running screen does not say more can be dropped");
  // A native drop on the progress card: Wails delivers it as this event.
  const box = await tid("progress").boundingBox();
  await page.evaluate(
    ([x, y, p]) => window.runtime.EventsEmit("wails:file-drop", x, y, [p]),
    [box.x + box.width / 2, box.y + box.height / 2, extra],
  );
  await tid("behind").waitFor({ timeout: 30_000 });
  assert.match(await tid("behind").innerText(), /2개 파일은 이 변환이 끝나면/);
  assert.ok(await tid("progress").isVisible(), "the running run left the screen");
  await page.screenshot({ path: path.join(shots, "drop-behind-ko.png") });
  // The first run ends, the app starts the waiting drop and the screen follows it.
  await page.waitForFunction(
    () => /변환 2 ·/.test(document.querySelector('[data-testid="counts"]')?.textContent ?? ""),
    null,
    { timeout: 120_000 },
  );
  assert.equal(fs.readdirSync(extra).filter((f) => f.endsWith(".webp")).length, 2);
  assert.equal(fs.readdirSync(long).filter((f) => f.endsWith(".webp")).length, 16);
  assert.ok(!(await tid("behind").isVisible().catch(() => false)), "the waiting notice stayed after its run");
  await tid("again").click();
});

await step("a panorama too wide for WebP says what to do, in Korean", async () => {
  const dir = path.join(data, "pano");
  fs.mkdirSync(dir, { recursive: true });
  const pano = path.join(dir, "panorama.png");
  fs.writeFileSync(pano, grayPNG(16400, 4)); // ImageMagick's policy refuses widths over 16K
  await page.evaluate((p) => {
    window.go.main.App.ChooseFiles = () => Promise.resolve([p]);
  }, pano);
  await tid("nav-convert").click();
  await tid("format-webp").click();
  await tid("choose-files").click();
  await tid("summary").waitFor({ timeout: 60_000 });
  const problems = await tid("problem-list").innerText();
  assert.match(problems, /panorama\.png/);
  assert.match(problems, /AVIF를 고르거나 크기 줄이기를 켜세요/);
  assert.doesNotMatch(problems, /변환 중 문제가 생겼습니다/);
  await page.screenshot({ path: path.join(shots, "too-wide-ko.png") });
  await tid("again").click();
});

await step("no uncaught errors in the page", async () => {
  assert.deepEqual(pageErrors, []);
});

await suite.finish("all steps passed");
