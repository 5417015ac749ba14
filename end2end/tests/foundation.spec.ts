import { test, expect } from "./fixtures";
import { addGroup, createSession, joinAs, open, hydrated } from "./helpers";

test("moderator creates a session with two groups; participants join by code and stay in their group", async ({ page, browser }) => {
  const { moderatorUrl, code } = await createSession(page);
  await addGroup(page, "Gruppe Nord");
  await addGroup(page, "Gruppe Süd");

  const anna = await joinAs(browser, code, "Anna Becker", "Musterstadt", "Gruppe Nord");
  const ben = await joinAs(browser, code, "Ben Yilmaz", "Beispielhausen", "Gruppe Süd");

  for (const [p, group, name] of [
    [anna.page, "Gruppe Nord", "Anna Becker"],
    [ben.page, "Gruppe Süd", "Ben Yilmaz"],
  ] as const) {
    await p.reload();
    await hydrated(p);
    await expect(p.getByTestId("group-name")).toHaveText(group);
    await expect(p.getByTestId("me")).toContainText(name);
  }

  // The moderator sees both participants with their groups.
  await page.reload();
  await hydrated(page);
  // A reload keeps working from the tab's storage; the secret stays out of the address bar.
  expect(page.url()).toBe(new URL("/moderation", moderatorUrl).href);
  await expect(page.locator(".participants")).toContainText("Anna Becker");
  await expect(page.locator(".participants")).toContainText("Ben Yilmaz (Beispielhausen) · Gruppe Süd");

  await anna.context.close();
  await ben.context.close();
});

test("a wrong code shows the German error", async ({ page }) => {
  await open(page, "/");
  await page.getByLabel("Code von der Leinwand").fill("XXXXXX");
  await page.getByRole("button", { name: "Weiter" }).click();
  await expect(page.getByRole("alert")).toHaveText("Diesen Code gibt es nicht. Bitte prüfen Sie die Eingabe.");

  await open(page, "/");
  await page.getByLabel("Code von der Leinwand").fill("12");
  await page.getByRole("button", { name: "Weiter" }).click();
  await expect(page.getByRole("alert")).toHaveText("Das Feld „Code“ hat ein ungültiges Format.");
});

test("an empty name is refused with a German message", async ({ page, browser }) => {
  const { code } = await createSession(page);
  await addGroup(page, "Gruppe Nord");
  const context = await browser.newContext({ locale: "de-DE" });
  const p = await context.newPage();
  await open(p, `/join/${code}`);
  await p.getByLabel("Ihre Kommune").fill("Musterstadt");
  await p.getByRole("radio", { name: "Gruppe Nord" }).check();
  await p.getByRole("button", { name: "Beitreten" }).click();
  await expect(p.getByRole("alert")).toHaveText("Bitte füllen Sie das Feld „Name“ aus.");
  await context.close();
});
