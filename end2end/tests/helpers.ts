import { expect, Page, Browser, Locator } from "@playwright/test";
import { readFileSync } from "fs";
import { join } from "path";

const AXE_SOURCE = readFileSync(join(__dirname, "..", "node_modules", "axe-core", "axe.min.js"), "utf8");

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA rules) in the page and fails on any
 * serious or critical violation. Injected through evaluate, which the page's
 * CSP (script-src 'self') does not govern.
 */
export async function expectAccessible(page: Page, what: string) {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    // @ts-ignore injected above
    const result = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return result.violations
      .filter((v: any) => v.impact === "serious" || v.impact === "critical")
      .map((v: any) => `${v.id} (${v.impact}): ${v.help} – ${v.nodes.slice(0, 3).map((n: any) => n.target.join(" ")).join(", ")}`);
  });
  expect(violations, `accessibility of ${what}`).toEqual([]);
}

/** Opens a page and waits until the wasm app has hydrated (no fixed sleeps). */
export async function open(page: Page, url: string) {
  await page.goto(url);
  await hydrated(page);
}

/** Waits for hydration (the wasm bundle takes a while to compile on a busy 2-core machine). */
export async function hydrated(page: Page) {
  await expect(page.locator("body[data-hydrated]")).toBeAttached({ timeout: 30_000 });
}

/** Creates a session from the start page; returns the moderator page's URL and the join code. */
export async function createSession(page: Page, title = "IKZ-Workshop Digitalisierung") {
  await open(page, "/");
  await page.getByLabel("Titel").fill(title);
  await page.getByLabel("Datum").fill("2026-11-25");
  await page.getByLabel("Ort").fill("Rathaus Musterstadt");
  await page.getByRole("button", { name: "Sitzung anlegen" }).click();
  await expect(page).toHaveURL(/\/moderation(#[0-9a-f]{64})?$/);
  await hydrated(page);
  const code = (await page.getByTestId("join-code").textContent())!.trim();
  expect(code).toMatch(/^[A-Z0-9]{6}$/);
  // The secret leaves the address bar (and the history) once read; the page
  // still offers the link to keep.
  await expect(page).toHaveURL(/\/moderation$/);
  const moderatorUrl = (await page.getByTestId("moderator-link").getAttribute("href"))!;
  expect(moderatorUrl).toMatch(/\/moderation#[0-9a-f]{64}$/);
  return { moderatorUrl, code };
}

export async function addGroup(page: Page, name: string) {
  await page.getByLabel("Gruppenname").fill(name);
  await page.getByRole("button", { name: "Gruppe hinzufügen" }).click();
  await expect(page.locator(".group-name", { hasText: name })).toBeVisible();
}

/** A participant in a fresh browser context joins by typing the code. */
export async function joinAs(browser: Browser, code: string, name: string, kommune: string, group: string) {
  const context = await browser.newContext({ locale: "de-DE" });
  const page = await context.newPage();
  await open(page, "/");
  await page.getByLabel("Code von der Leinwand").fill(code.toLowerCase().replace(/(...)/, "$1 "));
  await page.getByRole("button", { name: "Weiter" }).click();
  await expect(page).toHaveURL(new RegExp(`/join/${code}$`));
  await page.getByLabel("Ihr Name").fill(name);
  await page.getByLabel("Ihre Kommune").fill(kommune);
  await page.getByRole("radio", { name: group }).check();
  await page.getByRole("button", { name: "Beitreten" }).click();
  await expect(page).toHaveURL(new RegExp(`/s/${code}$`));
  await expect(page.getByTestId("group-name")).toHaveText(group);
  return { context, page };
}

/** One section of the board shown in the workspace. */
export const section = (p: Page, id: string) => p.locator(`.board-section[data-section="${id}"]`);

/** Adds a card to a section and types its text (sent when the field is left). */
export async function addCard(p: Page, sectionId: string, text: string) {
  const s = section(p, sectionId);
  const before = await s.locator("li.card > textarea").count();
  await s.getByRole("button", { name: "Karte hinzufügen" }).click();
  const box = s.locator("li.card > textarea").nth(before);
  await box.fill(text);
  await box.blur();
}

/** With IKZ_SCREENSHOTS=1 the run also refreshes the README's pictures in docs/. */
export async function picture(p: Page, name: string) {
  if (process.env.IKZ_SCREENSHOTS) {
    await p.setViewportSize({ width: 1280, height: 900 });
    await p.screenshot({ path: `../docs/${name}.png`, fullPage: false });
  }
}

/**
 * The serious or critical axe-core violations (WCAG 2.0/2.1 A and AA) in the
 * page, as lines; for a soft check that lets a long test go on.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    // @ts-ignore injected above
    const result = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return result.violations
      .filter((v: any) => v.impact === "serious" || v.impact === "critical")
      .map((v: any) => `${v.id} (${v.impact}): ${v.help} – ${v.nodes.slice(0, 3).map((n: any) => n.target.join(" ")).join(", ")}`);
  });
}

/** Opens a method's board by its tab. */
export async function tab(p: Page, method: string) {
  await p.getByRole("navigation", { name: "Methoden" }).getByRole("button", { name: method, exact: true }).click();
}

/** A fixed item of the template (its label is the card's heading). */
export function item(p: Page, sectionId: string, label: string): Locator {
  return section(p, sectionId)
    .locator("li.card")
    .filter({ has: p.getByRole("heading", { name: label, exact: true }) });
}

/** The cards of a section, in order. */
export function cards(p: Page, sectionId: string): Locator {
  return section(p, sectionId).locator("li.card");
}

/** Types into a labelled live text of a card and leaves the field (it is sent then). */
export async function write(card: Locator, label: string, text: string) {
  const box = card.getByLabel(label, { exact: true });
  await box.fill(text);
  await box.blur();
}

/** Rates a card on one criterion: 1-5, or 0 for "weiß nicht"; opens the
 *  rating first. A level is named "2 – <anchor>", or "2" on a scale without
 *  anchors (Stärke, Relevanz). */
export async function rate(card: Locator, level: number) {
  const box = card.getByTestId("rating");
  if (!(await box.evaluate((d) => (d as HTMLDetailsElement).open))) await box.locator("summary").click();
  const name = level === 0 ? "weiß nicht" : new RegExp(`^${level}( – |$)`);
  // The level's label is what a pointer clicks (as in the KI rating's tests).
  await box.locator("label").filter({ has: card.page().getByRole("radio", { name }) }).click();
  await expect(box.getByRole("radio", { name })).toBeChecked();
}

/** The cells (td) of a figures table's rows, each row as its header cell and its data cells. */
export function row(table: Locator, header: string | RegExp): Locator {
  return table.locator("tbody tr").filter({ has: table.page().getByRole("rowheader", { name: header }) });
}
