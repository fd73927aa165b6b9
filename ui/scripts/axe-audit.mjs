// Accessibility audit (RGAA 4 / WCAG 2.1 AA rules of axe-core) of the built UI (ui/dist) in
// headless Chromium, on the in-memory backend: every page, in French and English, light and
// dark themes, plus the report form's error state and a fix-it run attached, the check page's
// actions, an opened article and the admin section's
// states (machine, equipment form and label, bundle inspected/imported/refused, agent).
// Exits non-zero on any violation.
//   node scripts/axe-audit.mjs            (after `npm run build`; Chromium from CHROMIUM or /usr/bin/chromium)
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL("../dist/", import.meta.url));
const axeSource = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png" };

const server = createServer(async (req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
  const file = join(root, path === "/" ? "index.html" : path);
  try {
    res.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" });
    res.end(await readFile(file));
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
});
const PAGES = ["home", "check", "report", "tickets", "kb", "inventory", "admin", "settings", "about"];
let failures = 0;
let checks = 0;

// The type scale of styles.css: each face (family × size × weight) the web view meets costs it
// a font lookup, the first frame's largest cost in WebKitGTK. Every audited state keeps to the
// scale, and the first screen (home) uses at most FIRST_SCREEN_FACES faces.
const SCALE = { family: ["sans-serif", "ui-monospace"], size: ["14px", "16px", "20px", "24px"], weight: ["400", "700"] };
const FIRST_SCREEN_FACES = 5;

/** The faces (family, size, weight; style aside) of the text on display. */
function faces(page) {
  return page.evaluate(() => {
    const found = new Map();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!n.textContent?.trim() || !el || el.getClientRects().length === 0) continue;
      const cs = getComputedStyle(el);
      if (cs.visibility === "hidden") continue;
      const face = { family: cs.fontFamily.split(",")[0].trim().replace(/"/g, ""), size: cs.fontSize, weight: cs.fontWeight };
      found.set(`${face.family} ${face.size} ${face.weight}`, { ...face, example: n.textContent.trim().slice(0, 40) });
    }
    return [...found.entries()];
  });
}

async function checkFaces(page, label) {
  const found = await faces(page);
  for (const [name, face] of found) {
    if (!SCALE.family.includes(face.family) || !SCALE.size.includes(face.size) || !SCALE.weight.includes(face.weight)) {
      failures++;
      console.error(`✗ ${label}: face ${name} is outside the type scale (text "${face.example}")`);
    }
  }
  if (label.endsWith(" home") && found.length > FIRST_SCREEN_FACES) {
    failures++;
    console.error(`✗ ${label}: the first screen uses ${found.length} faces (at most ${FIRST_SCREEN_FACES}): ${found.map(([n]) => n).join(", ")}`);
  }
}

async function audit(page, label) {
  await checkFaces(page, label);
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    // @ts-ignore axe is injected above
    window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] }, resultTypes: ["violations"] }),
  );
  checks++;
  for (const v of result.violations) {
    failures++;
    console.error(`✗ ${label}: ${v.id} (${v.impact}) ${v.help}`);
    for (const n of v.nodes.slice(0, 5)) console.error(`    ${n.target.join(" ")} ${n.failureSummary?.split("\n").slice(1, 2).join("")}`);
  }
}

