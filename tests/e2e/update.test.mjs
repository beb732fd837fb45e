// In-app updates against the dev binary, with the manifest served by the
// local Hosting emulator (web/updates/<run>/, removed afterwards), as the
// app meets a release: a manifest signed by someone else is ignored; a
// download whose hash differs is refused and deleted; a good one is kept and
// the app says how to install it (Linux: the apt command); a version below
// the release's minimum refuses to convert, with the sentence. Run by
// tests/e2e/run.sh when the local stack is up.
import { openSuite, shots } from "./harness.mjs";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const addr = process.env.IC_E2E_UPDATE_ADDR;
const webDir = process.env.IC_E2E_UPDATE_DIR; // a folder under web/ the Hosting emulator serves
const webURL = process.env.IC_E2E_UPDATE_URL; // the same folder's address
const keyFile = process.env.IC_E2E_UPDATE_KEY; // "kid:base64-seed" (releasetool keygen -kind update)
const publicKey = process.env.IC_E2E_UPDATE_PUB; // "kid:base64url"
const cache = process.env.IC_E2E_UPDATE_CACHE; // the app's XDG_CACHE_HOME
const data = process.env.IC_E2E_DATA;
assert.ok(addr && webDir && webURL && keyFile && publicKey && cache && data, "run through tests/e2e/run.sh");
const downloads = path.join(cache, "ImageConverter", "updates");

// The .deb for this machine, named as scripts/dist/deb.sh names it.
const osRelease = Object.fromEntries(
  fs.readFileSync("/etc/os-release", "utf8").split("\n").filter((l) => l.includes("="))
    .map((l) => { const [k, ...v] = l.split("="); return [k, v.join("=").replace(/^"|"$/g, "")]; }),
);
const distro = `${osRelease.ID}${osRelease.VERSION_ID}`;

const [kid, seed] = fs.readFileSync(keyFile, "utf8").trim().split(":");
const b64url = (b) => Buffer.from(b).toString("base64url");
const trusted = crypto.createPrivateKey({
  key: { kty: "OKP", crv: "Ed25519", d: b64url(Buffer.from(seed, "base64")), x: publicKey.split(":")[1] },
  format: "jwk",
});
const foreign = crypto.generateKeyPairSync("ed25519").privateKey;

/** Publish version with its .deb (served bytes; the manifest states the hash of `stated`). */
function publish({ version, minimum = "", key = trusted, served, stated = served }) {
  const name = `imageconverter_${version}+${distro}_amd64.deb`;
  fs.writeFileSync(path.join(webDir, name), served);
  const manifest = {
    version,
    minimumVersion: minimum,
    published: new Date().toISOString(),
    notes: { ko: `${version}: 변환이 더 빨라졌습니다.`, en: `${version}: faster conversions.`, ja: `${version}: 変換が速くなりました。` },
    files: {
      [`linux-amd64-deb-${distro}`]: {
        url: `${webURL}/${name}`,
        size: stated.length,
        sha256: crypto.createHash("sha256").update(stated).digest("hex"),
      },
    },
  };
  const body = Buffer.from(JSON.stringify(manifest));
  const signed = { kid, manifest: b64url(body), signature: b64url(crypto.sign(null, body, key)) };
  fs.writeFileSync(path.join(webDir, "stable.json"), JSON.stringify(signed, null, 2));
  return name;
}

const suite = await openSuite("update");
const { pageErrors, step, tid } = suite;
const page = suite.page;
const checkNow = async () => {
  await tid("nav-settings").click();
  await tid("check-updates").click();
  await page.waitForFunction(() => !document.querySelector('[data-testid="check-updates"]')?.hasAttribute("disabled"));
};
const leftInDownloads = () => (fs.existsSync(downloads) ? fs.readdirSync(downloads).filter((f) => f !== "manifest.json") : []);
const good = crypto.randomBytes(300_000);

await page.goto(`http://${addr}/`);
await tid("nav-settings").waitFor();

