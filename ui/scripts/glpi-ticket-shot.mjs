// A screenshot of a ticket in GLPI's own web interface, as a technician sees it: signs in
// through GLPI's login form in headless Chromium, opens the ticket, and saves a PNG. The live
// GLPI tests use it to keep, beside Guichet's view, what GLPI shows of a ticket Guichet sent.
//   node scripts/glpi-ticket-shot.mjs GLPI_URL LOGIN PASSWORD TICKET_ID OUT.png
// Chromium from CHROMIUM or /usr/bin/chromium. Prints the ticket's visible text on stdout.
import { chromium } from "playwright-core";

const [url, login, password, ticket, out] = process.argv.slice(2);
if (!out) {
  console.error("usage: glpi-ticket-shot.mjs GLPI_URL LOGIN PASSWORD TICKET_ID OUT.png");
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: "en-GB" });
  await page.goto(`${url}/index.php?noAUTO=1`);
  // GLPI names its login fields at random per session; their ids and types are stable.
  await page.locator("#login_name").fill(login);
  await page.locator("input[type=password]").first().fill(password);
  await Promise.all([page.waitForLoadState("networkidle"), page.locator("button[type=submit], input[type=submit]").first().click()]);
  await page.goto(`${url}/front/ticket.form.php?id=${ticket}`);
  await page.waitForLoadState("networkidle");
  await page.screenshot({ path: out, fullPage: true });
  const text = await page.locator("body").innerText();
  process.stdout.write(text);
} finally {
  await browser.close();
}