try {
  for (const locale of ["fr-FR", "en-GB"]) {
    for (const scheme of ["light", "dark"]) {
      const ctx = await browser.newContext({ locale, colorScheme: scheme, viewport: { width: 1280, height: 860 } });
      // The static first screen (boot.ts), as shown before the app's script arrives: blocked here.
      const still = await ctx.newPage();
      await still.route(/\/assets\/main-[^/]*\.js$/, (route) => route.abort());
      await still.goto(base);
      await still.waitForSelector("#root #nav-home");
      await audit(still, `${locale} ${scheme} static home`);
      if (await still.$("#root[data-live]")) {
        failures++;
        console.error(`✗ ${locale} ${scheme}: the app went live with its script blocked`);
      }
      await still.close();
      const page = await ctx.newPage();
      // As in the app, where Tauri freezes Object.prototype before the UI runs (freezePrototype):
      // Preact 10 broke there on its first re-render, and only the real app showed it.
      await page.addInitScript(() => Object.freeze(Object.prototype));
      page.on("pageerror", (e) => {
        failures++;
        console.error(`✗ page error: ${e.message}`);
      });
      await page.goto(base);
      // The first screen is static markup until the app takes it over (boot.ts).
      await page.waitForSelector("#root[data-live] #nav-home");
      for (const id of PAGES) {
        await page.click(`#nav-${id}`);
        await page.waitForSelector("h1");
        await page.waitForTimeout(150);
        await audit(page, `${locale} ${scheme} ${id}`);
      }
      // States that only exist after interaction.
      await page.click("#nav-report");
      await page.click("#report-send");
      await audit(page, `${locale} ${scheme} report with error`);
      // The report's self-help: suggestions for the title, an article read in its dialog, the
      // check's preview unfolded.
      await page.fill("#report-title", "imprimante");
      await page.waitForSelector("#report-suggestions li");
      await page.click("#report-diagnosis-summary + details summary");
      await audit(page, `${locale} ${scheme} report with suggestions`);
      await page.click("#report-suggestions li button.link");
      await page.waitForSelector("#article-dialog .article-body");
      await audit(page, `${locale} ${scheme} suggested article dialog`);
      await page.keyboard.press("Escape");
      // Check my computer: a finding's details, then a fix's plan and its outcome.
      await page.click("#nav-check");
      await page.waitForSelector("#check-attention");
      await page.click("#check-attention details summary");
      await page.click("#check-rest > summary");
      await page.click("#check-actions > summary");
      await audit(page, `${locale} ${scheme} check details and actions`);
      await page.click("#check-attention .fix-button");
      await page.waitForSelector("#fix-confirm");
      await audit(page, `${locale} ${scheme} fix plan`);
      await page.click("#fix-confirm");
      await page.waitForSelector("#fix-outcome");
      await audit(page, `${locale} ${scheme} fix outcome`);
      // The run attached to a new report: ticked, its text previewed.
      await page.click("#fix-attach");
      await page.waitForSelector("#report-fix-runs input:checked");
      await page.click("#report-fix-runs details summary");
      await audit(page, `${locale} ${scheme} report with a fix run`);
      await page.click("#nav-kb");
      await page.click("#kb-results li button");
      await page.waitForSelector("#article-body");
      await audit(page, `${locale} ${scheme} article`);
      await page.click("#nav-tickets");
      await page.click("#ticket-list tbody button");
      await page.waitForSelector("#reply-body");
      await page.click("#reply-attach");
      await page.waitForSelector("ul.attachments li button");
      await audit(page, `${locale} ${scheme} ticket thread with files`);
      await page.click("#nav-inventory");
      await page.click("#tab-software");
      await audit(page, `${locale} ${scheme} software`);
      await page.click("#nav-admin");
      await page.click("#machine-table tbody button");
      await page.waitForSelector("#machine-history");
      await audit(page, `${locale} ${scheme} site machine`);
      await page.click("#nav-admin");
      await page.click("#tab-assets");
      await page.click("#asset-add");
      await page.waitForSelector("#asset-save");
      await audit(page, `${locale} ${scheme} equipment form`);
      await page.click("#nav-home");
      await page.click("#nav-admin");
      await page.click("#tab-assets");
      await page.click("#asset-table tbody tr td:last-child button");
      await page.waitForSelector("#label-view img");
      await page.click("#asset-table tbody input[type=checkbox]");
      await audit(page, `${locale} ${scheme} equipment label`);
      await page.click("#tab-bundles");
      await page.fill("#bundle-path", "/media/usb/site.guichet");
      await page.click("#bundle-inspect");
      await page.waitForSelector("#bundle-manifest");
      await audit(page, `${locale} ${scheme} bundle inspected`);
      await page.click("#bundle-import");
      await page.waitForSelector("#bundle-result");
      await audit(page, `${locale} ${scheme} bundle imported`);
      await page.fill("#bundle-path", "/media/usb/site-cut.guichet");
      await page.click("#bundle-import");
      await page.waitForSelector("#bundle-refused");
      await audit(page, `${locale} ${scheme} bundle refused`);
      await page.click("#tab-agent");
      await page.waitForSelector("#agent-runs");
      await audit(page, `${locale} ${scheme} agent status`);
      await page.click("#agent-install");
      await page.waitForSelector("#agent-install-result");
      await audit(page, `${locale} ${scheme} agent unit files`);
      await page.click("#nav-settings");
      await page.click('input[name="server-kind"][value="glpi"]');
      await page.click("#glpi-app-token-on");
      await page.waitForSelector("#glpi-app-token");
      await audit(page, `${locale} ${scheme} GLPI connection`);
      // Keyboard: the skip link is the first stop on a fresh page.
      await page.goto(base);
      // The first screen is static markup until the app takes it over (boot.ts).
      await page.waitForSelector("#root[data-live] #nav-home");
      await page.keyboard.press("Tab");
      const skip = await page.evaluate(() => document.activeElement?.className);
      if (skip !== "skip-link") {
        failures++;
        console.error(`✗ ${locale} ${scheme}: first Tab stop is ${skip}, not the skip link`);
      }
      await ctx.close();
    }
  }
} finally {
  await browser.close();
  server.close();
}
console.log(`axe: ${checks} page states audited, ${failures} violation(s)`);
process.exit(failures ? 1 : 0);
