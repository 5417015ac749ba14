import { test, expect, Page } from "./fixtures";
import { addCard, addGroup, createSession, expectAccessible, hydrated, joinAs, open, section } from "./helpers";

/** Elements that stick out of the viewport (outside any scrolling box), and sideways scrolling of the page. */
async function overflow(p: Page): Promise<string[]> {
  return p.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const found: string[] = [];
    if (document.documentElement.scrollWidth > width) {
      found.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
    }
    for (const el of Array.from(document.querySelectorAll("body *"))) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.right <= width + 1 && r.width <= width + 1) continue;
      let inScroller = false;
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        if (/(auto|scroll|hidden|clip)/.test(getComputedStyle(a).overflowX) && a.getBoundingClientRect().right <= width + 1) {
          inScroller = true;
          break;
        }
      }
      if (!inScroller) {
        const name = `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${typeof el.className === "string" && el.className ? "." + el.className.split(" ").join(".") : ""}`;
        found.push(`${name}: ${Math.round(r.left)}..${Math.round(r.right)} px`);
      }
    }
    return found.slice(0, 8);
  });
}

const SIZES = [
  { name: "phone", width: 390, height: 844 },
  { name: "tablet", width: 768, height: 1024 },
  { name: "laptop", width: 1280, height: 720 },
  { name: "laptop-wide", width: 1366, height: 768 },
];

/** At every size: no sideways scrolling; a screenshot in the test's output (and with IKZ_SCREENSHOTS=1 the README's under docs/). */
async function fits(p: Page, what: string, sizes = SIZES, docs: string[] = []) {
  for (const size of sizes) {
    await p.setViewportSize({ width: size.width, height: size.height });
    await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect(await overflow(p), `${what} at ${size.width}×${size.height}`).toEqual([]);
    const file = `${what}-${size.name}.png`;
    await p.screenshot({ path: test.info().outputPath(file) });
    if (process.env.IKZ_SCREENSHOTS && docs.includes(size.name)) {
      await p.screenshot({ path: `../docs/${file}` });
    }
  }
}

test("every page fits phones, tablets and laptops without sideways scrolling; the projector is legible from the back row", async ({ page, browser }) => {
  test.setTimeout(300_000);
  await open(page, "/");
  await fits(page, "start");
  await open(page, "/barrierefreiheit");
  await fits(page, "accessibility");

  const { moderatorUrl, code } = await createSession(page, "Workshop Digitalisierung im Landkreis");
  await addGroup(page, "Gruppe Nord mit einem langen Namen");
  const anna = await joinAs(browser, code, "Anna Becker", "Verbandsgemeinde Musterstadt-Beispielhausen", "Gruppe Nord mit einem langen Namen");
  await addCard(anna.page, "problem", "Lange Wartezeiten im Bürgerbüro");
  await fits(anna.page, "workspace-canvas", SIZES, ["phone"]);
  await anna.page.getByRole("button", { name: "SWOT-Analyse" }).click();
  await addCard(anna.page, "staerken", "Erfahrene IT-Abteilung");
  await fits(anna.page, "workspace-swot");
  await anna.page.getByRole("button", { name: "KI-Projektbewertung" }).click();
  await section(anna.page, "ideen").getByRole("button", { name: "Prognosemodelle" }).click();
  await fits(anna.page, "workspace-ki", SIZES, ["phone"]);

  await page.reload();
  await hydrated(page);
  await expect(page.locator(".participants")).toContainText("Anna Becker");
  await fits(page, "moderation", SIZES, ["phone"]);

  const join = await browser.newContext({ locale: "de-DE" });
  const joinPage = await join.newPage();
  await open(joinPage, `/join/${code}`);
  await fits(joinPage, "join");
  await join.close();

  // The projector: the join screen and the joint ranking at 1280×720 and 1920×1080.
  const projectorContext = await browser.newContext({ locale: "de-DE" });
  const projector = await projectorContext.newPage();
  await projector.goto(moderatorUrl.replace("/moderation#", "/projector#"));
  await hydrated(projector);
  await expect(projector.getByTestId("projector-code")).toBeVisible();
  const projectorSizes = [
    { name: "projector-720p", width: 1280, height: 720 },
    { name: "projector-1080p", width: 1920, height: 1080 },
  ];
  await fits(projector, "projector-join", projectorSizes, ["projector-1080p"]);
  for (const size of projectorSizes) {
    await projector.setViewportSize(size);
    const qr = await projector.locator("img.qr").boundingBox();
    expect(qr!.height, `QR code height at ${size.width}×${size.height}`).toBeGreaterThanOrEqual(0.4 * size.height);
    expect(qr!.y + qr!.height, `QR code on screen at ${size.width}×${size.height}`).toBeLessThanOrEqual(size.height);
  }
  await page.getByRole("button", { name: "Bewertungen aufdecken" }).click();
  await page.getByRole("button", { name: "Gemeinsame Rangfolge" }).click();
  await expect(projector.getByTestId("joint-ranking")).toBeVisible();
  await fits(projector, "projector-ranking", projectorSizes, ["projector-1080p"]);
  await projector.setViewportSize({ width: 1920, height: 1080 });
  const sizes = await projector
    .getByTestId("joint-ranking")
    .locator("th, td")
    .evaluateAll((cells) => cells.map((c) => parseFloat(getComputedStyle(c).fontSize)));
  expect(Math.min(...sizes), "smallest text in the projected ranking at 1920×1080 (px)").toBeGreaterThanOrEqual(28);
  await expectAccessible(projector, "projector (joint ranking)");
  await projectorContext.close();
  await anna.context.close();
});

