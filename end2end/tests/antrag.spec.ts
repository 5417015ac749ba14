import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Download } from "@playwright/test";
import { test, expect } from "./fixtures";
import { addCard, addGroup, cards, createSession, expectAccessible, joinAs, tab } from "./helpers";
import { expectAll, keep, officeText, pdfText } from "./readers";

// The Antragsentwurf (issue #19, antrag.md §1): a participant marks an idea
// "Für den Antrag" and a canvas card "Vereinbarung" by keyboard; the panel's
// Antragsreife rises; the draft downloads as DOCX and PDF from the group's
// page and as ODT from the moderator's, and the independent readers find its
// chapters, the idea, the gaps' placeholders and the Antragsreife.
test("a group marks its idea for the Antrag and downloads the draft", async ({ page, browser }, testInfo) => {
  test.setTimeout(240_000);
  const { code } = await createSession(page, "Antrag Workshop");
  await addGroup(page, "Gruppe Süd");
  const anna = await joinAs(browser, code, "Anna Becker", "Musterstadt", "Gruppe Süd");
  const p = anna.page;
  await addCard(p, "problem", "Papierakten im Bauamt");
  await addCard(p, "schritte", "Ratsbeschluss im März");
  await expect(p.locator(".sync-badge")).toContainText("synchronisiert");

  const panel = p.getByTestId("antrag");
  await expect(panel.getByRole("heading", { name: "Antragsentwurf" })).toBeVisible();
  await expect(panel).toContainText("Noch keine Idee für den Antrag gewählt");
  const before = Number((await panel.getByTestId("antrag-reife").innerText()).match(/(\d+) %/)?.[1]);

  // The canvas card becomes a Vereinbarung (keyboard: focus and Enter).
  const vereinbarung = cards(p, "schritte").first().getByRole("button", { name: "Vereinbarung" });
  await vereinbarung.focus();
  await p.keyboard.press("Enter");
  await expect(vereinbarung).toHaveAttribute("aria-pressed", "true");

  // The idea, marked for the Antrag.
  await tab(p, "KI-Projektbewertung");
  await addCard(p, "ideen", "KI-Aktenerschließung");
  const mark = cards(p, "ideen").first().getByRole("button", { name: "Für den Antrag" });
  await mark.focus();
  await p.keyboard.press("Enter");
  await expect(mark).toHaveAttribute("aria-pressed", "true");
  await expect(panel).toContainText("Idee für den Antrag: KI-Aktenerschließung");
  await expect(p.locator(".sync-badge")).toContainText("synchronisiert");
  const after = Number((await panel.getByTestId("antrag-reife").innerText()).match(/(\d+) %/)?.[1]);
  expect(after).toBeGreaterThan(before);
  await panel.getByText("Was noch fehlt").click();
  await expect(panel.locator("li", { hasText: "Kapitel 10: Verstetigung nach der Förderung" })).toBeVisible();
  await expectAccessible(p, "workspace with the Antragsentwurf panel");

  const dir = mkdtempSync(join(tmpdir(), "ikz-antrag-"));
  const save = async (who: typeof p, button: ReturnType<typeof p.getByRole>, name: string) => {
    const [download]: [Download, void] = await Promise.all([who.waitForEvent("download"), button.click()]);
    expect(download.suggestedFilename()).toContain("Antragsentwurf");
    const path = join(dir, name);
    await download.saveAs(path);
    return path;
  };
  const docx = await save(
    p,
    panel.getByRole("button", { name: "Word (DOCX) – Antragsentwurf herunterladen: Ihre Gruppe" }),
    "antrag.docx",
  );
  const pdf = await save(
    p,
    panel.getByRole("button", { name: "PDF – Antragsentwurf herunterladen: Ihre Gruppe" }),
    "antrag.pdf",
  );
  const odt = await save(
    page,
    page.locator("section.exports").getByRole("button", {
      name: "OpenDocument (ODT) – Antragsentwurf herunterladen: Gruppe Süd",
    }),
    "antrag.odt",
  );
  const needles = [
    "Antragsentwurf",
    `Antragsreife: ${after} %`,
    "1. Antragstellende Kommune und Verbundpartner",
    "Musterstadt",
    "Papierakten im Bauamt",
    "KI-Aktenerschließung",
    "11. Anlagen-Checkliste",
    "[noch zu ergänzen: Verstetigung nach der Förderung]",
    "Vereinbarungen im Workshop festgehalten",
  ];
  for (const [name, text] of [
    ["docx", officeText(docx, dir)],
    ["odt", officeText(odt, dir)],
    ["pdf", pdfText(pdf)],
  ] as const) {
    await keep(testInfo, `antrag-${name}.txt`, text);
    expectAll(text, `Antragsentwurf (${name})`, needles);
    // Never a person's name in the draft.
    expect(text.includes("Anna Becker"), `${name} names nobody`).toBe(false);
  }
  await anna.context.close();
});
