/**
 * Headless Chromium for tests that check what a person sees. One browser per test file;
 * every request other than the page itself is recorded and refused.
 */
import { type Browser, chromium, type Page } from "playwright-core";

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.TF_CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
}

/** Opens a local file with the network cut off; `requests` lists every request the page tried. */
export async function openOffline(
  browser: Browser,
  fileUrl: string,
): Promise<{ page: Page; requests: string[] }> {
  const context = await browser.newContext({ offline: true, javaScriptEnabled: true });
  const page = await context.newPage();
  const requests: string[] = [];
  page.on("request", (r) => {
    if (r.url() !== fileUrl) requests.push(r.url());
  });
  await context.route("**/*", (route) =>
    route.request().url() === fileUrl ? route.continue() : route.abort("blockedbyclient"),
  );
  await page.goto(fileUrl, { waitUntil: "load" });
  return { page, requests };
}
