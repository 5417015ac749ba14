import { test, expect, Download, Page } from "./fixtures";
import { execFileSync } from "node:child_process";
import { addCard, addGroup, createSession, expectAccessible, joinAs } from "./helpers";

/** The KI criteria as domain.md §3 words them: question and anchors of levels 1, 3 and 5. */
const CRITERIA: [string, string, string, [string, string, string]][] = [
  [
    "nutzen",
    "Nutzen",
    "Wie stark entlastet die Idee die Verwaltung oder verbessert den Service für Bürgerinnen und Bürger?",
    [
      "kaum spürbarer Nutzen",
      "deutliche Entlastung oder spürbar besserer Service für eine Stelle oder Zielgruppe",
      "große, messbare Entlastung bzw. Serviceverbesserung in allen Partnerkommunen",
    ],
  ],
  [
    "machbarkeit",
    "Machbarkeit",
    "Gibt es eine Lösung und das Know-how, sie bei uns einzuführen (Technik, Organisation, Recht, Budget)?",
    ["keine bekannte Lösung, kein Know-how", "Lösung in Sicht, Know-how teilweise da", "marktreife oder nachnutzbare Lösung"],
  ],
  [
    "datenverfuegbarkeit",
    "Datenverfügbarkeit",
    "Sind die nötigen Daten vorhanden, nutzbar und rechtlich geklärt?",
    [
      "Daten fehlen oder sind unerreichbar",
      "Daten teilweise vorhanden oder ungeklärt",
      "strukturiert, ausreichend und rechtlich geklärt bei allen Partnern",
    ],
  ],
  [
    "kooperationsform",
    "Kooperationseignung",
    "Wie gut eignet sich die Idee für die gemeinsame Umsetzung mehrerer Kommunen?",
    ["nur für eine Kommune sinnvoll", "für einige Partner sinnvoll", "gleiche Aufgabe bei allen, klare Rechtsform, Skaleneffekte"],
  ],
];

/** Opens the rating of an idea (idempotent). */
async function openRating(p: Page, idea: string) {
  const box = p.locator("details.rating", { hasText: idea });
  if (!(await box.evaluate((d) => (d as HTMLDetailsElement).open))) await box.locator("summary").click();
  return box;
}

/** Rates every criterion of an idea with the same level. */
async function rateAll(p: Page, idea: string, level: number) {
  const box = await openRating(p, idea);
  for (const [key] of CRITERIA) {
    const choice = box.locator(`fieldset[data-criterion="${key}"] label.level`).nth(level - 1);
    await choice.click();
    await expect(choice.locator("input")).toBeChecked();
  }
}