await step("About shows the version; with nothing published (404) the check blames the server, not the connection", async () => {
  await checkNow();
  assert.match(await tid("about").innerText(), /이미지 변환기 0\.0\.0-dev/);
  assert.match(await tid("update-state").innerText(), /업데이트 서버가 제대로 응답하지 않았습니다/);
  assert.doesNotMatch(await tid("update-state").innerText(), /인터넷 연결/);
  assert.equal(await tid("update-banner").count(), 0);
  assert.ok((await tid("licenses").textContent()).includes("libwebp"), "no licences listed");
});

await step("a manifest signed by a foreign key is ignored and said so", async () => {
  publish({ version: "9.1.0", minimum: "9.0.0", key: foreign, served: good });
  await checkNow();
  assert.match(await tid("update-state").innerText(), /서명이 올바르지 않은 업데이트 정보/);
  assert.equal(await tid("update-banner").count(), 0, "a forged release shows a banner");
  assert.deepEqual(leftInDownloads(), [], "a forged release was downloaded");
  // Nor does its minimum version stop conversions (checked in the last step).
});

await step("a download whose SHA-256 differs is refused and deleted; the banner says why", async () => {
  publish({ version: "9.1.0", served: good, stated: crypto.randomBytes(good.length) });
  await checkNow();
  await tid("update-banner").waitFor();
  assert.match(await tid("update-banner").innerText(), /새 버전 9\.1\.0/);
  assert.match(await tid("update-notes").innerText(), /9\.1\.0: 변환이 더 빨라졌습니다/);
  await page.locator('[data-testid="update-banner"][data-phase="failed"]').waitFor({ timeout: 30_000 });
  assert.equal(await tid("update-problem").getAttribute("data-code"), "update_hash");
  assert.match(await tid("update-problem").innerText(), /배포된 파일과 달라.*지웠습니다.*지금 쓰는 버전은 그대로입니다/s);
  assert.deepEqual(leftInDownloads(), []);
  await page.screenshot({ path: path.join(shots, "update-hash-refused.png") });
});

await step("a good release downloads with progress, is verified, and the app says the apt command", async () => {
  const name = publish({ version: "9.1.0", served: good });
  await tid("update-retry").click();
  await page.locator('[data-testid="update-banner"][data-phase="ready"]').waitFor({ timeout: 30_000 });
  const file = path.join(downloads, name);
  assert.equal(await tid("update-command").innerText(), `sudo apt install ${file}`);
  assert.ok(fs.readFileSync(file).equals(good), "the kept package is not the published one");
  assert.deepEqual(leftInDownloads(), [name]);
  await page.screenshot({ path: path.join(shots, "update-ready.png") });
});

await step("below the minimum version: red banner, and a drop is refused with the sentence", async () => {
  publish({ version: "9.2.0", minimum: "9.0.0", served: good });
  await checkNow();
  await page.locator('[data-testid="update-banner"][data-required="true"]').waitFor();
  assert.match(await tid("update-required").innerText(), /지금 버전\(0\.0\.0-dev.*\)으로는 더 이상 변환할 수 없습니다/);
  assert.equal(await tid("update-banner").locator("button.close").count(), 0, "a required update can be dismissed");
  fs.mkdirSync(path.join(data, "update"), { recursive: true });
  const photo = path.join(data, "update", "u1.jpg");
  fs.copyFileSync(path.join(data, "base.jpg"), photo);
  await page.evaluate((p) => {
    window.go.main.App.ChooseFiles = () => Promise.resolve([p]);
  }, photo);
  await tid("nav-convert").click();
  await tid("choose-files").click();
  await tid("queue-error").waitFor();
  assert.match(await tid("queue-error").innerText(), /이 버전으로는 더 이상 변환할 수 없습니다\. 새 버전 9\.2\.0\(으\)로 업데이트한 뒤 변환하세요\./);
  assert.equal(fs.existsSync(photo.replace(/\.jpg$/, ".webp")), false, "converted despite the minimum version");
  await page.screenshot({ path: path.join(shots, "update-required.png") });
});

await step("no uncaught errors in the page", async () => assert.deepEqual(pageErrors, []));

await suite.finish("all update steps passed");
