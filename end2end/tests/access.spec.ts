import { test, expect } from "./fixtures";
import { addGroup, createSession, expectAccessible, hydrated, joinAs, open } from "./helpers";

test("the moderator closes joining, removes a participant, a participant leaves, the session is deleted", async ({ page, browser }) => {
  test.slow(); // five browser contexts, several reloads
  const { moderatorUrl, code } = await createSession(page, "Zugang im Test");
  await addGroup(page, "Gruppe Nord");
  const secret = moderatorUrl.split("#")[1];

  // The projector link carries its own token, not the moderator's secret.
  const projectorHref = (await page.getByTestId("projector-link").getAttribute("href"))!;
  expect(projectorHref).toMatch(/^\/projector#[0-9a-f]{64}$/);
  expect(projectorHref).not.toContain(secret);
  const projectorContext = await browser.newContext({ locale: "de-DE" });
  const projector = await projectorContext.newPage();
  await open(projector, projectorHref);
  await expect(projector.getByTestId("projector-code")).toHaveText(`${code.slice(0, 3)} ${code.slice(3)}`);
  await expect(projector).toHaveURL(/\/projector$/);

  const anna = await joinAs(browser, code, "Anna Becker", "Musterstadt", "Gruppe Nord");
  const ben = await joinAs(browser, code, "Ben Fake", "Nirgendwo", "Gruppe Nord");

  // Joining closed: a newcomer gets the German message, those in keep working.
  await page.getByRole("button", { name: "Beitritt schließen" }).click();
  await expect(page.getByTestId("joining-state")).toContainText("geschlossen");
  const claraContext = await browser.newContext({ locale: "de-DE" });
  const clara = await claraContext.newPage();
  await open(clara, `/join/${code}`);
  await clara.getByLabel("Ihr Name").fill("Clara");
  await clara.getByLabel("Ihre Kommune").fill("Ort");
  await clara.getByRole("radio", { name: "Gruppe Nord" }).check();
  await clara.getByRole("button", { name: "Beitreten" }).click();
  await expect(clara.getByRole("alert")).toHaveText(
    "Die Moderation hat den Beitritt geschlossen. Bitte wenden Sie sich an die Moderation.",
  );
  await page.getByRole("button", { name: "Beitritt wieder öffnen" }).click();
  await expect(page.getByTestId("joining-state")).toContainText("offen");
  await expectAccessible(page, "moderation with the access panel");

  // The moderator removes Ben (keyboard only); his workspace ends.
  await page.reload();
  await hydrated(page);
  await page.getByRole("button", { name: "Ben Fake entfernen" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("alertdialog")).toContainText("Ben Fake aus der Sitzung entfernen?");
  await page.getByRole("button", { name: "Ja, entfernen" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.locator(".participants")).not.toContainText("Ben Fake");
  await expect(ben.page).toHaveURL(new RegExp(`/join/${code}$`));

  // Anna leaves with her name.
  await anna.page.getByRole("button", { name: "Teilnahme beenden und Namen entfernen" }).click();
  await anna.page.getByRole("button", { name: "Ja, Teilnahme beenden" }).click();
  // Her live connection is closed (with "reload") by the removal itself;
  // the page she asked for wins over that reload.
  await expect(anna.page).toHaveURL(/\/$/);
  await page.reload();
  await hydrated(page);
  await expect(page.getByText("Noch niemand beigetreten.")).toBeVisible();

  // Deleting the session: confirmed, then gone.
  await page.getByRole("button", { name: "Sitzung löschen" }).click();
  await expect(page.getByRole("alertdialog")).toContainText("„Zugang im Test“");
  await page.getByRole("button", { name: "Endgültig löschen" }).click();
  await expect(page).toHaveURL(/\/$/);
  const gone = await page.request.get(`/api/join/${code}`);
  expect(gone.status()).toBe(404);

  for (const c of [anna.context, ben.context, claraContext, projectorContext]) await c.close();
});
