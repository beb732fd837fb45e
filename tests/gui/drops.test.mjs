// Drops on the real window, as a person makes them: a GTK drag source
// offering text/uri-list and xdotool's pointer, under Xvfb, on the app built
// with -tags e2e (stand-in Pro account, test hooks on IC_E2E_CONTROL). In one
// run of the app it drops photos, folders and a non-image file on every part
// of the window and on every screen, one right after the window appears and
// some during a run. After each drop it checks that
//   - the window still shows the app: the page answers a bound call (the
//     e2e ping) from the app's own address, and the sidebar looks as before;
//   - the drop was handled exactly once (the app's journal of conversions);
//   - the photos were converted (outputs on disk, originals untouched).
// Run by tests/gui/run.sh, which builds everything and starts Xvfb.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set; run tests/gui/run.sh`);
  return v;
};
const app = env("IC_GUI_APP");
const dragsource = env("IC_GUI_DRAGSOURCE");
const work = env("IC_GUI_WORK");
const shots = env("IC_GUI_SHOTS");
const control = `http://${env("IC_E2E_CONTROL")}`;
const data = path.join(work, "data");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const xdo = (...args) => execFileSync("xdotool", args.map(String), { encoding: "utf8" }).trim();

let failed = 0;
const children = [];
process.on("exit", () => children.forEach((c) => c.kill()));

// ---- the app and its test hooks ----
let appPid;
function startApp() {
  const log = fs.openSync(path.join(work, "app.log"), "w");
  const p = spawn(app, [], {
    env: { ...process.env, XDG_CONFIG_HOME: path.join(work, "config"), IC_E2E_PLAN: "pro", LANG: "ko_KR.UTF-8" },
    stdio: ["ignore", log, log],
  });
  children.push(p);
  appPid = p.pid;
}

async function hook(p, opts) {
  for (let i = 0; ; i++) {
    try {
      const r = await fetch(control + p, opts);
      if (!r.ok) throw new Error(`${p}: ${r.status} ${await r.text()}`);
      return r.status === 204 ? null : r.json();
    } catch (e) {
      if (i >= 20) throw e;
      await sleep(250);
    }
  }
}
const ping = () => hook("/ping");
const journal = () => hook("/journal");

// ---- the drag source: a small window at the bottom right, outside the app ----
const SRC = { x: 1430, y: 880 };
async function startSource(paths) {
  const p = spawn(dragsource, [String(SRC.x), String(SRC.y), ...paths], { stdio: "ignore" });
  children.push(p);
  execFileSync("xdotool", ["search", "--sync", "--onlyvisible", "--name", "^ic-drag-source$"], { timeout: 10_000 });
  return p;
}
/** Press on the source, move onto (x, y) of the screen in steps, release. */
async function dragTo(x, y, steps = 16) {
  xdo("mousemove", SRC.x + 60, SRC.y + 40);
  await sleep(150);
  xdo("mousedown", 1);
  for (let i = 1; i <= steps; i++) {
    xdo("mousemove", Math.round(SRC.x + 60 + ((x - SRC.x - 60) * i) / steps), Math.round(SRC.y + 40 + ((y - SRC.y - 40) * i) / steps));
    await sleep(35);
  }
  await sleep(350);
  xdo("mouseup", 1);
}
async function drop(paths, x, y, ready) {
  const src = ready ?? (await startSource(paths));
  if (!ready) await sleep(600); // mapped and idle, or the press does not start a drag
  await dragTo(x, y);
  await new Promise((r) => (src.exitCode !== null ? r() : src.on("exit", r)));
}

