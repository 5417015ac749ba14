import { test, expect } from "./fixtures";
import { mkdirSync, readFileSync } from "node:fs";
import { accessibilityViolations, addGroup, cards, createSession, item, joinAs, tab, write } from "./helpers";
import { downloadAll, expectAll, keep, markdownText, officeText, pdfText } from "./readers";

// Issue #19 §3: the Rechtsform-Lotse. The moderator switches the method on,
// a participant answers its questions by keyboard (radio groups ja / nein /
// weiß nicht), the recommendation, reasons and the comparison table appear,
// the summary goes to the canvas field "Rechts- und Organisationsform" by
// the carry-over button, and the documents carry it.
// Written against the DOM of app/src/components/{questions,lotse}.rs;
// not run yet (see docs/wip/NOTES-lotse19.md).

const LOTSE = "Rechtsform-Lotse";
const CANVAS = "IKZ-Projekt-Canvas";
const ITEM = "Unsere Rechtsform";
const NOTE = "Musterstadt hat das Bürgerbüro schon.";

test("a group answers the Rechtsform-Lotse by keyboard; the summary goes to the canvas and the documents", async ({
  page,
  browser,
}, testInfo) => {
  test.setTimeout(300_000);
  const work = testInfo.outputPath("files");
  mkdirSync(work, { recursive: true });
  const { code } = await createSession(page);
  await addGroup(page, "Gruppe Süd");

  await test.step("the moderator switches the Lotse on (off by default)", async () => {
    const methods = page.getByRole("group", { name: "Methoden dieser Sitzung" });
    const box = methods.getByRole("checkbox", { name: LOTSE, exact: true });
    await expect(box).not.toBeChecked();
    await box.check();
    await expect(page.getByRole("status").filter({ hasText: "Gespeichert." })).toBeVisible();
    await expect(box).toBeChecked();
  });

  const { page: anna } = await joinAs(browser, code, "Anna Becker", "Musterstadt", "Gruppe Süd");
  const lotse = () => item(anna, "fragen", ITEM);

  await test.step("answers by keyboard: nein, ja, nein leads to the mandating Zweckvereinbarung", async () => {
    await tab(anna, LOTSE);
    await expect(lotse().getByTestId("lotse")).toBeVisible();
    await expect(lotse().getByTestId("lotse-result")).toHaveCount(0);
    // Each question is a radio group named by its text; the keyboard picks
    // an answer: focus "ja", arrow keys move on and select.
    const answer = async (question: RegExp, presses: string[], expected: string) => {
      const group = lotse().getByRole("group", { name: question });
      await expect(group).toBeVisible();
      await group.getByRole("radio", { name: "ja", exact: true }).focus();
      for (const key of presses) await anna.keyboard.press(key);
      // Focusing alone does not answer; Space selects the focused radio.
      if (presses.length === 0) await anna.keyboard.press("Space");
      await expect(group.getByRole("radio", { name: expected, exact: true })).toBeChecked();
    };
    await answer(/^Geht es nur um Abstimmung/, ["ArrowDown"], "nein");
    await answer(/^Soll eine der Kommunen die Aufgabe für die anderen erledigen/, [], "ja");
    await answer(/^Soll die Zuständigkeit/, ["ArrowDown"], "nein");
    const result = lotse().getByTestId("lotse-result");
    await expect(result.getByTestId("lotse-form")).toContainText("Zweckvereinbarung");
    await expect(result).toContainText("mandatierende Zweckvereinbarung");
    await expect(result).toContainText("Vorprüfung, keine Rechts- oder Steuerberatung");
    await expect(result).toContainText("Stand: 2026-12-01");
    // The comparison table: a caption, a column per form, a row header per criterion.
    const table = result.getByRole("table", { name: "Vergleich der Rechtsformen" });
    await expect(table.getByRole("columnheader")).toHaveText([
      "Kriterium",
      "Kommunale Arbeitsgemeinschaft",
      "Zweckvereinbarung",
      "Zweckverband",
      "Gemeinsame kommunale Anstalt",
      "GmbH",
    ]);
    await expect(table.getByRole("rowheader", { name: "Umsatzsteuer (§ 2b UStG)" })).toBeVisible();
    expect.soft(await accessibilityViolations(anna), "accessibility of the Lotse").toEqual([]);
  });

  await test.step("own reasons in the note, then the summary goes to the canvas", async () => {
    await write(lotse(), "Notiz", NOTE);
    await expect(lotse().getByTestId("lotse-summary")).toContainText(`Eigene Gründe: ${NOTE}`);
    await lotse()
      .getByRole("button", { name: `In ${CANVAS}: Rechts- und Organisationsform übernehmen` })
      .click();
    await expect(lotse().getByRole("status").filter({ hasText: "Übernommen." })).toBeVisible();
    await tab(anna, CANVAS);
    const carried = cards(anna, "rechtsform").first();
    await expect(carried.locator("textarea").first()).toHaveValue(/^Empfehlung: Zweckvereinbarung\. Gründe: /);
    await expect(carried.locator("textarea").first()).toHaveValue(new RegExp(`Eigene Gründe: ${NOTE.replace(".", "\\.")}`));
  });

  let files: Record<string, string> = {};
  await test.step("download every export of the session", async () => {
    files = await downloadAll(page, work, "IKZ-Workshop-Digitalisierung_2026-11-25");
  });

  await test.step("PDF, DOCX, ODT and Markdown carry the recommendation and the table", async () => {
    const needles = [
      "Empfehlung des Rechtsform-Lotsen",
      "Empfehlung: Zweckvereinbarung.",
      "mandatierende Zweckvereinbarung",
      `Eigene Gründe: ${NOTE}`,
      "Vergleich der Rechtsformen",
      "Gemeinsame kommunale Anstalt",
      "§ 108 Abs. 6 GWB",
      "Vorprüfung, keine Rechts- oder Steuerberatung",
      "Stand: 2026-12-01",
    ];
    const texts: Record<string, string> = {
      pdf: pdfText(files.pdf),
      docx: officeText(files.docx, work),
      odt: officeText(files.odt, work),
      md: markdownText(readFileSync(files.md, "utf8")),
    };
    for (const ext of ["pdf", "docx", "odt", "md"]) {
      await keep(testInfo, `export-${ext}.txt`, texts[ext]);
      expectAll(texts[ext], ext.toUpperCase(), needles);
    }
  });
});
