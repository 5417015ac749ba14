import { test, expect, Download, Locator, Page } from "./fixtures";
import { mkdirSync, readFileSync } from "node:fs";
import {
  accessibilityViolations,
  addCard,
  addGroup,
  cards,
  createSession,
  hydrated,
  item,
  joinAs,
  open,
  rate,
  row,
  tab,
  write,
} from "./helpers";
import { downloadAll, expectAll, keep, markdownText, officeText, pdfText, spreadsheetText } from "./readers";

// Issue #20: the five remaining seed methods of methods.md (5-9) switched on
// by the moderator, filled in by two participants of two Kommunen, the
// rated figures after the reveal, and every export read back by an
// independent reader (pdftotext, LibreOffice). Values are computed by hand
// next to each expectation.

const WANDEL = "Veränderung & Widerstände";
const BMC = "Business Model Canvas";
const USTG = "Umsatzsteuer-Check (§ 2b UStG)";
const SCRUM = "Scrum-Board";
const BARCAMP = "BarCamp-Planung & Kooperationsbörse";
const CANVAS = "IKZ-Projekt-Canvas";
const SWOT = "SWOT-Analyse";

const FORCE_UP = "Fachkräftemangel zwingt zur Zusammenarbeit";
const FORCE_DOWN = "Angst vor Kompetenzverlust";
const SUPPORT = "Klausur mit dem Gemeinderat";
const VALUE = "Ein Bürgerbüro für drei Gemeinden";
const STRENGTH = "Erfahrenes Bürgerbüro in Musterstadt";
const CASE = "Bauhof mäht für die Nachbargemeinde";
const STORY_1 = "Online-Terminbuchung";
const STORY_2 = "Formular-Assistent";
const SESSION = "Digitale Friedhofsverwaltung";
const SUCHE = "Erfahrungen mit Friedhofsverwaltung gesucht";
const BIETE = "Friedhofsverwaltung digital seit 2024";

/** A choice button of a named field (the § 2b answers, Aufwand). */
function choice(card: Locator, field: string, word: string): Locator {
  return card.locator(`.named-field[data-field="${field}"]`).getByRole("button", { name: word, exact: true });
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

  await test.step("BMC: the nine boxes, a card from the canvas, a reference to a SWOT card", async () => {
    // The canvas's Lösungsidee goes to the Wertangebot, linked both ways.
    await tab(anna, CANVAS);
    await addCard(anna, "loesung", VALUE);
    const solution = cards(anna, "loesung").first();
    await solution.getByRole("button", { name: `In ${BMC}: Wertangebot (Nutzenversprechen) übernehmen` }).click();
    await expect(solution.getByRole("status").filter({ hasText: "Übernommen." })).toBeVisible();
    // A strength the BMC card will refer to.
    await tab(anna, SWOT);
    await addCard(anna, "staerken", STRENGTH);
    for (const p of everyone) await tab(p, BMC);
    await expect(anna.locator(".board-bmc.grid > .board-section")).toHaveCount(9);
    const value = (p: Page) => cards(p, "wertangebot").first();
    await expect(value(clara).locator("textarea").first()).toHaveValue(VALUE);
    await expect(value(clara).getByText(/^Übernommen aus:/)).toHaveText(
      `Übernommen aus: ${CANVAS}: Lösungsidee & Leistung: ${VALUE}`,
    );
    // The reference: picked by a labelled select, shown as "S" to both, named in full.
    await value(anna).getByLabel("Bezug auf eine SWOT-Karte").selectOption({ label: `S – Bezug: Stärken „${STRENGTH}“` });
    await value(anna).getByRole("button", { name: "Bezug hinzufügen" }).click();
    for (const p of everyone) {
      await expect(value(p).locator(".ref-badge")).toHaveText(["S"]);
      await expect(value(p).getByRole("button", { name: `Bezug entfernen – Bezug: Stärken „${STRENGTH}“` })).toBeVisible();
    }
    expect.soft(await accessibilityViolations(clara), "accessibility of the BMC board").toEqual([]);
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

  let files: Record<string, string> = {};
  await test.step("download every export of the session", async () => {
    files = await downloadAll(page, work, "IKZ-Workshop-Digitalisierung_2026-11-25");
  });

  await test.step("PDF (pdftotext), DOCX and ODT (LibreOffice), Markdown: every method's figures", async () => {
    const inDocuments = [
      // Veränderung: heat map row (counts 1-5, mean, median, n, weiß nicht), support need, balance
      "| Politik & Gremien | 0 | 1 | 0 | 1 | 0 | 3,0 | 3,0 | 2 | 0 |",
      `Politik & Gremien: ${SUPPORT}`,
      "Treibend 4,5 − hemmend 3,0 = Bilanz 1,5 (nicht bewertete Kräfte: 0)",
      FORCE_UP,
      FORCE_DOWN,
      // BMC: the carried card and its reference to the strength
      VALUE,
      `SWOT: S`,
      // § 2b: the case's answers and hint, the source line
      `| ${CASE} | ja | – | ja |`,
      "Nichtsteuerbarkeit nach § 2b möglich – bestätigen lassen",
      "Vorprüfung, keine Steuerberatung. Schwelle 17.500 € (§ 2b Abs. 2 Nr. 1 UStG), Stand 01.12.2026.",
      // Scrum: effort per column (cards, points, done), the Relevanzcheck mean
      "| Product Backlog | 1 | 5 | 0 |",
      "| Sprint-Backlog | 1 | 8 | 0 |",
      STORY_1,
      STORY_2,
      // BarCamp: the plan, the pair
      `| 10:00 | ${SESSION} (0 Punkte) |`,
      "möglicher Partner: Suche",
      SUCHE,
      BIETE,
    ];
    const texts: Record<string, string> = {
      pdf: pdfText(files.pdf),
      docx: officeText(files.docx, work),
      odt: officeText(files.odt, work),
      md: markdownText(readFileSync(files.md, "utf8")),
    };
    for (const ext of ["pdf", "docx", "odt", "md"]) {
      await keep(testInfo, `export-${ext}.txt`, texts[ext]);
      expectAll(texts[ext], ext.toUpperCase(), inDocuments);
    }
  });

  await test.step("XLSX (LibreOffice, every sheet), CSV and JSON: every method's cards", async () => {
    const texts: Record<string, string> = {
      xlsx: spreadsheetText(files.xlsx, work),
      csv: readFileSync(files.csv, "utf8"),
      json: readFileSync(files.json, "utf8"),
    };
    for (const ext of ["xlsx", "csv", "json"]) {
      await keep(testInfo, `export-${ext}.txt`, texts[ext]);
      expectAll(texts[ext], ext.toUpperCase(), [FORCE_UP, FORCE_DOWN, VALUE, CASE, STORY_1, STORY_2, SESSION, SUCHE, BIETE]);
    }
    // The sheets name a story's effort and the planned slot as the card's fields.
    expectAll(texts.xlsx, "XLSX", ["Aufwand: 5", "Zeitfenster: 10:00", "Raum: Raum A"]);
    expect(JSON.parse(texts.json).version).toBe(3);
  });

  await test.step("the session file imports as a new session with the five methods", async () => {
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
    const button = page.locator("section.exports").getByRole("button", { name: "Markdown herunterladen: Gesamte Sitzung" });
    const [download]: [Download, void] = await Promise.all([page.waitForEvent("download"), button.click()]);
    const md = markdownText(readFileSync((await download.path())!, "utf8"));
    expect.soft(md, "the imported session's Markdown equals the original's").toBe(
      markdownText(readFileSync(files.md, "utf8")),
    );
  });
});