// ---- the window ----
let win; // {X, Y, WIDTH, HEIGHT}
function geometry() {
  // By process: xdotool's --name does not match the UTF-8 title reliably.
  const id = execFileSync("xdotool", ["search", "--sync", "--onlyvisible", "--pid", String(appPid)], { encoding: "utf8", timeout: 30_000 })
    .trim()
    .split("\n")[0];
  const g = Object.fromEntries(
    xdo("getwindowgeometry", "--shell", id)
      .split("\n")
      .map((l) => l.split("=")),
  );
  return { X: +g.X, Y: +g.Y, WIDTH: +g.WIDTH, HEIGHT: +g.HEIGHT };
}
/** Screen point at the middle of an element the page reported (ping rects), or of a window-relative box. */
function at(rect) {
  return [win.X + rect[0] + Math.round(rect[2] / 2), win.Y + rect[1] + Math.round(rect[3] / 2)];
}
function shot(name) {
  const file = path.join(shots, `${name}.png`);
  execFileSync("import", ["-window", "root", file]);
  return file;
}
/** The sidebar's brand and account footer: the same on every screen, gone if the page is replaced. */
function sidebarCrops(file, tag) {
  const out = [];
  for (const [n, geo] of [
    ["brand", `220x64+${win.X}+${win.Y}`],
    ["foot", `220x110+${win.X}+${win.Y + win.HEIGHT - 110}`],
  ]) {
    const f = path.join(work, `${tag}-${n}.png`);
    execFileSync("convert", [file, "-crop", geo, "+repage", f]);
    out.push(f);
  }
  return out;
}
let baseline;
function sidebarDiffers(file) {
  const crops = sidebarCrops(file, "now");
  return crops.map((c, i) => {
    // compare prints the number of differing pixels on stderr (exit 1 when they differ).
    const r = spawnSync("compare", ["-metric", "AE", "-fuzz", "12%", baseline[i], c, "null:"], { encoding: "utf8" });
    return parseInt(r.stderr, 10);
  });
}

// ---- test data ----
const photo = path.join(data, "base.jpg");
const copies = (dir, n, prefix, src = photo) => {
  fs.mkdirSync(dir, { recursive: true });
  return Array.from({ length: n }, (_, i) => {
    const f = path.join(dir, `${prefix}${i + 1}.jpg`);
    fs.copyFileSync(src, f);
    return f;
  });
};
const hash = (f) => crypto.createHash("sha256").update(fs.readFileSync(f)).digest("hex");
const webp = (f) => f.replace(/\.[^.]+$/, ".webp");
async function waitFor(cond, what, ms = 60_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}
const converted = (files) => files.every((f) => fs.existsSync(webp(f)) && fs.statSync(webp(f)).size > 0);

