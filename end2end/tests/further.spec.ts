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
  section,
  tab,
  write,
} from "./helpers";
import { downloadAll, expectAll, keep, markdownText, objects, officeText, pdfText, spreadsheetText } from "./readers";

// Issue #18: three participants from two Kommunen through the four further
// methods of methods.md (1-4), one carry-over into the canvas, and every
// export read back by an independent reader.

const ZIELE = "Zielabgleich & bestehende Zusammenarbeit";
const PROZESS = "Prozess-Teilschritte aus Bürgersicht";
const FAKTOREN = "Erfolgsfaktoren-Check";
const PHASEN = "Phasen-Check: Anbahnung – Umsetzung – Konsolidierung";
const CANVAS = "IKZ-Projekt-Canvas";

// What the group writes; each is looked for in every export.
const GOAL = "Bürgerbüro gemeinsam betreiben";
const GOAL_2 = "Einheitliche Gebührensatzung";
const PROBLEM = "Fachkräftemangel in kleinen Verwaltungen";
const PROCESS = "Anmeldung eines Wohnsitzes";
const PERSONA = "Berufstätige Mutter mit wenig Zeit";
const STEPS = ["Termin online suchen", "Unterlagen zusammenstellen", "Vorsprache im Bürgerbüro"];
const PAIN = "Keine freien Termine in den nächsten Wochen";
const PAIN_3 = "Lange Wartezeit vor Ort";
const IDEA = "Gemeinsamer Terminpool der Kommunen";
const FACTOR = "Politische Unterstützung";
const FACTOR_NOTE = "Bürgermeister dafür, Räte zögern";
const MEASURE = "Gemeinderäte früh einbinden";
const TRUST = "Offener Austausch auf Augenhöhe";
const COSTS = "Verbindliche Vereinbarungen zur Kostenaufteilung";
const PHASE_ITEM = "Resiliente Rechts- und Organisationsform";
const PHASE_ITEM_2 = "Prozesse dokumentieren und standardisieren";
const PHASE_NOTE = "Zweckverband oder öffentlich-rechtliche Vereinbarung";
const WER = "Hauptamt Beispielhausen";
const WER_2 = "IT-Verbund Musterstadt";
const ANBAHNUNG = [
  "Allianz der Willigen identifizieren, gemeinsame Zielsetzung ausformulieren",
  "Aufgaben- und Strukturanalyse vertrauensvoll angehen",
  "Interessenlagen immer wieder abfragen, Ziele verifizieren, Mitarbeitende einbinden",
];

/** The fixed items of the Erfolgsfaktoren-Check, per column (methods.md §3). */
const FACTOR_COLUMNS: [string, string[]][] = [
  [
    "unterstuetzung",
    [
      "Gestaltungswille der Bürgermeisterinnen und Bürgermeister",
      "Überzeugungskraft der Führungskräfte",
      "Politische Unterstützung",
      "Wünschenswert: interföderale Unterstützung (Land, Bund)",
    ],
  ],
  [
    "beteiligung",
    [
      "Frühzeitige Einbindung von Mitarbeitenden, Gemeinderäten usw.",
      "Abbau von Ängsten, z. B. vor Kompetenzabgabe",
      "Aufzeigen von Vorteilen",
      "Aufzeigen von Mitgestaltungsoptionen",
    ],
  ],
  [
    "vertrauen",
    ["Offener Austausch auf Augenhöhe", "Kompromissbereitschaft", "Wachsende Herausforderungen gemeinsam angehen", "Stärken stärken"],
  ],
  [
    "rollen",
    [
      "Eindeutige Abgrenzung der Entscheidungskompetenzen",
      "Verbindliche Vereinbarungen zur Kostenaufteilung",
      "Zeit für Rollen- und Aufgabenschärfung",
      "Proaktiver Umgang mit Rollenkonflikten",
    ],
  ],
  [
    "evaluation",
    [
      "Gewünschte Effizienzsteigerung",
      "Servicequalität und Leistungsniveau",
      "Messbarer, effektiverer Ressourceneinsatz",
      "Erhöhung der Resilienz",
    ],
  ],
];

/** The texts of a section's own cards, in order (the live text of each card). */
async function expectCards(p: Page, sectionId: string, texts: string[]) {
  const boxes = section(p, sectionId).locator("li.card > textarea");
  await expect(boxes).toHaveCount(texts.length);
  for (const [i, text] of texts.entries()) await expect(boxes.nth(i)).toHaveValue(text);
}

