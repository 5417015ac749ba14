import { test, expect, Download, Locator, Page } from "./fixtures";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { accessibilityViolations, addCard, addGroup, createSession, hydrated, joinAs, open, section } from "./helpers";

// Issue #20: the five remaining seed methods of methods.md (5-9) switched on
// by the moderator, filled in by two participants of two Kommunen, the
// rated figures after the reveal, and the Markdown and JSON exports read
// back. Values are computed by hand next to each expectation.
//
// NOT RUN YET (written in the session of branch ui20 without a release
// build): the first run may need selector fixes.

const WANDEL = "Veränderung & Widerstände";
const BMC = "Business Model Canvas";
const USTG = "Umsatzsteuer-Check (§ 2b UStG)";
const SCRUM = "Scrum-Board";
const BARCAMP = "BarCamp-Planung & Kooperationsbörse";

const FORCE_UP = "Fachkräftemangel zwingt zur Zusammenarbeit";
const FORCE_DOWN = "Angst vor Kompetenzverlust";
const SUPPORT = "Klausur mit dem Gemeinderat";
const VALUE = "Ein Bürgerbüro für drei Gemeinden";
const CASE = "Bauhof mäht für die Nachbargemeinde";
const STORY_1 = "Online-Terminbuchung";
const STORY_2 = "Formular-Assistent";
const SESSION = "Digitale Friedhofsverwaltung";
const SUCHE = "Erfahrungen mit Friedhofsverwaltung gesucht";
const BIETE = "Friedhofsverwaltung digital seit 2024";

async function tab(p: Page, method: string) {
  await p.getByRole("navigation", { name: "Methoden" }).getByRole("button", { name: method, exact: true }).click();
}

function item(p: Page, sectionId: string, label: string): Locator {
  return section(p, sectionId)
    .locator("li.card")
    .filter({ has: p.getByRole("heading", { name: label, exact: true }) });
}

function cards(p: Page, sectionId: string): Locator {
  return section(p, sectionId).locator("li.card");
}

async function write(card: Locator, label: string, text: string) {
  const box = card.getByLabel(label, { exact: true });
  await box.fill(text);
  await box.blur();
}

/** Rates a card 1-5 (a scale without anchors names its levels "2 –"). */
async function rate(card: Locator, level: number) {
  const box = card.getByTestId("rating");
  if (!(await box.evaluate((d) => (d as HTMLDetailsElement).open))) await box.locator("summary").click();
  const name = new RegExp(`^${level}( –|$)`);
  await box.locator("label").filter({ has: card.page().getByRole("radio", { name }) }).click();
  await expect(box.getByRole("radio", { name })).toBeChecked();
}

/** A choice button of a named field (the § 2b answers, Aufwand). */
function choice(card: Locator, field: string, word: string): Locator {
  return card.locator(`.named-field[data-field="${field}"]`).getByRole("button", { name: word, exact: true });
}

function row(table: Locator, header: string | RegExp): Locator {
  return table.locator("tbody tr").filter({ has: table.page().getByRole("rowheader", { name: header }) });
}