test("the moderator's lists are live: joining, moving and leaving show without a reload", async ({ page, browser }) => {
  const { code } = await createSession(page, "Live-Listen");
  await addGroup(page, "Gruppe Nord");
  await addGroup(page, "Gruppe Süd");
  const participants = page.getByTestId("participants");
  await expect(participants).toContainText("Noch niemand beigetreten.");
  const nord = page.locator(".group-row", { hasText: "Gruppe Nord" });
  const sued = page.locator(".group-row", { hasText: "Gruppe Süd" });

  const anna = await joinAs(browser, code, "Anna Becker", "Musterstadt", "Gruppe Nord");
  const ben = await joinAs(browser, code, "Ben Yilmaz", "Beispielhausen", "Gruppe Nord");
  await expect(participants).toContainText("Anna Becker (Musterstadt) · Gruppe Nord");
  await expect(participants).toContainText("Ben Yilmaz (Beispielhausen) · Gruppe Nord");
  await expect(nord).toContainText("Mitglieder: 2");

  // Moving Ben: his workspace reloads into Gruppe Süd, every list follows.
  await page.getByLabel("Ben Yilmaz verschieben nach").selectOption({ label: "Gruppe Süd" });
  await participants.locator("li", { hasText: "Ben Yilmaz" }).getByRole("button", { name: "Verschieben" }).click();
  await expect(ben.page.getByTestId("group-name")).toHaveText("Gruppe Süd");
  await expect(participants).toContainText("Ben Yilmaz (Beispielhausen) · Gruppe Süd");
  await expect(nord).toContainText("Mitglieder: 1");
  await expect(sued).toContainText("Mitglieder: 1");
  await expect(page.getByTestId("overview").locator('tr[data-group="Gruppe Süd"] [data-testid="online"]')).toContainText("Ben Yilmaz");

  // Anna leaves: she goes from the list.
  await anna.page.getByRole("button", { name: "Teilnahme beenden und Namen entfernen" }).click();
  await anna.page.getByRole("alertdialog").getByRole("button").first().click();
  await expect(participants).not.toContainText("Anna Becker");
  await expect(nord).toContainText("Mitglieder: 0");
  await anna.context.close();
  await ben.context.close();
});

test("the lock notice clears when the moderator unlocks; keyboard: focus on the new card, cards move between sections", async ({ page, browser }) => {
  const { code } = await createSession(page, "Sperre und Tastatur");
  await addGroup(page, "Gruppe Nord");
  const anna = await joinAs(browser, code, "Anna Becker", "Musterstadt", "Gruppe Nord");
  await expect(anna.page.getByTestId("empty-board")).toBeVisible();
  await expect(anna.page.getByTestId("method-help")).toHaveAttribute("open", "");

  // Keyboard only: Enter on "Karte hinzufügen" puts the caret into the new card.
  const problem = section(anna.page, "problem");
  await problem.getByRole("button", { name: "Karte hinzufügen" }).focus();
  await anna.page.keyboard.press("Enter");
  const card = problem.locator("li.card > textarea").first();
  await expect(card).toBeFocused();
  await anna.page.keyboard.type("Medienbrüche zwischen den Kommunen");
  await expect(anna.page.getByTestId("empty-board")).toHaveCount(0);
  // Move it to another field by keyboard (Tab passes the delete button);
  // focus follows the card.
  await anna.page.keyboard.press("Tab");
  await expect(problem.getByRole("button", { name: "Karte löschen" })).toBeFocused();
  await anna.page.keyboard.press("Tab");
  await expect(problem.getByLabel("Karte verschieben nach")).toBeFocused();
  await problem.getByLabel("Karte verschieben nach").selectOption({ label: "Gemeinsames Ziel" });
  await anna.page.keyboard.press("Tab");
  await anna.page.keyboard.press("Enter");
  const ziel = section(anna.page, "ziel").locator("li.card > textarea");
  await expect(ziel).toHaveValue("Medienbrüche zwischen den Kommunen");
  await expect(ziel).toBeFocused();
  await expect(problem.locator("li.card")).toHaveCount(0);
  await expectAccessible(anna.page, "workspace with a card and its move control");

  // Lock while Anna is offline; her edit is refused with a notice, which
  // goes when the moderator unlocks.
  await anna.context.setOffline(true);
  await expect(anna.page.getByTestId("sync-state")).toHaveAttribute("data-state", "offline");
  await addCard(anna.page, "problem", "Offline geschrieben");
  await page.getByLabel("IKZ-Projekt-Canvas sperren").check();
  await anna.context.setOffline(false);
  await expect(anna.page.getByTestId("refusal")).toContainText("die Tafel ist gesperrt");
  await expect(anna.page.getByTestId("locked")).toBeVisible();
  await page.getByLabel("IKZ-Projekt-Canvas sperren").uncheck();
  await expect(anna.page.getByTestId("locked")).toHaveCount(0);
  await expect(anna.page.getByTestId("refusal")).toHaveText("");
  await anna.context.close();
});