test("three participants from two Kommunen work through the four further methods, carry a goal into the canvas, and every export carries each method", async ({
  page,
  browser,
}, testInfo) => {
  test.setTimeout(600_000);
  // The downloads and the readers' output, in the test's output folder (test-results/…).
  const work = testInfo.outputPath("files");
  mkdirSync(work, { recursive: true });
  const { code } = await createSession(page);
  await addGroup(page, "Gruppe Nord");

  // --- The moderator switches the four methods on (off in a new session) ---
  await test.step("the moderator switches the four further methods on", async () => {
    // Dots for the top pain points (the cockpit shows no confirmation; the
    // reload below comes after four more round trips).
    await page.getByLabel("Punkte je Person und Tafel (0 = aus)").fill("3");
    await page.getByRole("button", { name: "Punkte speichern" }).click();
    const methods = page.getByRole("group", { name: "Methoden dieser Sitzung" });
    for (const on of [CANVAS, "SWOT-Analyse", "KI-Projektbewertung"]) {
      await expect(methods.getByRole("checkbox", { name: on, exact: true })).toBeChecked();
    }
    const further = [ZIELE, PROZESS, FAKTOREN, PHASEN];
    for (const method of further) {
      await expect(methods.getByRole("checkbox", { name: method, exact: true })).not.toBeChecked();
    }
    // All four clicked in one go, each before the server confirmed any:
    // every click switches its own method, none undoes another.
    const clicked = await methods.getByRole("checkbox").evaluateAll((boxes, names) => {
      const hits = boxes.filter((b) => names.includes((b.closest("label")?.textContent ?? "").trim()));
      for (const b of hits) (b as HTMLInputElement).click();
      return hits.length;
    }, further);
    expect(clicked).toBe(4);
    await expect(page.getByRole("status").filter({ hasText: "Gespeichert." })).toBeVisible();
    for (const method of further) {
      await expect(methods.getByRole("checkbox", { name: method, exact: true })).toBeChecked();
    }
    // Stored: still on after a reload.
    await page.reload();
    await hydrated(page);
    for (const method of [ZIELE, PROZESS, FAKTOREN, PHASEN]) {
      await expect(methods.getByRole("checkbox", { name: method, exact: true })).toBeChecked();
    }
    await expect(page.getByLabel("Punkte je Person und Tafel (0 = aus)")).toHaveValue("3");
  });

  // Two from Musterstadt, one from Beispielhausen, in one group.
  const people = [
    await joinAs(browser, code, "Anna Becker", "Musterstadt", "Gruppe Nord"),
    await joinAs(browser, code, "Ben Yilmaz", "Musterstadt", "Gruppe Nord"),
    await joinAs(browser, code, "Clara Schäfer", "Beispielhausen", "Gruppe Nord"),
  ];
  const [anna, ben, clara] = people.map((p) => p.page);
  const everyone = [anna, ben, clara];
  for (const p of everyone) {
    const tabs = p.getByRole("navigation", { name: "Methoden" }).getByRole("button");
    await expect(tabs).toHaveText([ZIELE, PROZESS, CANVAS, "SWOT-Analyse", "KI-Projektbewertung", FAKTOREN, PHASEN]);
  }

  // --- 1. Zielabgleich ---------------------------------------------------------
  await test.step("Zielabgleich: goals, stances per Kommune, Zielmatrix and Allianz der Willigen", async () => {
    for (const p of everyone) await tab(p, ZIELE);
    await expect(anna.getByText("„Dialog auf Augenhöhe“")).toBeVisible();
    await addCard(ben, "problemlagen", PROBLEM);
    await addCard(anna, "gemeinsame_ziele", GOAL);
    await addCard(clara, "abweichende_ziele", GOAL_2);
    for (const p of everyone) {
      await expectCards(p, "gemeinsame_ziele", [GOAL]);
      await expectCards(p, "abweichende_ziele", [GOAL_2]);
      await expectCards(p, "problemlagen", [PROBLEM]);
    }
    // Every card names its author's Kommune (E6).
    await expect(cards(clara, "problemlagen").first()).toContainText("von Ben Yilmaz (Musterstadt)");

    const goal = (p: Page) => cards(p, "gemeinsame_ziele").first();
    const goal2 = (p: Page) => cards(p, "abweichende_ziele").first();
    // Each person marks for their own Kommune only.
    await expect(goal(anna).getByRole("group", { name: "Haltung von Musterstadt" })).toBeVisible();
    await expect(goal(clara).getByRole("group", { name: "Haltung von Beispielhausen" })).toBeVisible();
    await goal(anna).getByRole("button", { name: "stimmt zu", exact: true }).click();
    // Ben is from Musterstadt too: Anna's ✓ is his Kommune's.
    await expect(goal(ben).getByRole("button", { name: "stimmt zu", exact: true })).toHaveAttribute("aria-pressed", "true");
    await goal(clara).getByRole("button", { name: "stimmt zu", exact: true }).click();
    await goal(anna).getByRole("checkbox", { name: "Kernziel" }).check();
    // Goal 2: Beispielhausen first ✗, then changes to ~; Musterstadt ✗.
    await goal2(clara).getByRole("button", { name: "stimmt nicht zu", exact: true }).click();
    await expect(goal2(clara).getByRole("button", { name: "stimmt nicht zu", exact: true })).toHaveAttribute("aria-pressed", "true");
    await goal2(clara).getByRole("button", { name: "teilweise", exact: true }).click();
    await expect(goal2(clara).getByRole("button", { name: "teilweise", exact: true })).toHaveAttribute("aria-pressed", "true");
    await expect(goal2(clara).getByRole("button", { name: "stimmt nicht zu", exact: true })).toHaveAttribute("aria-pressed", "false");
    await goal2(ben).getByRole("button", { name: "stimmt nicht zu", exact: true }).click();

    for (const p of everyone) {
      await expect(goal(p).getByRole("checkbox", { name: "Kernziel" })).toBeChecked();
      await expect(goal(p).getByTestId("stances")).toContainText("Musterstadt ✓");
      await expect(goal(p).getByTestId("stances")).toContainText("Beispielhausen ✓");
      const matrix = p.getByTestId("zielmatrix");
      await expect(matrix.locator("thead th")).toHaveText(["Ziel", "Beispielhausen", "Musterstadt", "Zustimmung"]);
      await expect(matrix.locator("tbody tr")).toHaveCount(2);
      await expect(row(matrix, new RegExp(GOAL)).locator("th")).toContainText("Kernziel");
      await expect(row(matrix, new RegExp(GOAL)).locator("td")).toHaveText(["✓", "✓", "100 %"]);
      await expect(row(matrix, new RegExp(GOAL_2)).locator("td")).toHaveText(["~", "✗", "0 %"]);
      await expect(p.getByTestId("alliance")).toHaveText("Allianz der Willigen: Beispielhausen, Musterstadt");
    }
    expect.soft(await accessibilityViolations(anna), "accessibility of the Zielabgleich board").toEqual([]);
  });

  // --- Carry-over into the canvas ------------------------------------------------
  await test.step("carry the agreed goal into the canvas, linked both ways", async () => {
    const goal = cards(anna, "gemeinsame_ziele").first();
    await goal.getByRole("button", { name: `In ${CANVAS}: Gemeinsames Ziel übernehmen` }).click();
    await expect(goal.getByRole("status").filter({ hasText: "Übernommen." })).toBeVisible();
    for (const p of everyone) {
      await expect(cards(p, "gemeinsame_ziele").first().getByText(/^Übernommen in:/)).toHaveText(
        `Übernommen in: ${CANVAS}: Gemeinsames Ziel: ${GOAL}`,
      );
    }
    await tab(ben, CANVAS);
    await expectCards(ben, "ziel", [GOAL]);
    await expect(cards(ben, "ziel").first()).toContainText("von Anna Becker (Musterstadt)");
    await expect(cards(ben, "ziel").first().getByText(/^Übernommen aus:/)).toHaveText(`Übernommen aus: ${ZIELE}: Gemeinsame (Teil-)Ziele: ${GOAL}`);
    await tab(ben, ZIELE);
  });

  // --- 2. Prozess-Teilschritte --------------------------------------------------
  await test.step("Prozess-Teilschritte: steps with fields, Erleben ratings, dots on pain points", async () => {
    for (const p of everyone) await tab(p, PROZESS);
    const subject = anna.getByLabel("Betrachteter Verwaltungsprozess");
    await subject.fill(PROCESS);
    await subject.blur();
    await expect(clara.getByLabel("Betrachteter Verwaltungsprozess")).toHaveValue(PROCESS);
    await addCard(ben, "persona", PERSONA);
    // Steps in order: Anna two, then Clara the third.
    await addCard(anna, "schritte", STEPS[0]);
    await addCard(anna, "schritte", STEPS[1]);
    await expectCards(clara, "schritte", STEPS.slice(0, 2));
    await addCard(clara, "schritte", STEPS[2]);
    for (const p of everyone) await expectCards(p, "schritte", STEPS);

    const step = (p: Page, i: number) => cards(p, "schritte").nth(i);
    // Named fields of a step (E1), live for the group.
    await write(step(anna, 0), "Schmerzpunkte", PAIN);
    await write(step(anna, 0), "Ideen", IDEA);
    await write(step(clara, 2), "Schmerzpunkte", PAIN_3);
    await expect(step(ben, 0).getByLabel("Schmerzpunkte", { exact: true })).toHaveValue(PAIN);
    await expect(step(ben, 0).getByLabel("Ideen", { exact: true })).toHaveValue(IDEA);
    await expect(step(anna, 2).getByLabel("Schmerzpunkte", { exact: true })).toHaveValue(PAIN_3);

    // Erleben per step: 1 sehr frustrierend … 5 reibungslos.
    const levels: [Page, number[]][] = [
      [anna, [1, 4, 2]],
      [ben, [2, 4, 3]],
      [clara, [1, 5, 0]],
    ];
    for (const [p, values] of levels) {
      for (const [i, v] of values.entries()) await rate(step(p, i), v);
    }
    // Dots: Anna 2 on step 1, Ben 1 on step 3.
    const give = (p: Page, i: number) => step(p, i).getByRole("button", { name: /Punkt geben/ });
    await give(anna, 0).click();
    await expect(give(anna, 0)).toHaveAccessibleName("Punkt geben (2 übrig)");
    await give(anna, 0).click();
    await expect(give(anna, 0)).toHaveAccessibleName("Punkt geben (1 übrig)");
    await give(ben, 2).click();
    await expect(give(ben, 2)).toHaveAccessibleName("Punkt geben (2 übrig)");
    // The curve and the pain points wait for the reveal (ratings and dots are blind).
    await expect(anna.getByTestId("figures-hidden")).toBeVisible();
    await expect(anna.getByRole("img", { name: "Erleben" })).toHaveCount(0);
    await expect(anna.getByTestId("pain-points")).toHaveCount(0);
    expect.soft(await accessibilityViolations(clara), "accessibility of the Prozess-Teilschritte board").toEqual([]);
  });

  // --- 3. Erfolgsfaktoren-Check --------------------------------------------------
  await test.step("Erfolgsfaktoren-Check: fixed items, blind ratings, a measure", async () => {
    for (const p of everyone) await tab(p, FAKTOREN);
    await expect(anna.getByText("IKZ wirkt langfristig, wenn neben Standardisierung, verbindlicher Steuerung und messbaren Zielen auch „weiche“ Faktoren beachtet werden.")).toBeVisible();
    for (const [id, labels] of FACTOR_COLUMNS) {
      await expect(section(anna, id).getByRole("heading", { level: 4 })).toHaveText(labels);
      // Closed columns: no own cards, and a fixed item cannot be deleted.
      await expect(section(anna, id).getByRole("button", { name: "Karte hinzufügen" })).toHaveCount(0);
      await expect(section(anna, id).getByRole("button", { name: "Karte löschen" })).toHaveCount(0);
    }
    const factor = (p: Page) => item(p, "unterstuetzung", FACTOR);
    const trust = (p: Page) => item(p, "vertrauen", TRUST);
    const costs = (p: Page) => item(p, "rollen", COSTS);
    await write(factor(ben), "Notiz", FACTOR_NOTE);
    await write(factor(clara), "Maßnahmen", MEASURE);
    await expect(factor(anna).getByLabel("Notiz", { exact: true })).toHaveValue(FACTOR_NOTE);
    await expect(factor(anna).getByLabel("Maßnahmen", { exact: true })).toHaveValue(MEASURE);

    await expect(factor(anna).getByTestId("criterion-question")).toHaveText("Wie gut ist dieser Faktor heute erfüllt?");
    const ratings: [Page, [number, number, number]][] = [
      [anna, [2, 5, 5]],
      [ben, [2, 4, 4]],
      [clara, [3, 4, 1]],
    ];
    for (const [p, [f, t, c]] of ratings) {
      await rate(factor(p), f);
      await rate(trust(p), t);
      await rate(costs(p), c);
    }
    // Anchors as methods.md words them.
    await expect(factor(anna).getByRole("radio", { name: "4 – weitgehend" })).toBeVisible();
    await expect(factor(anna).getByRole("radio", { name: "5 – voll erfüllt und gelebt" })).toBeVisible();
    // Blind until revealed: nobody sees the group's means (Unterstützung 2,3,
    // Vertrauen 4,3, Rollen 3,3) or the others' answers.
    // The figures wait for the reveal (before it a board holds one's own
    // ratings only, whose "mean" would be one's own rating).
    for (const p of everyone) {
      await expect(p.getByTestId("figures-hidden").first()).toBeVisible();
      await expect(p.getByTestId("radar-table")).toHaveCount(0);
      await expect(p.getByTestId("needs-action")).toHaveCount(0);
    }
    await expect(factor(clara).getByRole("radio", { name: /^2 – / })).not.toBeChecked();
    expect.soft(await accessibilityViolations(ben), "accessibility of the Erfolgsfaktoren board").toEqual([]);
  });

  // --- 4. Phasen-Check -------------------------------------------------------
  await test.step("Phasen-Check: status, Wer, Bis wann (one overdue), current phase, progress", async () => {
    for (const p of everyone) await tab(p, PHASEN);
    await expect(section(anna, "anbahnung").getByRole("heading", { level: 4 })).toHaveCount(7);
    await expect(section(anna, "umsetzung").getByRole("heading", { level: 4 })).toHaveCount(5);
    await expect(section(anna, "konsolidierung").getByRole("heading", { level: 4 })).toHaveCount(7);
    await item(anna, "anbahnung", ANBAHNUNG[0]).getByLabel("Status").selectOption({ label: "erledigt" });
    await item(ben, "anbahnung", ANBAHNUNG[1]).getByLabel("Status").selectOption({ label: "erledigt" });
    await item(ben, "anbahnung", ANBAHNUNG[2]).getByLabel("Status").selectOption({ label: "entfällt" });

    const legal = (p: Page) => item(p, "umsetzung", PHASE_ITEM);
    await legal(clara).getByLabel("Status").selectOption({ label: "begonnen" });
    await write(legal(clara), "Wer", WER);
    await legal(clara).getByLabel("Bis wann").fill("2026-01-15");
    await write(legal(clara), "Notiz", PHASE_NOTE);
    const docs = item(anna, "umsetzung", PHASE_ITEM_2);
    await write(docs, "Wer", WER_2);
    await docs.getByLabel("Bis wann").fill("2027-03-31");
    await section(anna, "umsetzung").getByRole("button", { name: "Aktuelle Phase" }).click();

    for (const p of everyone) {
      await expect(item(p, "anbahnung", ANBAHNUNG[0]).getByLabel("Status")).toHaveValue("erledigt");
      await expect(legal(p).getByLabel("Status")).toHaveValue("begonnen");
      await expect(legal(p).getByLabel("Wer", { exact: true })).toHaveValue(WER);
      await expect(legal(p).getByLabel("Bis wann")).toHaveValue("2026-01-15");
      await expect(section(p, "umsetzung").getByRole("button", { name: "Aktuelle Phase" })).toHaveAttribute("aria-pressed", "true");
      const progress = p.getByTestId("phase-progress");
      // erledigt ÷ (items − entfällt): Anbahnung 2 of 6.
      await expect(row(progress, /^Anbahnung/).locator("td")).toHaveText(["2 / 6", "33 %", "rot"]);
      await expect(row(progress, /^Umsetzung/).locator("th")).toHaveText("Umsetzung · Aktuelle Phase");
      await expect(row(progress, /^Umsetzung/).locator("td")).toHaveText(["0 / 5", "0 %", "rot"]);
      await expect(row(progress, /^Konsolidierung/).locator("td")).toHaveText(["0 / 7", "0 %", "rot"]);
      // Umsetzung started while Anbahnung is below 50 %: the seed's rule.
      await expect(p.getByText("Anbahnung erst zu 33 % erledigt")).toBeVisible();
      await expect(p.getByTestId("overdue").locator("li")).toHaveText([`${PHASE_ITEM} – 15.01.2026`]);
    }
    expect.soft(await accessibilityViolations(anna), "accessibility of the Phasen-Check board").toEqual([]);
  });

  // --- Reveal: the rated figures for everyone -------------------------------
  await test.step("after the reveal: Erleben curve and table, top pain points, radar table and Handlungsbedarf", async () => {
    for (const p of everyone) await expect(p.locator(".sync-badge")).toContainText("synchronisiert");
    await page.getByRole("button", { name: "Bewertungen aufdecken" }).click();
    await expect(page.getByTestId("reveal-state")).toContainText("aufgedeckt");
    for (const p of everyone) await tab(p, PROZESS);
    for (const p of everyone) {
      const table = p.getByTestId("erleben-table");
      // Step, title, mean, n ("weiß nicht" does not count).
      await expect(table.locator("tbody tr")).toHaveCount(3);
      await expect(row(table, STEPS[0]).locator("td")).toHaveText(["1", "1,3", "3"]);
      await expect(row(table, STEPS[1]).locator("td")).toHaveText(["2", "4,3", "3"]);
      await expect(row(table, STEPS[2]).locator("td")).toHaveText(["3", "2,5", "2"]);
      await expect(p.getByRole("img", { name: "Erleben" }).locator("circle")).toHaveCount(3);
      await expect(p.getByTestId("pain-points").locator("li")).toHaveText([
        `1. ${STEPS[0]}: ${PAIN} (2)`,
        `2. ${STEPS[2]}: ${PAIN_3} (1)`,
      ]);
    }
    for (const p of everyone) await tab(p, FAKTOREN);
    for (const p of everyone) {
      const radar = p.getByTestId("radar-table");
      await expect(radar.locator("tbody tr")).toHaveCount(5);
      await expect(row(radar, "Unterstützung").locator("td")).toHaveText(["2,3", "1"]);
      await expect(row(radar, "Beteiligung").locator("td")).toHaveText(["–", "0"]);
      await expect(row(radar, "Vertrauen").locator("td")).toHaveText(["4,3", "1"]);
      await expect(row(radar, /^Klare Rollen/).locator("td")).toHaveText(["3,3", "1"]);
      await expect(row(radar, "Evaluationsbereitschaft").locator("td")).toHaveText(["–", "0"]);
      await expect(p.getByRole("img", { name: "Erfolgsfaktoren je Spalte" })).toBeVisible();
      // Mean below 3, or Dissens (5, 4, 1).
      await expect(p.getByTestId("needs-action").locator("li")).toHaveText([`${FACTOR} (2,3)`, `${COSTS} (3,3)`]);
    }
  });

  // --- Every export, read back by an independent reader ----------------------
  let files: Record<string, string> = {};
  await test.step("download every export of the session", async () => {
    for (const p of everyone) await expect(p.locator(".sync-badge")).toContainText("synchronisiert");
    files = await downloadAll(page, work, "IKZ-Workshop-Digitalisierung_2026-11-25");
  });

  // Per method what the group wrote or decided (document formats carry the figures too).
  const inDocuments = [
    // Zielabgleich: the goals, the Zielmatrix rows, the Allianz der Willigen
    GOAL,
    PROBLEM,
    `${GOAL} (Kernziel) ✓ ✓ 100 %`,
    `${GOAL_2} ~ ✗ 0 %`,
    "Allianz der Willigen: Beispielhausen, Musterstadt",
    // Prozess-Teilschritte: the process, the persona, steps, pain points and their ranking
    PROCESS,
    PERSONA,
    ...STEPS,
    PAIN,
    IDEA,
    "Erleben je Teilschritt",
    `1. ${STEPS[0]}: ${PAIN} (2 Punkte)`,
    // Erfolgsfaktoren-Check: a fixed factor, the note and measure, the Handlungsbedarf
    FACTOR,
    FACTOR_NOTE,
    MEASURE,
    `${FACTOR} (2,3)`,
    `${COSTS} (3,3)`,
    // Phasen-Check: a checklist item, Wer, Bis wann, progress, hint, overdue, the work plan
    PHASE_ITEM,
    PHASE_NOTE,
    WER,
    WER_2,
    "15.01.2026",
    "Anbahnung 2 von 6 33 % rot",
    "Umsetzung (aktuelle Phase)",
    "Anbahnung erst zu 33 % erledigt",
    `${PHASE_ITEM} – bis 15.01.2026`,
    "Zeit- und Arbeitsplan: Umsetzung",
  ];
  const texts: Record<string, string> = {};
  await test.step("PDF (pdftotext), DOCX and ODT (LibreOffice), Markdown: each method's content", async () => {
    texts.pdf = pdfText(files.pdf);
    texts.docx = officeText(files.docx, work);
    texts.odt = officeText(files.odt, work);
    texts.md = markdownText(readFileSync(files.md, "utf8"));
    // The carried goal is in the canvas's "Gemeinsames Ziel" too.
    expect.soft(texts.md, "Markdown: the canvas's Gemeinsames Ziel holds the carried goal").toMatch(
      new RegExp(`\\*\\*Gemeinsames Ziel\\*\\*[^*]*- ${GOAL}`),
    );
    for (const ext of ["pdf", "docx", "odt", "md"]) {
      await keep(testInfo, `export-${ext}.txt`, texts[ext]);
      expectAll(texts[ext], ext.toUpperCase(), inDocuments);
    }
  });

  await test.step("XLSX (LibreOffice, every sheet), CSV, JSON: each method's content", async () => {
    texts.xlsx = spreadsheetText(files.xlsx, work);
    texts.csv = readFileSync(files.csv, "utf8");
    texts.json = readFileSync(files.json, "utf8");
    for (const ext of ["xlsx", "csv", "json"]) await keep(testInfo, `export-${ext}.txt`, texts[ext]);
    // A fixed item is named by its label, with the group's note (in the
    // documents' words: "Notiz: …").
    expectAll(texts.xlsx, "XLSX", [GOAL, STEPS[0], FACTOR, `Notiz: ${FACTOR_NOTE}`, PHASE_ITEM, `Notiz: ${PHASE_NOTE}`]);
    // Issue #18: every export carries each method's content, the CSV too.
    expectAll(texts.csv, "CSV", [GOAL, STEPS[0], FACTOR, PHASE_ITEM]);
    expectAll(texts.json, "JSON", [GOAL, PROCESS, STEPS[0], PAIN, FACTOR_NOTE, MEASURE, WER, PHASE_NOTE, "2026-01-15"]);

    // The JSON keeps the carry-over's links both ways, the stances and the core mark.
    const all = objects(JSON.parse(texts.json));
    const withText = (text: string) => all.filter((o) => o.text === text && "author" in o);
    const copies = withText(GOAL);
    expect.soft(copies, "the goal and its copy in the canvas").toHaveLength(2);
    const original = copies.find((c) => Array.isArray(c.copies));
    const copy = copies.find((c) => c.origin);
    expect.soft(original?.core, "the goal's core mark").toBe(true);
    expect.soft(original?.stances, "the goal's stances").toEqual({ Beispielhausen: "ja", Musterstadt: "ja" });
    expect.soft(original?.copies, "the goal's link to its copy").toEqual([{ template: "canvas", card_id: copy?.id }]);
    expect.soft(copy?.origin, "the copy's link back").toEqual({ template: "ziele", card_id: original?.id });
  });

  for (const person of people) await person.context.close();

  // --- JSON round trip: the imported session carries the same results --------
  await test.step("the session file imports as a new session with the same results", async () => {
    await open(page, "/");
    await page.getByLabel("Sitzungsdatei (JSON) auswählen").setInputFiles(files.json);
    await page.getByRole("button", { name: "Importieren" }).click();
    // The secret leaves the address bar once the page has read it.
    await expect(page).toHaveURL(/\/moderation(#[0-9a-f]{64})?$/);
    await hydrated(page);
    await expect(page.locator(".group-name", { hasText: "Gruppe Nord" })).toBeVisible();
    const methods = page.getByRole("group", { name: "Methoden dieser Sitzung" });
    for (const method of [ZIELE, PROZESS, FAKTOREN, PHASEN]) {
      await expect(methods.getByRole("checkbox", { name: method, exact: true })).toBeChecked();
    }
    const button = page.locator("section.exports").getByRole("button", { name: "Markdown herunterladen: Gesamte Sitzung" });
    const [download]: [Download, void] = await Promise.all([page.waitForEvent("download"), button.click()]);
    const md = markdownText(readFileSync((await download.path())!, "utf8"));
    await keep(testInfo, "reimported.md", md);
    // The figures are computed again from the imported stances, ratings, dots and statuses.
    expectAll(md, "Markdown of the imported session", inDocuments);
    expect.soft(md, "the imported session's Markdown equals the original's").toBe(texts.md);
  });
});