let seen = 0; // journal entries checked so far
/** One drop and everything checked after it. */
async function step(name, { paths, target, expect, before, after }) {
  try {
    // before may return a drag source it has started already.
    const ready = before ? await before() : undefined;
    const [x, y] = typeof target === "function" ? await target() : target;
    await drop(paths, x, y, ready ?? undefined);
    // Handled once: exactly one new conversion request, with the dropped paths.
    await waitFor(async () => (await journal()).length > seen, "the drop to reach the app", 15_000);
    await sleep(800); // a second, duplicate request would come now
    const j = await journal();
    assert.equal(j.length, seen + 1, `the drop was handled ${j.length - seen} times, want once`);
    assert.deepEqual([...j[seen].paths].sort(), [...paths].sort(), "the app got other paths than the ones dropped");
    seen = j.length;
    if (expect) await waitFor(() => converted(expect), `${expect.length} outputs`);
    if (after) await after();
    // Still the app: the page answers from the app's address, and the sidebar is unchanged.
    const info = await ping();
    assert.match(info.href, /^(wails:|http:\/\/(localhost|127\.0\.0\.1|wails\.localhost))/, `the window shows ${info.href}`);
    const file = shot(`drop-${name.replace(/\W+/g, "-")}`);
    const diff = sidebarDiffers(file);
    assert.ok(diff.every((d) => d < 400), `the sidebar changed (${diff} pixels differ): ${file}`);
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}\n     ${String(e.message).split("\n").join("\n     ")}`);
    shot(`fail-${name.replace(/\W+/g, "-")}`);
  }
}

// ---------------------------------------------------------------------------
const single = copies(path.join(data, "first"), 1, "first");
const pair = copies(path.join(data, "pair"), 2, "pair");
const album = [...copies(path.join(data, "album"), 3, "a"), ...copies(path.join(data, "album", "2024", "summer"), 2, "s")];
const long = copies(path.join(data, "long"), 40, "l", path.join(data, "big.jpg"));
const nested = copies(path.join(data, "nested", "a", "b", "c"), 2, "n");
const notes = path.join(data, "notes.txt");
fs.writeFileSync(notes, "not a photo\n");
const lone = (name) => copies(path.join(data, name), 1, name);
const originals = Object.fromEntries([...single, ...pair, ...album].map((f) => [f, hash(f)]));

// 1. Right after the window appears: the source is ready before the app is.
await step("a photo dropped within a second of the window appearing", {
  paths: single,
  before: async () => {
    const src = await startSource(single);
    await sleep(600);
    startApp();
    return src;
  },
  target: async () => {
    win = geometry(); // waits for the window; the drag starts right after it appears
    return [win.X + 220 + (win.WIDTH - 220) / 2, win.Y + 200];
  },
  expect: single,
  after: async () => {
    // The baseline sidebar, taken now that the app is up.
    await waitFor(async () => (await ping()).phase === "done", "the summary");
    baseline = sidebarCrops(shot("baseline"), "base");
  },
});
if (!win) {
  console.log("the app window did not open; see app.log");
  process.exit(1);
}

const rects = async () => (await ping()).rects;
const click = async (testid) => {
  const r = (await rects())[testid];
  assert.ok(r, `${testid} is not on screen`);
  const [x, y] = at(r);
  xdo("mousemove", x, y, "click", 1);
  await sleep(400);
};

await step("two photos on the sidebar", { paths: pair, target: async () => at((await rects())["nav-schedules"]), expect: pair });
await step("a folder with a subfolder on the summary", { paths: [path.join(data, "album")], target: async () => at((await rects())["summary"]), expect: album });
await step("a file that is not a photo on the summary", {
  paths: [notes],
  target: async () => at((await rects())["summary"]),
  after: async () => {
    await waitFor(async () => (await ping()).phase === "done", "the summary");
    const r = await rects();
    assert.ok(r["none-why"], "the summary does not say that nothing was converted");
    assert.ok(!r["saved"], "the summary celebrates a run that converted nothing");
  },
});
await step("a long run's folder on the drop box", {
  before: () => click("again"),
  paths: [path.join(data, "long")],
  target: async () => at((await rects())["dropzone"]),
  after: () => waitFor(async () => (await ping()).phase === "running", "the run to start"),
});
await step("a nested folder on the progress card during the run", {
  paths: [path.join(data, "nested")],
  target: async () => at((await rects())["progress"]),
  after: () => waitFor(async () => (await rects())["behind"], "the notice that the drop waits"),
});
const onNotice = lone("notice");
await step("a photo on the 'waits behind' notice during the run", { paths: onNotice, target: async () => at((await rects())["behind"]) });
const corner = lone("corner");
await step("the run ends, then the drops that waited convert", {
  paths: corner,
  target: async () => {
    await waitFor(() => converted([...long, ...nested, ...onNotice]), "the long run and the drops behind it", 180_000);
    await waitFor(async () => (await ping()).phase === "done", "the summary");
    return [win.X + win.WIDTH - 30, win.Y + win.HEIGHT - 30]; // the empty bottom-right corner
  },
  expect: corner,
});
for (const [screen, nav] of [
  ["settings", "nav-settings"],
  ["plans", "nav-plan"],
  ["schedules", "nav-schedules"],
  ["scan", "nav-scan"],
  ["sign-in", "nav-account"],
]) {
  const files = lone(screen);
  await step(`a photo dropped on the ${screen} screen`, {
    before: () => click(nav),
    paths: files,
    target: () => [win.X + 220 + (win.WIDTH - 220) / 2, win.Y + win.HEIGHT / 2],
    expect: files,
    after: async () => assert.equal((await ping()).view, "convert", "the drop did not bring the conversion screen"),
  });
}

// The native guard is on the web view (platform.GuardNavigation): it logs so once installed.
try {
  assert.match(fs.readFileSync(path.join(work, "app.log"), "utf8"), /navigation guard on the web view/);
  console.log("ok   the web view has the navigation guard");
} catch (e) {
  failed++;
  console.log(`FAIL the web view has the navigation guard\n     ${e.message}`);
}

try {
  for (const [f, h] of Object.entries(originals)) assert.equal(hash(f), h, `${f} was modified`);
  console.log("ok   originals untouched");
} catch (e) {
  failed++;
  console.log(`FAIL originals untouched\n     ${e.message}`);
}
console.log(`${seen} drops handled once each`);
console.log(failed ? `${failed} step(s) failed` : "all drop steps passed");
process.exit(failed ? 1 : 0);
