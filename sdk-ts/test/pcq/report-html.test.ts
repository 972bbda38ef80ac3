import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createManifest } from "../../src/pcq/manifest.js";
import { replay } from "../../src/pcq/replay.js";
import { deltaBarSvg, renderReportHtml } from "../../src/pcq/report-html.js";
import { launchChromium, openOffline } from "../support/chromium.js";

/** The page's getComputedStyle (the test's tsconfig has no DOM types). */
type Css = { getComputedStyle(el: unknown): { color: string } };

const KARATE = join(import.meta.dirname, "../../../examples/pcq/dsl/karate/edges.csv");

/** A mismatch: pagerank values edited in the result, degree untouched. */
function mismatchReport() {
  const dir = mkdtempSync(join(tmpdir(), "tf-pcq-html-"));
  cpSync(KARATE, join(dir, "edges.csv"));
  createManifest({
    dataset: join(dir, "edges.csv"),
    metrics: [{ metric: "degree" }, { metric: "pagerank" }],
    name: "karate",
  });
  const rp = join(dir, "result.json");
  const doc = JSON.parse(readFileSync(rp, "utf8"));
  doc.results[1].value.values["0"] *= 1.5;
  writeFileSync(rp, JSON.stringify(doc));
  return replay(dir);
}

describe("the HTML report as text", () => {
  it("is one self-contained document: no external URL, markup escaped", () => {
    const report = mismatchReport();
    report.name = "karate <&>"; // names are identifiers, but node ids and messages are anything
    const html = renderReportHtml(report);
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain("karate &lt;&amp;&gt;");
    expect(html).not.toContain("karate <&>");
    expect(html).toContain("Content-Security-Policy");
  });

  it("draws each delta against its window on a ratio scale", () => {
    const inside = deltaBarSvg({ abs: 1, allowed: 4, ok: true });
    const edge = deltaBarSvg({ abs: 4, allowed: 4, ok: true });
    const outside = deltaBarSvg({ abs: null, allowed: 0, ok: false });
    const cx = (svg: string) => Number(/<circle cx="([0-9.]+)"/.exec(svg)![1]);
    expect(cx(inside)).toBeCloseTo(32, 5); // r = 1/4 → 160 · 0.2
    expect(cx(edge)).toBe(80); // the window's edge is the middle
    expect(cx(outside)).toBe(157);
    expect(outside).toContain('class="out"');
  });
});

describe("the HTML report in a browser", () => {
  let browser: Browser;
  let url: string;
  beforeAll(async () => {
    browser = await launchChromium();
    const dir = mkdtempSync(join(tmpdir(), "tf-pcq-html-"));
    const file = join(dir, "report.html");
    writeFileSync(file, renderReportHtml(mismatchReport()));
    url = pathToFileURL(file).href;
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("shows the verdict, marks the failing metric, keeps details collapsed until clicked, loads nothing", async () => {
    const { page, requests } = await openOffline(browser, url);
    const heading = page.locator("h1#verdict");
    await expect(heading.textContent()).resolves.toBe("Mismatch");
    expect(await heading.isVisible()).toBe(true);
    expect(await heading.evaluate((el) => (globalThis as unknown as Css).getComputedStyle(el).color)).toBe(
      "rgb(207, 34, 46)",
    );

    const failing = page.locator('article.metric[data-ok="false"]');
    expect(await failing.count()).toBe(1);
    expect(await failing.isVisible()).toBe(true);
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a person sees
    expect(await failing.locator("h3").innerText()).toMatch(/FAIL\s+pagerank/);
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a person sees
    expect(await page.locator('article.metric[data-ok="true"] h3').innerText()).toMatch(/PASS\s+degree/);
    expect(await page.locator("#summary li.error").allInnerTexts()).toEqual([
      expect.stringMatching(/^output result: result\.json is not the file/),
      expect.stringMatching(/^metric pagerank: 1 of 34 value\(s\) outside the window/),
    ]);

    // The failing value's row exists but is hidden in a closed <details> until its summary is clicked.
    const row = failing.locator("details.deltas tr.out").first();
    expect(await failing.locator("details.deltas").getAttribute("open")).toBeNull();
    expect(await row.isVisible()).toBe(false);
    await failing.locator("details.deltas > summary").click();
    expect(await row.isVisible()).toBe(true);
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a person sees
    expect(await row.locator("td").first().innerText()).toBe("0");
    expect(await row.locator("svg.band circle.out").count()).toBe(1);

    // "Expand all" opens the rest.
    await page.locator("#toggle-all").click();
    expect(await page.locator("details:not([open])").count()).toBe(0);

    expect(requests).toEqual([]);
    await page.context().close();
  });

  it("the network check would see a request (it is not vacuous)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tf-pcq-html-"));
    const file = join(dir, "leaky.html");
    writeFileSync(file, '<!doctype html><img src="https://example.com/pixel.png">');
    const { page, requests } = await openOffline(browser, pathToFileURL(file).href);
    expect(requests).toEqual(["https://example.com/pixel.png"]);
    await page.context().close();
  });
});