test("a failed download says so and offers a retry that works", async ({ page, browser }) => {
  const { code } = await createSession(page, "Downloads");
  await addGroup(page, "Gruppe Nord");
  const anna = await joinAs(browser, code, "Anna Becker", "Musterstadt", "Gruppe Nord");
  // The server is busy once (as with many exports at a time): 503 export_busy.
  let refused = 0;
  await page.route("**/api/moderation/export/xlsx*", async (route) => {
    if (refused++ === 0) {
      await route.fulfill({
        status: 503,
        contentType: "application/json",
        headers: { "Retry-After": "2" },
        body: JSON.stringify({ code: "export_busy", message: "busy" }),
      });
    } else {
      await route.continue();
    }
  });
  const exports = page.locator("section.exports");
  await exports.getByRole("button", { name: "Excel (XLSX) herunterladen: Gesamte Sitzung" }).click();
  const failed = page.getByTestId("export-failed");
  await expect(failed).toContainText("Nicht heruntergeladen: Excel (XLSX) – Gesamte Sitzung");
  await expect(failed).toContainText("Der Server erstellt gerade viele Exporte");
  await expectAccessible(page, "moderation page with a failed download");
  const [download] = await Promise.all([page.waitForEvent("download"), failed.getByRole("button", { name: "Erneut versuchen" }).click()]);
  expect(download.suggestedFilename()).toBe("Downloads_2026-11-25.xlsx");
  await expect(page.getByTestId("export-status")).toContainText("Fertig: Downloads_2026-11-25.xlsx");
  await expect(failed).toHaveCount(0);

  // The participant's downloads show their state too.
  const [own] = await Promise.all([
    anna.page.waitForEvent("download"),
    anna.page.getByRole("button", { name: "PDF herunterladen: Ihre Gruppe" }).click(),
  ]);
  expect(own.suggestedFilename()).toBe("Downloads_2026-11-25_Gruppe-Nord.pdf");
  // The results' panel (the Antragsentwurf panel has a status line of its own).
  await expect(anna.page.locator("section.exports").getByTestId("export-status")).toContainText(
    "Fertig: Downloads_2026-11-25_Gruppe-Nord.pdf",
  );
  await anna.context.close();
});

test("English stays chosen across reloads, the chrome of every board is English, and the accessibility statement is linked and accessible", async ({ page, browser }) => {
  const { code } = await createSession(page, "Language");
  await addGroup(page, "Gruppe Nord");
  const anna = await joinAs(browser, code, "Anna Becker", "Musterstadt", "Gruppe Nord");
  const p = anna.page;
  await p.getByRole("button", { name: "English" }).click();
  await expect(p.getByRole("button", { name: "Deutsch" })).toBeVisible();
  await p.reload();
  await hydrated(p);
  await expect(p.getByRole("button", { name: "Deutsch" })).toBeVisible();
  await expect(p.locator("html")).toHaveAttribute("lang", "en");
  for (const board of ["canvas", "swot", "ki"]) {
    await p.locator(".board-tabs .tab").nth(["canvas", "swot", "ki"].indexOf(board)).click();
    await expect(p.locator(`.board-${board}`)).toBeVisible();
    const text = await p.locator(".workspace").innerText();
    for (const german of ["Karte hinzufügen", "Worum geht es", "Herunterladen", "Teilnahme beenden", "Ihre Gruppe"]) {
      expect(text, `German chrome "${german}" on the ${board} board in English`).not.toContain(german);
    }
    await expect(p.getByTestId("method-help").locator("summary")).toHaveText("What is this method for?");
  }
  await expect(p.getByRole("button", { name: /Add card/ }).first()).toBeVisible();

  await p.getByTestId("accessibility-link").click();
  await expect(p.getByRole("heading", { level: 1 })).toHaveText("Accessibility statement");
  await p.getByRole("button", { name: "Deutsch" }).click();
  await expect(p.getByRole("heading", { level: 1 })).toHaveText("Erklärung zur Barrierefreiheit");
  for (const heading of ["Stand der Vereinbarkeit mit den Anforderungen", "Nicht barrierefreie Inhalte", "Feedback und Kontaktangaben", "Schlichtungsverfahren"]) {
    await expect(p.getByRole("heading", { name: heading })).toBeVisible();
  }
  await expectAccessible(p, "accessibility statement");
  await anna.context.close();
});
