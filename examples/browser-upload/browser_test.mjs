// The real-browser half of scripts/browser_test.sh: headless Chromium opens the upload
// page, picks the given files, and waits until Fine Uploader reports each one uploaded
// or failed. Prints one JSON line (RESULT {...}) with what the page reported and what
// the browser sent to S3; exits 1 if an upload failed or time ran out.
//
//   node browser_test.mjs PAGE_URL FILE...
// Environment: CHROMIUM (default /usr/bin/chromium), UPLOAD_TIMEOUT_MS (default 180000),
// BROWSER_DISABLE_WEB_SECURITY=1 when the S3 server sends no CORS headers, SCREENSHOT=FILE
// (a PNG of the page once the uploads are done).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [pageUrl, ...files] = process.argv.slice(2);
if (!pageUrl || files.length === 0) {
  console.error("usage: node browser_test.mjs PAGE_URL FILE...");
  process.exit(2);
}
const timeout = Number(process.env.UPLOAD_TIMEOUT_MS || 180000);
const profile = mkdtempSync(join(tmpdir(), "sigv4-chromium-"));
const args = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
if (process.env.BROWSER_DISABLE_WEB_SECURITY === "1") {
  // The page (sigv4 serve) and the bucket (s3s-fs) are different origins, and s3s-fs
  // answers no CORS preflight: without this the browser would block every upload.
  args.push("--disable-web-security");
}

const log = (msg) => console.error(`browser_test.mjs: ${msg}`);
const s3Requests = []; // what the browser sent to the bucket, with the answers
let context;
let exitCode = 1;
try {
  // A persistent context is how Playwright takes --user-data-dir: a fresh profile.
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args,
    timeout: 60000,
  });
  const page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(timeout);
  page.on("console", (m) => log(`console.${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => log(`page error: ${e.message}`));
  page.on("requestfailed", (r) => log(`request failed: ${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  page.on("response", (r) => {
    const req = r.request();
    const url = new URL(req.url());
    if (url.origin === new URL(pageUrl).origin) {
      if (r.status() >= 400) log(`${req.method()} ${url.pathname} -> HTTP ${r.status()}`);
      return;
    }
    s3Requests.push({ method: req.method(), path: url.pathname, query: url.search, status: r.status() });
  });

  await page.goto(pageUrl, { waitUntil: "load", timeout: 30000 });
  await page.waitForFunction(() => window.uploadPage && window.uploadPage.ready, null, { timeout: 30000 });
  const started = Date.now();
  await page.setInputFiles("#files", files);
  // Every file succeeds or fails (no retries); a file may report more than one error.
  const settled = await page
    .waitForFunction((n) => new Set(window.uploadPage.results.map((r) => r.name)).size >= n, files.length, {
      timeout,
      polling: 200,
    })
    .then(() => true, (e) => log(`waiting for the uploads: ${e.message}`));
  const results = await page.evaluate(() => window.uploadPage.results);
  if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
  const seconds = (Date.now() - started) / 1000;
  const failed = results.filter((r) => !r.ok);
  const partPuts = s3Requests.filter((r) => r.method === "PUT" && r.query.includes("partNumber=") && r.status === 200);
  const error = settled ? undefined : `not every upload finished within ${timeout} ms`;
  console.log("RESULT " + JSON.stringify({ seconds, error, results, s3Requests, partPuts: partPuts.length }));
  exitCode = settled && failed.length === 0 && results.length === files.length ? 0 : 1;
} catch (e) {
  log(`failed: ${e.message}`);
  console.log("RESULT " + JSON.stringify({ error: e.message, s3Requests }));
} finally {
  if (context) await context.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}
process.exit(exitCode);
