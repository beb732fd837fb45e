// The app in the background, in the real window under Xvfb on a D-Bus
// session bus: close the window (as a window manager's close button does,
// tests/gui/closewin.c) while a folder
// is watched, answer "keep running in the background", see the window go, a
// photo copied into the watched folder converted anyway, the notification on
// the bus (tests/gui/notifyd), and a second launch bring the window back.
// Run by tests/gui/run.sh after drops.test.mjs.
import { execFileSync, spawn } from "node:child_process";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";

const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set; run tests/gui/run.sh`);
  return v;
};
const app = env("IC_GUI_APP");
const work = path.join(env("IC_GUI_WORK"), "background");
const shots = env("IC_GUI_SHOTS");
const notes = env("IC_GUI_NOTES");
const control = `http://${env("IC_E2E_CONTROL_BG")}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const xdo = (...args) => execFileSync("xdotool", args.map(String), { encoding: "utf8" }).trim();
const children = [];
process.on("exit", () => children.forEach((c) => c.kill()));
let failed = 0;

async function waitFor(cond, what, ms = 30_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}`);
}
async function step(name, fn) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}\n     ${String(e.message).split("\n").join("\n     ")}`);
    execFileSync("import", ["-window", "root", path.join(shots, `fail-bg-${name.replace(/\W+/g, "-")}.png`)]);
  }
}
const ping = async () => (await fetch(`${control}/ping`)).json();
const visibleWindows = (pid) => {
  try {
    return xdo("search", "--onlyvisible", "--pid", pid).split("\n").filter(Boolean);
  } catch {
    return []; // xdotool exits 1 when nothing matches
  }
};

// A watched folder, set up as a person would have left it.
const config = path.join(work, "config");
const watch = path.join(work, "watch");
fs.mkdirSync(path.join(config, "ImageConverter"), { recursive: true });
fs.mkdirSync(watch, { recursive: true });
fs.writeFileSync(
  path.join(config, "ImageConverter", "schedules.json"),
  JSON.stringify([{ id: "s1", folder: watch, format: "webp", preset: "balanced", mode: "arrival", enabled: true }]),
);
const appEnv = { ...process.env, XDG_CONFIG_HOME: config, IC_E2E_PLAN: "pro", LANG: "ko_KR.UTF-8", IC_E2E_CONTROL: env("IC_E2E_CONTROL_BG") };
const log = fs.openSync(path.join(work, "app.log"), "w");
const first = spawn(app, [], { env: appEnv, stdio: ["ignore", log, log] });
children.push(first);
let win;

await step("the app opens with a watched folder", async () => {
  win = execFileSync("xdotool", ["search", "--sync", "--onlyvisible", "--pid", String(first.pid)], { encoding: "utf8", timeout: 30_000 })
    .trim()
    .split("\n")[0];
  await waitFor(async () => (await ping().catch(() => ({}))).href, "the page to answer");
});

await step("closing the window asks whether to keep running in the background", async () => {
  execFileSync(env("IC_GUI_CLOSEWIN"), [win]);
  await waitFor(async () => (await ping()).rects["close-dialog"], "the question");
  await sleep(800); // painted
  execFileSync("import", ["-window", "root", path.join(shots, "background-question.png")]);
  const r = (await ping()).rects["close-background"];
  const g = Object.fromEntries(xdo("getwindowgeometry", "--shell", win).split("\n").map((l) => l.split("=")));
  xdo("mousemove", +g.X + r[0] + r[2] / 2, +g.Y + r[1] + r[3] / 2, "click", 1);
  await waitFor(() => visibleWindows(first.pid).length === 0, "the window to go");
  assert.equal(first.exitCode, null, "the app quit instead of staying in the background");
});

await step("in the background, a photo copied into the watched folder converts and says so", async () => {
  fs.copyFileSync(path.join(env("IC_GUI_WORK"), "data", "base.jpg"), path.join(watch, "beach.jpg"));
  await waitFor(() => fs.existsSync(path.join(watch, "beach.webp")), "the output", 60_000);
  await waitFor(() => fs.existsSync(notes) && fs.readFileSync(notes, "utf8").includes("감시 폴더 watch"), "the notification", 15_000);
  const note = fs
    .readFileSync(notes, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l))
    .find((n) => n.summary === "감시 폴더 watch");
  assert.match(note.body, /사진 1장을 변환해 .+를 절약했습니다/);
  assert.equal(note.app, "ImageConverter");
  assert.equal(visibleWindows(first.pid).length, 0, "the window came back by itself");
});

await step("launching the app again brings the running one back", async () => {
  // As a person launches it: no test hooks of its own.
  const { IC_E2E_CONTROL: _, ...plain } = appEnv;
  const second = spawn(app, [], { env: plain, stdio: ["ignore", log, log] });
  const code = await new Promise((r) => second.on("exit", r));
  assert.equal(code, 1, "the second launch did not hand over to the running app (Wails exits it with 1)");
  await waitFor(() => visibleWindows(first.pid).length > 0, "the window to come back", 15_000);
  assert.equal(first.exitCode, null);
  execFileSync("import", ["-window", "root", path.join(shots, "background-back.png")]);
});

console.log(failed ? `${failed} background step(s) failed` : "all background steps passed");
process.exit(failed ? 1 : 0);
