import { test, expect, Page } from "./fixtures";
import { addCard, addGroup, createSession, expectAccessible, hydrated, joinAs, picture, section } from "./helpers";

/** The timer's "mm:ss" on a page, in seconds. */
async function timerSeconds(p: Page): Promise<number> {
  const text = (await p.getByTestId("timer-clock").first().textContent())!.trim();
  const [m, s] = text.split(":").map(Number);
  return m * 60 + s;
}

test("the moderator steers: projector follows, timer in sync, locked board refuses an edit, dot votes respect the limit", async ({ page, browser }) => {
  test.setTimeout(240_000);
  const { moderatorUrl, code } = await createSession(page, "Steuerung im Test");
  await addGroup(page, "Gruppe Nord");
  await addGroup(page, "Gruppe Süd");
  const anna = await joinAs(browser, code, "Anna Becker", "Musterstadt", "Gruppe Nord");
  const ben = await joinAs(browser, code, "Ben Yilmaz", "Beispielhausen", "Gruppe Nord");

  // The projector: a second context with the moderator's secret, no controls.
  const projectorContext = await browser.newContext({ locale: "de-DE" });
  const projector = await projectorContext.newPage();
  await projector.goto(moderatorUrl.replace("/moderation#", "/projector#"));
  await hydrated(projector);
  await expect(projector.getByTestId("projector-code")).toHaveText(`${code.slice(0, 3)} ${code.slice(3)}`);
  await expect(projector.locator("img.qr")).toBeVisible();
  await expect(projector.getByRole("button")).toHaveCount(0);
  await expectAccessible(projector, "projector (join screen)");

  // The moderator page now lists the participants; the cockpit is live.
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("overview").locator('tr[data-group="Gruppe Nord"] [data-testid="online"]')).toContainText("Anna Becker");
  await expectAccessible(page, "moderation page with cockpit");

  // The projector follows the moderator's switch.
  await addCard(anna.page, "problem", "Zu viele Papieranträge");
  await page.getByRole("button", { name: "Alle Gruppen: IKZ-Projekt-Canvas" }).click();
  await expect(projector.getByTestId("stage")).toHaveAttribute("data-stage", "all_groups");
  await expect(projector.locator(".group-board", { hasText: "Gruppe Nord" })).toContainText("Zu viele Papieranträge");
  await expect(projector.locator(".group-board", { hasText: "Gruppe Süd" })).toBeVisible();
  await picture(projector, "projector-groups");

  // Timer: set 5 minutes and start; every screen shows the same seconds (±1).
  await page.getByLabel("Timer (Minuten)").fill("5");
  await page.getByRole("button", { name: "Setzen", exact: true }).click();
  await page.getByRole("button", { name: "Start", exact: true }).click();
  await page.getByRole("button", { name: "Timer", exact: true }).click();
  await expect(projector.getByTestId("stage")).toHaveAttribute("data-stage", "timer");
  await expect(projector.locator(".timer.large")).toBeVisible();
  for (const p of [anna.page, ben.page, projector, page]) {
    await expect(p.getByTestId("timer-clock").first()).toHaveText(/^04:[45]\d$/);
  }
  const seconds = await Promise.all([anna.page, ben.page, projector, page].map(timerSeconds));
  expect(Math.max(...seconds) - Math.min(...seconds), `timer seconds ${seconds}`).toBeLessThanOrEqual(1);
  await expectAccessible(projector, "projector (timer)");
  await picture(projector, "projector-timer");
  await page.getByRole("heading", { name: "Live-Steuerung" }).scrollIntoViewIfNeeded();
  await picture(page, "cockpit");

  // Lock: Anna edits while her WiFi is gone; meanwhile the moderator locks
  // the canvas. When she is back, the server refuses her edit with a notice.
  await anna.context.setOffline(true);
  await expect(anna.page.getByTestId("sync-state")).toHaveAttribute("data-state", "offline");
  await addCard(anna.page, "ziel", "Offline geschrieben");
  await page.getByLabel("IKZ-Projekt-Canvas sperren").check();
  await expect(ben.page.getByTestId("locked")).toBeVisible();
  await expect(section(ben.page, "problem").locator("li.card > textarea")).toBeDisabled();
  await anna.context.setOffline(false);
  await expect(anna.page.getByTestId("refusal")).toContainText("die Tafel ist gesperrt");
  await expect(anna.page.getByTestId("locked")).toBeVisible();
  await expect(section(anna.page, "ziel").locator("li.card")).toHaveCount(0);
  await expect(section(ben.page, "ziel").locator("li.card")).toHaveCount(0);

  // Dot voting: two dots per person; the third cannot be given.
  await page.getByLabel("IKZ-Projekt-Canvas sperren").uncheck();
  await page.getByLabel("Punkte je Person und Tafel (0 = aus)").fill("2");
  await page.getByRole("button", { name: "Punkte speichern" }).click();
  const card = section(ben.page, "problem").locator("li.card").first();
  const give = card.getByRole("button", { name: /Punkt geben/ });
  await expect(give).toHaveAccessibleName("Punkt geben (2 übrig)");
  await give.click();
  await give.click();
  await expect(give).toBeDisabled();
  await expect(give).toHaveAccessibleName("Punkt geben (0 übrig)");
  await expect(card.locator(".dots-own")).toContainText("●●");
  await section(anna.page, "problem").locator("li.card").first().getByRole("button", { name: /Punkt geben/ }).click();
  // Hidden until the reveal: Anna sees only her own dot.
  await expect(anna.page.getByTestId("dots-total")).toHaveCount(0);
  await page.getByRole("button", { name: "Bewertungen aufdecken" }).click();
  await expect(anna.page.getByTestId("dots-total").first()).toHaveText("3 Punkte insgesamt");
  await expect(ben.page.getByTestId("dots-total").first()).toHaveText("3 Punkte insgesamt");

  await anna.context.close();
  await ben.context.close();
  await projectorContext.close();

  // Next workshop: the same preparation, a new code, no content.
  const template = page.locator("section", { has: page.getByRole("heading", { name: "Als Vorlage für eine neue Sitzung verwenden" }) });
  await template.getByLabel("Titel").fill("Steuerung im Test, Teil 2");
  await template.getByLabel("Datum").fill("2027-01-20");
  await template.getByRole("button", { name: "Sitzung anlegen" }).click();
  await expect(page.locator("#facts-heading")).toHaveText("Steuerung im Test, Teil 2");
  await hydrated(page);
  await expect(page.getByTestId("moderator-link")).not.toHaveAttribute("href", moderatorUrl);
  await expect(page.locator("#facts-heading")).toHaveText("Steuerung im Test, Teil 2");
  await expect(page.locator(".group-name")).toHaveText(["Gruppe Nord", "Gruppe Süd"]);
  await expect(page.getByTestId("join-code")).not.toHaveText(code);
});
