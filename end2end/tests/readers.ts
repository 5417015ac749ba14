// Independent readers of downloaded exports (pdftotext, LibreOffice headless)
// and the download of every format, shared by the method specs.
import { expect, Download, Page } from "./fixtures";
import type { TestInfo } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Every export format: the button's label and the file's extension. */
export const FORMATS: [string, string][] = [
  ["PDF", "pdf"],
  ["Word (DOCX)", "docx"],
  ["OpenDocument (ODT)", "odt"],
  ["Excel (XLSX)", "xlsx"],
  ["CSV (Excel)", "csv"],
  ["Markdown", "md"],
  ["JSON", "json"],
];

/** Downloads every format of the whole session from the moderation page into
 *  `dir` (as sitzung.<ext>); each file's name is the session's title and date. */
export async function downloadAll(page: Page, dir: string, fileStem: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const exports = page.locator("section.exports");
  for (const [label, ext] of FORMATS) {
    const button = exports.getByRole("button", { name: `${label} herunterladen: Gesamte Sitzung` });
    const [download]: [Download, void] = await Promise.all([page.waitForEvent("download"), button.click()]);
    expect(download.suggestedFilename()).toBe(`${fileStem}.${ext}`);
    files[ext] = join(dir, `sitzung.${ext}`);
    await download.saveAs(files[ext]);
    await expect(page.getByTestId("export-status")).toContainText(`Fertig: ${fileStem}.${ext}`);
  }
  return files;
}

/** Text for comparing across readers: compatibility forms (ligatures) folded,
 *  whitespace and hyphens dropped (line breaks and hyphenation in table cells),
 *  and the cell borders of a Markdown table. */
export function flat(text: string): string {
  return text.normalize("NFKC").replace(/[\s\u00ad\u2010\u2011|-]+/g, "");
}

/** Markdown as a reader sees it: backslash escapes ("1\\.", "\\~") resolved. */
export function markdownText(md: string): string {
  return md.replace(/\\([\\`*_{}\[\]<>#|~.!+()-])/g, "$1");
}

export function pdfText(path: string): string {
  return execFileSync("pdftotext", ["-raw", "-enc", "UTF-8", path, "-"], { encoding: "utf8", timeout: 120_000 });
}

/** LibreOffice headless, with a profile of its own (parallel runs don't collide). */
function soffice(path: string, target: string, out: string) {
  const profile = mkdtempSync(join(tmpdir(), "ikz-lo-profile-"));
  try {
    execFileSync(
      "soffice",
      [`-env:UserInstallation=file://${profile}`, "--headless", "--norestore", "--convert-to", target, "--outdir", out, path],
      { encoding: "utf8", timeout: 180_000, stdio: ["ignore", "pipe", "pipe"] },
    );
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** A DOCX or ODT as plain text (LibreOffice's text filter). */
export function officeText(path: string, dir: string): string {
  const out = mkdtempSync(join(dir, "txt-"));
  soffice(path, "txt:Text (encoded):UTF8", out);
  return readdirSync(out)
    .map((f) => readFileSync(join(out, f), "utf8"))
    .join("\n");
}

/** Every sheet of an XLSX as CSV (LibreOffice's filter, sheet -1 = all sheets), one after the other;
 *  `minSheets`: how many sheets the file must have (the exports have several, the Kostenaufteilung one). */
export function spreadsheetText(path: string, dir: string, minSheets = 2): string {
  const out = mkdtempSync(join(dir, "csv-"));
  soffice(path, "csv:Text - txt - csv (StarCalc):59,34,76,1,,0,false,true,false,false,false,-1", out);
  const sheets = readdirSync(out).sort();
  expect(sheets.length, `sheets of ${path}: ${sheets}`).toBeGreaterThanOrEqual(minSheets);
  return sheets.map((f) => `== ${f}\n${readFileSync(join(out, f), "utf8")}`).join("\n");
}

/** Soft: each needle is in the text (the test goes on to show every missing one). */
export function expectAll(text: string, what: string, needles: string[]) {
  const haystack = flat(text);
  for (const needle of needles) {
    expect.soft(haystack.includes(flat(needle)), `${what} contains „${needle}“`).toBe(true);
  }
}

/** Keeps a text the test read in its output folder (test-results/…), attached to the report. */
export async function keep(testInfo: TestInfo, name: string, text: string) {
  const path = testInfo.outputPath(name);
  writeFileSync(path, text);
  await testInfo.attach(name, { path, contentType: "text/plain" });
}

/** All objects anywhere in a parsed JSON value. */
export function objects(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.flatMap(objects);
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    return [o, ...Object.values(o).flatMap(objects)];
  }
  return [];
}