/** The text of a PDF, as pdftotext reads it (one space between words). */
function pdfText(path: string): string {
  return execFileSync("pdftotext", ["-layout", path, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
}

async function downloadPdf(page: Page): Promise<string> {
  const button = page.locator("section.exports").getByRole("button", { name: "PDF herunterladen: Gesamte Sitzung" });
  const [download]: [Download, void] = await Promise.all([page.waitForEvent("download"), button.click()]);
  return pdfText((await download.path())!);
}

test("a rater sees each criterion's question and the anchor of every level", async ({ page, browser }) => {
  const { code } = await createSession(page);
  await addGroup(page, "Gruppe Nord");
  const anna = await joinAs(browser, code, "Anna Becker", "Musterstadt", "Gruppe Nord");
  const p = anna.page;
  await p.getByRole("button", { name: "KI-Projektbewertung" }).click();
  await addCard(p, "ideen", "Chatbot Bürgeramt");
  const box = await openRating(p, "Chatbot Bürgeramt");
  for (const [key, label, question, [one, three, five]] of CRITERIA) {
    const group = box.locator(`fieldset[data-criterion="${key}"]`);
    await expect(group.locator("legend")).toHaveText(label);
    await expect(group.getByTestId("criterion-question")).toHaveText(question);
    // The radio group is described by its question (read with the group).
    await expect(group.getByRole("radio", { name: `1 – ${one}` })).toBeVisible();
    const levels = group.locator("label.level");
    await expect(levels).toHaveCount(6);
    await expect(levels.nth(0)).toHaveText(`1 – ${one}`);
    await expect(levels.nth(1)).toHaveText(`2 – zwischen „${one}“ und „${three}“`);
    await expect(levels.nth(2)).toHaveText(`3 – ${three}`);
    await expect(levels.nth(3)).toHaveText(`4 – zwischen „${three}“ und „${five}“`);
    await expect(levels.nth(4)).toHaveText(`5 – ${five}`);
    await expect(levels.nth(5)).toHaveText("weiß nicht");
  }
  await expectAccessible(p, "rating with questions and anchors");
  // The English screen: criterion, question and anchors in English.
  await p.getByRole("button", { name: "English" }).click();
  const nutzen = box.locator('fieldset[data-criterion="nutzen"]');
  await expect(nutzen.locator("legend")).toHaveText("Benefit");
  await expect(nutzen.getByTestId("criterion-question")).toHaveText(
    "How much does the idea relieve the administration or improve the service for citizens?",
  );
  const levels = nutzen.locator("label.level");
  await expect(levels.nth(0)).toHaveText("1 – hardly any noticeable benefit");
  await expect(levels.nth(1)).toHaveText(
    "2 – between “hardly any noticeable benefit” and “clear relief or noticeably better service for one office or target group”",
  );
  await anna.context.close();
});

test("the moderator merges two ideas of different titles in the joint ranking and undoes it by keyboard", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const { code } = await createSession(page);
  await addGroup(page, "Gruppe Nord");
  await addGroup(page, "Gruppe Süd");
  const anna = await joinAs(browser, code, "Anna Becker", "Musterstadt", "Gruppe Nord");
  const ben = await joinAs(browser, code, "Ben Yilmaz", "Beispielhausen", "Gruppe Süd");
  for (const who of [anna, ben]) await who.page.getByRole("button", { name: "KI-Projektbewertung" }).click();
  await addCard(anna.page, "ideen", "Chatbot Bürgeramt");
  await addCard(ben.page, "ideen", "KI-Assistent im Bürgerbüro");
  // Nord rates its chatbot 5 everywhere, Süd its assistant 1: merged, each
  // group counts once -> means 3 -> Nutzwert 50.
  await rateAll(anna.page, "Chatbot Bürgeramt", 5);
  await rateAll(ben.page, "KI-Assistent im Bürgerbüro", 1);
  for (const who of [anna, ben]) await expect(who.page.locator(".sync-badge")).toContainText("synchronisiert");

  await page.reload();
  const panel = page.getByTestId("merge-panel");
  const rows = panel.getByTestId("merge-rows").locator("li");
  await expect(rows).toHaveCount(2);
  // Blind rating: until the moderator reveals them, the figures are hidden
  // here too (this screen may be on the projector).
  await expect(rows.nth(0)).toContainText("· –");
  await page.getByRole("button", { name: "Bewertungen aufdecken" }).click();
  await expect(rows.nth(0)).toContainText("Chatbot Bürgeramt · 100");
  await expect(panel.getByText("Noch keine Ideen zusammengeführt.")).toBeVisible();

  await panel.getByLabel("Idee", { exact: true }).selectOption("Chatbot Bürgeramt");
  await panel.getByLabel("zusammenführen mit").selectOption("KI-Assistent im Bürgerbüro");
  await panel.getByRole("button", { name: "Zusammenführen" }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.nth(0)).toContainText("Chatbot Bürgeramt · 50");
  await expect(rows.nth(0).getByTestId("merged")).toHaveText("(zusammengeführt mit: KI-Assistent im Bürgerbüro)");
  await expectAccessible(page, "moderation page with a merge");

  // The merge is stored with the session: it is still there after a reload.
  await page.reload();
  await expect(rows).toHaveCount(1);
  const undo = panel.getByRole("button", {
    name: "Zusammenführung von „Chatbot Bürgeramt“ und „KI-Assistent im Bürgerbüro“ aufheben",
  });
  await undo.focus();
  await page.keyboard.press("Enter");
  await expect(rows).toHaveCount(2);
  await expect(panel.getByTestId("merged")).toHaveCount(0);
  await expect(panel.getByText("Noch keine Ideen zusammengeführt.")).toBeVisible();
  for (const who of [anna, ben]) await who.context.close();
});

test("the single-ratings switch changes what a downloaded PDF contains", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const { code } = await createSession(page);
  await addGroup(page, "Gruppe Nord");
  const anna = await joinAs(browser, code, "Anna Becker", "Musterstadt", "Gruppe Nord");
  await anna.page.getByRole("button", { name: "KI-Projektbewertung" }).click();
  await addCard(anna.page, "ideen", "Chatbot Bürgeramt");
  await rateAll(anna.page, "Chatbot Bürgeramt", 4);
  await expect(anna.page.locator(".sync-badge")).toContainText("synchronisiert");
  await page.reload();

  const switchGroup = page.getByRole("group", { name: "Einzelbewertungen in Dokumenten" });
  await expect(switchGroup.getByRole("radio", { name: "aus (Standard): nur Kennzahlen" })).toBeChecked();
  let text = await downloadPdf(page);
  expect(text).toContain("Chatbot Bürgeramt");
  expect(text).not.toContain("Anna Becker");
  expect(text).not.toContain("Person 1");
  expect(text).toContain("Einzelbewertungen sind in Dokumenten ausgeblendet");

  // By keyboard: the switch is a radio group.
  await switchGroup.getByRole("radio", { name: "aus (Standard): nur Kennzahlen" }).focus();
  await page.keyboard.press("ArrowDown");
  await expect(switchGroup.getByRole("radio", { name: "pseudonym („Person 1“)" })).toBeChecked();
  await expect(page.getByRole("status").filter({ hasText: "Gespeichert." })).toBeVisible();
  text = await downloadPdf(page);
  expect(text).toContain("Bewertung von");
  expect(text).toContain("Person 1");
  expect(text).not.toContain("Anna Becker");

  await switchGroup.getByRole("radio", { name: "mit Namen" }).check();
  await expect(page.getByRole("status").filter({ hasText: "Gespeichert." })).toBeVisible();
  text = await downloadPdf(page);
  expect(text).toContain("Anna Becker");
  expect(text).not.toContain("Person 1");
  await anna.context.close();
});
