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
  // The header names what the group analyses; the whole group sees it.
  await anna.page.getByLabel("Gegenstand der Analyse").fill("Gemeinsames Bürgerbüro");
  await expect(ben.page.getByLabel("Gegenstand der Analyse")).toHaveValue("Gemeinsames Bürgerbüro");
  await addCard(anna.page, "staerken", "Erfahrene IT-Abteilung");
  // Step 2 (TOWS) is hidden until the moderator opens it.
  await expect(section(anna.page, "so")).toHaveCount(0);
  await page.getByLabel("Schritt 2: Strategien (TOWS) für alle Gruppen freigeben").check();
  await addCard(anna.page, "so", "Gemeinsames Rechenzentrum");
  // A linked card is named by its field, never by an internal id.
  await section(anna.page, "so").getByRole("checkbox", { name: "Stärken: Erfahrene IT-Abteilung" }).check();

  await expect(section(ben.page, "staerken").locator(".used-by")).toHaveText("Genutzt in: SO-Strategien: Gemeinsames Rechenzentrum");
  await expect(section(ben.page, "so").getByRole("checkbox", { name: /Erfahrene IT-Abteilung/ })).toBeChecked();
  await anna.context.close();
  await ben.context.close();
});

test("the KI board offers the seed's example fields as one-click idea cards", async ({ page, browser }) => {
  const { code } = await createSession(page);
  await addGroup(page, "Gruppe Nord");
  const anna = await joinAs(browser, code, "Anna Becker", "Musterstadt", "Gruppe Nord");
  await anna.page.getByRole("button", { name: "KI-Projektbewertung" }).click();
  const starter = "Prognosemodelle: Fallzahlen im Bürgerbüro vorhersagen, um Personal zu planen";
  await section(anna.page, "ideen").getByRole("button", { name: starter }).click();
  const card = section(anna.page, "ideen").locator("li.card");
  await expect(card.locator("> textarea")).toHaveValue("Fallzahlen im Bürgerbüro vorhersagen, um Personal zu planen");
  // The starter sets the idea's KI-Einsatzfeld.
  await card.locator("details.sketch summary").click();
  await expect(card.getByLabel("KI-Einsatzfeld")).toHaveValue("prognosemodelle");
  await anna.context.close();
});
