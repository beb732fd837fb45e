// What every Playwright suite here shares: Chromium as Debian installs it, a Korean page the size
// of the app's window that records uncaught page errors, a step runner that goes on after a failure
// (and keeps a screenshot of it), and the exit status.
import { chromium } from "playwright-core";
import fs from "node:fs";
import path from "node:path";

export const shots = process.env.IC_E2E_SHOTS ?? path.join(import.meta.dirname, "test-results");

/**
 * Opens the browser for the suite called name (it prefixes the failure screenshots).
 * suite.page is the page steps act on; suite.newPage() opens another and makes it that page.
 */
export async function openSuite(name, { viewport = { width: 1180, height: 780 } } = {}) {
  fs.mkdirSync(shots, { recursive: true });
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const context = await browser.newContext({ locale: "ko-KR", viewport });
  const suite = {
    browser,
    context,
    page: null,
    pageErrors: [],
    failed: 0,
    async newPage() {
      const p = await context.newPage();
      p.on("pageerror", (e) => suite.pageErrors.push(e.message));
      suite.page = p;
      return p;
    },
    /** The element with data-testid id on the current page. */
    tid: (id) => suite.page.locator(`[data-testid="${id}"]`),
    /** Runs one step; a failure is printed with a screenshot, and the next step runs. */
    async step(stepName, fn) {
      try {
        await fn();
        console.log(`ok   ${stepName}`);
      } catch (e) {
        suite.failed++;
        console.log(`FAIL ${stepName}\n     ${String(e.message).split("\n").join("\n     ")}`);
        const file = path.join(shots, `fail-${name}-${stepName.replace(/\W+/g, "-")}.png`);
        await suite.page?.screenshot({ path: file }).catch(() => {});
      }
    },
    /** Closes the browser and exits: 0 when every step passed. */
    async finish(passed = `all ${name} steps passed`) {
      await browser.close();
      console.log(suite.failed ? `${suite.failed} ${name} step(s) failed` : passed);
      process.exit(suite.failed ? 1 : 0);
    },
  };
  await suite.newPage();
  return suite;
}
