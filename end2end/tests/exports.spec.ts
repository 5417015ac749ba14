import { test, expect, Download, Page } from "./fixtures";
import { readFileSync } from "node:fs";
import { addCard, addGroup, createSession, expectAccessible, joinAs, open } from "./helpers";

const FORMATS: [string, string, RegExp][] = [
  ["PDF", "pdf", /^%PDF-/],
  ["Word (DOCX)", "docx", /^PK/],
  ["OpenDocument (ODT)", "odt", /^PK/],
  ["Excel (XLSX)", "xlsx", /^PK/],
  ["CSV (Excel)", "csv", /^\uFEFFGruppe;Rang;Idee/],
  ["Markdown", "md", /^# IKZ-Workshop Digitalisierung/],
  ["JSON", "json", /"schema": "ikz-werkstatt\/session"/],
];

async function downloadFrom(page: Page, click: () => Promise<void>): Promise<Download> {
  const [download] = await Promise.all([page.waitForEvent("download"), click()]);
  return download;
}

function content(path: string, ext: string): string {
  const bytes = readFileSync(path);
  // Binary formats: the first bytes are enough to know the kind of file.
  return ["pdf", "docx", "odt", "xlsx"].includes(ext) ? bytes.subarray(0, 8).toString("latin1") : bytes.toString("utf8");
}

test("the moderator downloads every format, per session and per group, and imports the JSON again", async ({ page, browser }) => {
  const { code } = await createSession(page);
  await addGroup(page, "Gruppe Süd");
  const anna = await joinAs(browser, code, "Anna Müller", "Musterstadt", "Gruppe Süd");
  await addCard(anna.page, "problem", "Lange Wartezeiten im Bürgerbüro");
  await expect(anna.page.locator(".sync-badge")).toContainText("synchronisiert");

  const exports = page.locator("section.exports");
  await expect(exports.getByRole("heading", { name: "Ergebnisse herunterladen" })).toBeVisible();
  let jsonPath = "";
  for (const [label, ext, start] of FORMATS) {
    const button = exports.getByRole("button", { name: `${label} herunterladen: Gesamte Sitzung` });
    const download = await downloadFrom(page, () => button.click());
    expect(download.suggestedFilename()).toBe(`IKZ-Workshop-Digitalisierung_2026-11-25.${ext}`);
    const path = (await download.path())!;
    expect(content(path, ext)).toMatch(start);
    await expect(page.getByTestId("export-status")).toContainText(`Fertig: IKZ-Workshop-Digitalisierung_2026-11-25.${ext}`);
    if (ext === "json") jsonPath = path;
  }
  // One group's PDF: the group's name is in the file name.
  const groupPdf = await downloadFrom(page, () =>
    exports.getByRole("button", { name: "PDF herunterladen: Gruppe Süd" }).click(),
  );
  expect(groupPdf.suggestedFilename()).toBe("IKZ-Workshop-Digitalisierung_2026-11-25_Gruppe-Sued.pdf");
  await expectAccessible(page, "moderation page with the export panel");

  // The participant downloads their own group's results by plain links.
  const md = await downloadFrom(anna.page, () => anna.page.getByRole("button", { name: "Markdown herunterladen: Ihre Gruppe" }).click());
  expect(md.suggestedFilename()).toBe("IKZ-Workshop-Digitalisierung_2026-11-25_Gruppe-Sued.md");
  expect(content((await md.path())!, "md")).toContain("Lange Wartezeiten im Bürgerbüro");
  await anna.context.close();

  // Import the session file as a new session from the start page.
  await open(page, "/");
  await page.getByLabel("Sitzungsdatei (JSON) auswählen").setInputFiles(jsonPath);
  await expectAccessible(page, "start page with the import form");
  await page.getByRole("button", { name: "Importieren" }).click();
  // The secret may already have left the address bar (as in createSession).
  await expect(page).toHaveURL(/\/moderation(#[0-9a-f]{64})?$/);
  await expect(page.locator(".group-name", { hasText: "Gruppe Süd" })).toBeVisible();
  const newCode = (await page.getByTestId("join-code").textContent())!.trim();
  expect(newCode).not.toBe(code);
});

test("a broken session file gets a clear German error", async ({ page }) => {
  await open(page, "/");
  await page.getByLabel("Sitzungsdatei (JSON) auswählen").setInputFiles({
    name: "kaputt.json",
    mimeType: "application/json",
    buffer: Buffer.from('{"schema":"ikz-werkstatt/session","version":99}'),
  });
  await page.getByRole("button", { name: "Importieren" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Version der Sitzungsdatei" })).toBeVisible();
});