function markdownText(md: string): string {
  return md.replace(/\\([\\`*_{}\[\]<>#|~.!+()-])/g, "$1");
}

test("two Kommunen work through the five remaining seed methods; figures after the reveal; exports carry them", async ({
  page,
  browser,
}, testInfo) => {
  test.setTimeout(600_000);
  const work = testInfo.outputPath("files");
  mkdirSync(work, { recursive: true });
  const { code } = await createSession(page);
  await addGroup(page, "Gruppe Süd");

  await test.step("the moderator switches the five methods on", async () => {
    const methods = page.getByRole("group", { name: "Methoden dieser Sitzung" });
    for (const method of [WANDEL, BMC, USTG, SCRUM, BARCAMP]) {
      const box = methods.getByRole("checkbox", { name: method, exact: true });
      await expect(box).not.toBeChecked();
      await box.check();
      await expect(page.getByRole("status").filter({ hasText: "Gespeichert." })).toBeVisible();
      await expect(box).toBeChecked();
    }
  });

  const people = [
    await joinAs(browser, code, "Anna Becker", "Musterstadt", "Gruppe Süd"),
    await joinAs(browser, code, "Clara Schäfer", "Beispielhausen", "Gruppe Süd"),
  ];
  const [anna, clara] = people.map((p) => p.page);
  const everyone = [anna, clara];

  await test.step("Veränderung: levels rated blind, forces, a support need", async () => {
    for (const p of everyone) await tab(p, WANDEL);
    const politik = (p: Page) => item(p, "ebenen", "Politik & Gremien");
    await rate(politik(anna), 2);
    await rate(politik(clara), 4);
    await write(politik(anna), "Unterstützungsbedarf", SUPPORT);
    await addCard(anna, "treibend", FORCE_UP);
    await addCard(clara, "hemmend", FORCE_DOWN);
    await rate(cards(anna, "treibend").first(), 5);
    await rate(cards(clara, "treibend").first(), 4);
    await rate(cards(anna, "hemmend").first(), 3);
    // Blind: the heat map waits for the reveal.
    await expect(anna.getByTestId("heat-map")).toHaveCount(0);
    await expect(anna.getByTestId("figures-hidden").first()).toBeVisible();
    await expect(clara.getByTestId("support-needs").locator("li")).toHaveText([`Politik & Gremien: ${SUPPORT}`]);
    // A force moves by keyboard from one side to the other, and back.
    const force = cards(anna, "treibend").first();
    await expect(force.getByLabel("Karte verschieben nach")).toHaveValue("hemmend");
    expect.soft(await accessibilityViolations(anna), "accessibility of the Veränderung board").toEqual([]);
  });

  await test.step("BMC: the nine boxes in the classic layout", async () => {
    for (const p of everyone) await tab(p, BMC);
    await expect(anna.locator(".board-bmc.grid > .board-section")).toHaveCount(9);
    await addCard(clara, "wertangebot", VALUE);
    await expect(cards(anna, "wertangebot").locator("textarea").first()).toHaveValue(VALUE);
  });

  await test.step("§ 2b: answers by buttons, the hint labelled Vorprüfung, source and Stand", async () => {
    for (const p of everyone) await tab(p, USTG);
    await addCard(anna, "faelle", CASE);
    const c = (p: Page) => cards(p, "faelle").first();
    await choice(c(anna), "ust_q1", "ja").click();
    await choice(c(clara), "ust_q3", "ja").click();
    await write(c(anna), "Entgelt/Kostenerstattung (€/Jahr)", "12.000");
    await expect(choice(c(clara), "ust_q1", "ja")).toHaveAttribute("aria-pressed", "true");
    for (const p of everyone) {
      const table = p.getByTestId("case-hints");
      await expect(row(table, CASE)).toContainText("Nichtsteuerbarkeit nach § 2b möglich – bestätigen lassen");
      await expect(row(table, CASE)).toContainText("Vorprüfung, keine Steuerberatung");
      await expect(p.getByTestId("ust-source")).toHaveText(
        "Vorprüfung, keine Steuerberatung. Schwelle 17.500 € (§ 2b Abs. 2 Nr. 1 UStG), Stand 01.12.2026.",
      );
    }
    expect.soft(await accessibilityViolations(clara), "accessibility of the § 2b board").toEqual([]);
  });

  await test.step("Scrum: stories with effort buttons, one moved by keyboard, sums per column", async () => {
    for (const p of everyone) await tab(p, SCRUM);
    await addCard(anna, "backlog", STORY_1);
    await addCard(clara, "backlog", STORY_2);
    await choice(cards(anna, "backlog").nth(0), "aufwand", "5").click();
    await choice(cards(clara, "backlog").nth(1), "aufwand", "8").click();
    // The existing mover: a select and a button, operable by keyboard.
    const story = cards(clara, "backlog").nth(1);
    await story.getByLabel("Karte verschieben nach").selectOption({ label: "Sprint-Backlog" });
    await story.getByRole("button", { name: "Verschieben" }).focus();
    await clara.keyboard.press("Enter");
    for (const p of everyone) {
      const sums = p.getByTestId("effort-sums");
      await expect(row(sums, "Product Backlog").locator("td")).toHaveText(["1", "5", "0"]);
      await expect(row(sums, "Sprint-Backlog").locator("td")).toHaveText(["1", "8", "0"]);
    }
    const relevanz = (p: Page) => item(p, "relevanz", "Wie gut passt Scrum zu meinem Tätigkeitsfeld?");
    await rate(relevanz(anna), 4);
    await rate(relevanz(clara), 2);
  });

  await test.step("BarCamp: a planned session, Suche and Biete of two Kommunen", async () => {
    for (const p of everyone) await tab(p, BARCAMP);
    await addCard(anna, "vorschlaege", SESSION);
    // Zeitfenster and Raum are the moderator's: read-only on the board,
    // assigned in the cockpit's Sessionplan (saved on change).
    const own = cards(anna, "vorschlaege").first();
    await expect(own.locator('.named-field[data-field="raum"] output')).toBeVisible();
    await expect(own.getByRole("textbox", { name: "Raum", exact: true })).toHaveCount(0);
    const proposal = page.getByTestId("session-plan-editor").locator("li").filter({ hasText: SESSION });
    await write(proposal, "Zeitfenster", "10:00");
    await write(proposal, "Raum", "Raum A");
    await expect(own.locator('.named-field[data-field="raum"] output')).toHaveText("Raum A");
    await addCard(anna, "suche", SUCHE);
    await addCard(clara, "biete", BIETE);
    for (const p of everyone) {
      const plan = p.getByTestId("session-plan");
      await expect(plan.locator("thead th")).toHaveText(["Zeitfenster", "Raum A"]);
      await expect(row(plan, "10:00").locator("td")).toHaveText([SESSION]);
      await expect(p.getByTestId("matches").locator("li")).toContainText(["möglicher Partner"]);
      await expect(p.getByTestId("matches").locator("li").first()).toContainText("Musterstadt");
      await expect(p.getByTestId("matches").locator("li").first()).toContainText("Beispielhausen");
    }
  });

  await test.step("after the reveal: heat map, force field, Relevanzcheck", async () => {
    for (const p of everyone) await expect(p.locator(".sync-badge")).toContainText("synchronisiert");
    await page.getByRole("button", { name: "Bewertungen aufdecken" }).click();
    await expect(page.getByTestId("reveal-state")).toContainText("aufgedeckt");
    for (const p of everyone) await tab(p, WANDEL);
    for (const p of everyone) {
      // Politik 2 and 4: one each in columns 2 and 4, mean 3,0.
      const heat = p.getByTestId("heat-map");
      await expect(row(heat, "Politik & Gremien").locator("td").nth(1)).toHaveText("1");
      await expect(row(heat, "Politik & Gremien").locator("td").nth(3)).toHaveText("1");
      await expect(row(heat, "Politik & Gremien").locator("td").nth(5)).toContainText("3,0");
      // 4,5 (5 and 4) against 3,0: balance 1,5.
      await expect(p.getByTestId("force-balance")).toHaveText(
        "Treibend 4,5 − hemmend 3,0 = Bilanz 1,5 (nicht bewertete Kräfte: 0)",
      );
      await expect(p.getByRole("img", { name: "Kraftfeld" })).toBeVisible();
    }
    for (const p of everyone) await tab(p, SCRUM);
    await expect(row(anna.getByTestId("relevance"), /Scrum/).locator("td")).toContainText("3,0");
  });

  await test.step("Markdown and JSON exports carry the five, the JSON imports again", async () => {
    const exports = page.locator("section.exports");
    const files: Record<string, string> = {};
    for (const [label, ext] of [
      ["Markdown", "md"],
      ["JSON", "json"],
    ]) {
      const button = exports.getByRole("button", { name: `${label} herunterladen: Gesamte Sitzung` });
      const [download]: [Download, void] = await Promise.all([page.waitForEvent("download"), button.click()]);
      files[ext] = join(work, `sitzung.${ext}`);
      await download.saveAs(files[ext]);
    }
    const md = markdownText(readFileSync(files.md, "utf8"));
    for (const needle of [
      "| Politik & Gremien | 0 | 1 | 0 | 1 | 0 | 3,0 | 3,0 | 2 | 0 |",
      `- Politik & Gremien: ${SUPPORT}`,
      "Treibend 4,5 − hemmend 3,0 = Bilanz 1,5 (nicht bewertete Kräfte: 0)",
      VALUE,
      `| ${CASE} | ja | – | ja |`,
      "Vorprüfung, keine Steuerberatung. Schwelle 17.500 € (§ 2b Abs. 2 Nr. 1 UStG), Stand 01.12.2026.",
      "| Product Backlog | 1 | 5 | 0 |",
      "| Sprint-Backlog | 1 | 8 | 0 |",
      `| 10:00 | ${SESSION} (0 Punkte) |`,
      "möglicher Partner: Suche",
    ]) {
      expect.soft(md.includes(needle), `Markdown contains „${needle}“`).toBe(true);
    }
    const json = JSON.parse(readFileSync(files.json, "utf8"));
    expect(json.version).toBe(2);
    for (const person of people) await person.context.close();
    await open(page, "/");
    await page.getByLabel("Sitzungsdatei (JSON) auswählen").setInputFiles(files.json);
    await page.getByRole("button", { name: "Importieren" }).click();
    await expect(page).toHaveURL(/\/moderation(#[0-9a-f]{64})?$/);
    await hydrated(page);
    const methods = page.getByRole("group", { name: "Methoden dieser Sitzung" });
    for (const method of [WANDEL, BMC, USTG, SCRUM, BARCAMP]) {
      await expect(methods.getByRole("checkbox", { name: method, exact: true })).toBeChecked();
    }
  });
});
