// Drives the review page in Debian's chromium as a hiring manager would, and prints what they saw as JSON.
// Run by tests/browser/test_hiring_team_e2e.py:
//   node review_page.mjs <baseUrl> <apiKey> <jobId> <screenshotDir>
import { chromium } from "playwright-core";

const [baseUrl, apiKey, jobId, shots] = process.argv.slice(2);
const seen = { consoleErrors: [], steps: {} };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on("console", (message) => {
    if (message.type() === "error") seen.consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => seen.consoleErrors.push(String(error)));
  page.setDefaultTimeout(15000);

  // A deep link to the job, opened with no key yet: the page asks for one.
  await page.goto(`${baseUrl}/review#/jobs/${encodeURIComponent(jobId)}`);
  const keyField = page.getByLabel("Backend API key");
  await keyField.waitFor();
  seen.steps.keyFieldFocused = await keyField.evaluate((node) => node === document.activeElement);
  await page.screenshot({ path: `${shots}/01-key.png` });
  // The key is typed and submitted with the keyboard.
  await keyField.fill(apiKey);
  await keyField.press("Enter");

  const rows = page.locator("#candidates tbody tr");
  await rows.nth(2).waitFor();
  seen.steps.rowCount = await rows.count();
  seen.steps.names = await rows.locator("th .name").allTextContents();
  seen.steps.states = await rows.locator("td.state").allTextContents();
  seen.steps.barsPerRow = await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelectorAll("td:nth-child(5) meter").length));
  seen.steps.keyInSessionStorage = await page.evaluate(() => Object.keys(sessionStorage).some((k) => k.includes("apiKey")));
  seen.steps.keyInLocalStorage = await page.evaluate(() => Object.keys(localStorage).length > 0);
  await page.screenshot({ path: `${shots}/02-candidates.png`, fullPage: true });

  // Sort by level, from the keyboard: highest first, then lowest first.
  const levelSort = page.getByRole("button", { name: "Level" });
  await levelSort.focus();
  await page.keyboard.press("Enter");
  const levels = async () =>
    rows.evaluateAll((trs) => trs.map((tr) => Number(tr.querySelector("td.level meter")?.getAttribute("value") ?? -1)));
  seen.steps.levelsDescending = await levels();
  seen.steps.namesByLevel = await rows.locator("th .name").allTextContents();
  seen.steps.levelAriaSort = await page.locator("th[data-sort=level]").getAttribute("aria-sort");
  await page.screenshot({ path: `${shots}/03-sorted-by-level.png`, fullPage: true });
  await page.keyboard.press("Enter");
  seen.steps.levelsAscending = await levels();
  await page.keyboard.press("Enter");

  // Open the report of the best candidate.
  const best = seen.steps.namesByLevel[0];
  await page.getByRole("button", { name: `Open the report of ${best}` }).click();
  const heading = page.locator("#report-heading");
  await page.locator("#report .competencies li").first().waitFor();
  seen.steps.reportHeading = await heading.textContent();
  seen.steps.reportHeadingFocused = await heading.evaluate((node) => node === document.activeElement);
  seen.steps.reportCompetencies = await page.locator("#report .competencies li .bar-label").allTextContents();
  seen.steps.reportRubric = await page.locator("#report .facts").textContent();
  seen.steps.hashAfterOpen = await page.evaluate(() => location.hash);
  await page.screenshot({ path: `${shots}/04-report.png`, fullPage: true });

  // Record a decision and see it in the trail.
  seen.steps.trailBefore = await page.locator("#trail li").count();
  await page.getByLabel("Advance").check();
  await page.getByLabel("Your name").fill("Grace Hopper");
  await page.getByLabel("Note").fill("Specific answers with measured results <b>not bold</b>.");
  await page.getByRole("button", { name: "Record decision" }).click();
  await page.locator("#trail li").first().waitFor();
  seen.steps.trail = await page.locator("#trail li").allTextContents();
  seen.steps.status = await page.locator("#status").textContent();
  seen.steps.rowDecision = await page.locator(`#candidates tbody tr:has(th .name:text-is("${best}")) td.decision`).textContent();
  seen.steps.boldInjected = await page.locator("#trail b").count();
  await page.screenshot({ path: `${shots}/05-decision.png`, fullPage: true });

  // Closing the report returns focus to the button that opened it.
  await page.getByRole("button", { name: "Close report" }).click();
  await page.locator("#report-section").waitFor({ state: "hidden" });
  seen.steps.focusAfterClose = await page.evaluate(() => document.activeElement?.getAttribute("aria-label"));

  // The deep link to this report opens it directly (the key stays for the tab).
  const deepLink = `${baseUrl}/review${seen.steps.hashAfterOpen}`;
  await page.goto("about:blank");
  await page.goto(deepLink);
  await page.locator("#trail li").first().waitFor();
  seen.steps.deepLinkHeading = await page.locator("#report-heading").textContent();
  seen.steps.deepLinkTrail = await page.locator("#trail li").allTextContents();
  await page.screenshot({ path: `${shots}/06-deep-link.png`, fullPage: true });

  // A wrong key is refused and asked for again.
  await page.evaluate(() => sessionStorage.setItem("interviewReview.apiKey", "wrong-key"));
  await page.reload();
  await page.getByLabel("Backend API key").waitFor();
  seen.steps.wrongKeyMessage = await page.locator("#status").textContent();
  await page.screenshot({ path: `${shots}/07-wrong-key.png`, fullPage: true });
} catch (error) {
  seen.error = String(error && error.stack ? error.stack : error);
} finally {
  await browser.close();
}
console.log(JSON.stringify(seen));
