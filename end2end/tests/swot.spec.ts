import { test, expect } from "./fixtures";
import { addCard, addGroup, createSession, joinAs, section } from "./helpers";

test("a TOWS strategy links the SWOT card it draws on, visible both ways and to the group", async ({ page, browser }) => {
  const { code } = await createSession(page);
  await addGroup(page, "Gruppe Nord");
  const anna = await joinAs(browser, code, "Anna Becker", "Musterstadt", "Gruppe Nord");
  const ben = await joinAs(browser, code, "Ben Yilmaz", "Beispielhausen", "Gruppe Nord");
  for (const p of [anna.page, ben.page]) {
    await p.getByRole("button", { name: "SWOT-Analyse" }).click();
  }
  await addCard(anna.page, "staerken", "Erfahrene IT-Abteilung");
  await addCard(anna.page, "so", "Gemeinsames Rechenzentrum");
  await section(anna.page, "so").getByRole("checkbox", { name: /Erfahrene IT-Abteilung/ }).check();

  await expect(section(ben.page, "staerken").locator(".used-by")).toHaveText("Genutzt in: Gemeinsames Rechenzentrum");
  await expect(section(ben.page, "so").getByRole("checkbox", { name: /Erfahrene IT-Abteilung/ })).toBeChecked();
  await anna.context.close();
  await ben.context.close();
});

test("the KI board offers the seed's example fields as one-click idea cards", async ({ page, browser }) => {
  const { code } = await createSession(page);
  await addGroup(page, "Gruppe Nord");
  const anna = await joinAs(browser, code, "Anna Becker", "Musterstadt", "Gruppe Nord");
  await anna.page.getByRole("button", { name: "KI-Projektbewertung" }).click();
  await section(anna.page, "ideen").getByRole("button", { name: "Prognosemodelle" }).click();
  await expect(section(anna.page, "ideen").locator("li.card > textarea")).toHaveValue("Prognosemodelle");
  await anna.context.close();
});
