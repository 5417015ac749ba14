import { test, expect, Page } from "./fixtures";
import { addCard, addGroup, createSession, expectAccessible, joinAs, open, picture, section, hydrated } from "./helpers";

/** Opens the rating of an idea and answers each criterion (1–5, or 0 = "weiß nicht"). */
async function rate(p: Page, idea: string, values: [number, number, number, number]) {
  const box = p.locator("details.rating", { hasText: idea });
  if (!(await box.evaluate((d) => (d as HTMLDetailsElement).open))) await box.locator("summary").click();
  const criteria = ["nutzen", "machbarkeit", "datenverfuegbarkeit", "kooperationsform"];
  for (const [i, v] of values.entries()) {
    const level = box.locator(`fieldset[data-criterion="${criteria[i]}"] label.level`).nth(v === 0 ? 5 : v - 1);
    await level.click();
    await expect(level.locator("input")).toBeChecked();
  }
}

test("three participants fill a canvas, a SWOT with a linked TOWS card, and rate two ideas blind; reveal shows the hand-computed numbers", async ({ page, browser }) => {
  test.setTimeout(180_000);
  const { moderatorUrl, code } = await createSession(page);
  await addGroup(page, "Gruppe Nord");
  await expectAccessible(page, "moderation page");

  // Nutzen counts double (set before any rating; frozen afterwards).
  await page.getByLabel("Nutzen").fill("2");
  await page.getByRole("button", { name: "Gewichte speichern" }).click();
  // The moderation page has more than one status line (the settings', the
  // "Stand sichern" panel's): the settings' one says it.
  await expect(page.getByRole("status").filter({ hasText: "Gespeichert." })).toBeVisible();

  const people = [
    await joinAs(browser, code, "Anna Becker", "Musterstadt", "Gruppe Nord"),
    await joinAs(browser, code, "Ben Yilmaz", "Beispielhausen", "Gruppe Nord"),
    await joinAs(browser, code, "Clara Schäfer", "Neudorf an der Aue", "Gruppe Nord"),
  ];
  const [anna, ben, clara] = people.map((p) => p.page);
  await expectAccessible(anna, "workspace (canvas)");

  // Canvas: every participant contributes, everyone sees all three cards.
  await addCard(anna, "problem", "Zu viele Papieranträge im Bürgeramt");
  await addCard(ben, "ziel", "Gemeinsames Online-Portal für drei Kommunen");
  await addCard(clara, "partner", "Landkreis und Zweckverband IT");
  for (const p of [anna, ben, clara]) {
    await expect(section(p, "problem").locator("li.card > textarea")).toHaveValue("Zu viele Papieranträge im Bürgeramt");
    await expect(section(p, "partner").locator("li.card > textarea")).toHaveValue("Landkreis und Zweckverband IT");
  }
  await picture(anna, "canvas");

  // SWOT + one TOWS strategy linked to a strength.
  for (const p of [anna, ben, clara]) await p.getByRole("button", { name: "SWOT-Analyse" }).click();
  await addCard(ben, "staerken", "Erfahrene IT-Abteilung in Musterstadt");
  await addCard(clara, "chancen", "Förderprogramm des Landes");
  // Step 2 (TOWS) opens when the moderator switches it on.
  await page.getByLabel("Schritt 2: Strategien (TOWS) für alle Gruppen freigeben").check();
  await addCard(anna, "so", "Gemeinsamer Förderantrag mit IT-Kompetenz");
  await section(anna, "so").getByRole("checkbox", { name: /Erfahrene IT-Abteilung/ }).check();
  await expect(section(clara, "staerken").locator(".used-by")).toHaveText("Genutzt in: SO-Strategien: Gemeinsamer Förderantrag mit IT-Kompetenz");
  await expectAccessible(clara, "workspace (SWOT)");
  await picture(clara, "swot");

  // KI: two ideas with a sketch and a flag.
  for (const p of [anna, ben, clara]) await p.getByRole("button", { name: "KI-Projektbewertung" }).click();
  await addCard(anna, "ideen", "Chatbot Bürgeramt");
  await addCard(ben, "ideen", "Prognose Winterdienst");
  const chatbot = anna.locator("li.card", { has: anna.locator("details.rating", { hasText: "Chatbot Bürgeramt" }) });
  await chatbot.locator("details.sketch summary").click();
  await chatbot.getByLabel("Beschreibung").fill("Beantwortet Fragen zu Meldebescheinigungen rund um die Uhr.");
  await chatbot.getByLabel("Beteiligte Kommunen").fill("Musterstadt, Beispielhausen");
  await chatbot.getByLabel("Personenbezogene Daten").check();
  await expect(chatbot.locator(".warning")).toContainText("Personenbezogene Daten");
  const clarasChatbot = clara.locator("li.card", { has: clara.locator("details.rating", { hasText: "Chatbot Bürgeramt" }) });
  await expect(clarasChatbot.locator(".warning")).toContainText("Personenbezogene Daten");

  // Blind rating. Ben answers "Datenverfügbarkeit" with "weiß nicht" (0).
  // Anna rates by keyboard: the levels are a radio group.
  const annaBox = anna.locator("details.rating", { hasText: "Chatbot Bürgeramt" });
  await annaBox.locator("summary").focus();
  await anna.keyboard.press("Enter");
  await annaBox.locator('fieldset[data-criterion="nutzen"] input').first().focus();
  await anna.keyboard.press("Space"); // 1
  for (let i = 0; i < 4; i++) await anna.keyboard.press("ArrowDown"); // → 5
  await expect(annaBox.locator('fieldset[data-criterion="nutzen"] input').nth(4)).toBeChecked();
  await rate(anna, "Chatbot Bürgeramt", [5, 4, 3, 4]);
  await rate(anna, "Prognose Winterdienst", [2, 3, 2, 1]);
  await rate(ben, "Chatbot Bürgeramt", [4, 4, 0, 5]);
  await rate(ben, "Prognose Winterdienst", [3, 2, 1, 2]);
  await rate(clara, "Chatbot Bürgeramt", [3, 5, 4, 3]);
  await rate(clara, "Prognose Winterdienst", [5, 2, 2, 1]);
  await expectAccessible(clara, "workspace (KI rating)");

  // Hidden: everyone sees how many rated, nobody sees the others' values.
  for (const p of [anna, ben, clara]) {
    await expect(p.getByTestId("rating-progress")).toContainText("Chatbot Bürgeramt: 3 Personen haben bewertet");
    await expect(p.getByTestId("ranking")).toHaveCount(0);
  }
  const bensView = ben.locator("details.rating", { hasText: "Chatbot Bürgeramt" });
  await expect(bensView.locator('fieldset[data-criterion="nutzen"] input').nth(3)).toBeChecked(); // his own 4

  // The moderator reveals; weights are frozen now.
  await page.goto(moderatorUrl);
  await page.reload();
  await hydrated(page);
  await expect(page.getByText("Die Gewichte sind eingefroren")).toBeVisible();
  await page.getByRole("button", { name: "Bewertungen aufdecken" }).click();
  await expect(page.getByTestId("reveal-state")).toContainText("aufgedeckt");

  // Hand-computed, weights Nutzen 2, others 1:
  // Chatbot: Ø N 4, M 13/3, D 3.5 (one "weiß nicht"), K 4 →
  //   (2·0.75 + 0.8333 + 0.625 + 0.75) / 5 · 100 = 74.17 → 74
  // Winterdienst: Ø N 10/3, M 7/3, D 5/3, K 4/3 →
  //   (2·0.5833 + 0.3333 + 0.1667 + 0.0833) / 5 · 100 = 35 → 35
  for (const p of [anna, ben, clara]) {
    const table = p.getByTestId("ranking");
    await expect(table).toBeVisible();
    const first = table.locator("tbody tr").nth(0);
    const second = table.locator("tbody tr").nth(1);
    await expect(first.locator("th")).toHaveText("Chatbot Bürgeramt");
    await expect(first.getByTestId("score")).toHaveText("74");
    await expect(first.locator("td").nth(2)).toContainText("4,0");
    await expect(first.locator("td").nth(3)).toContainText("4,3");
    await expect(first.locator("td").nth(4)).toContainText("3,5");
    await expect(first.locator("td").nth(4)).toContainText("weiß nicht 1");
    await expect(first.locator("td").nth(7)).toContainText("Personenbezogene Daten");
    await expect(second.locator("th")).toHaveText("Prognose Winterdienst");
    await expect(second.getByTestId("score")).toHaveText("35");
    await expect(second.locator("td").nth(2)).toContainText("3,3");
    await expect(second.locator("td").nth(2)).toContainText("Dissens");
    await expect(first.locator("td").nth(2)).toContainText("Konsens");
    await expect(p.getByTestId("portfolio").locator("g.bubble")).toHaveCount(2);
  }
  await expectAccessible(ben, "workspace (KI evaluation)");
  await ben.getByTestId("ranking").scrollIntoViewIfNeeded();
  await picture(ben, "ki-auswertung");

  // Sorting by Machbarkeit keeps Chatbot first; by title too.
  await ben.getByRole("button", { name: "Idee", exact: true }).click();
  await expect(ben.getByTestId("ranking").locator("tbody tr").first().locator("th")).toHaveText("Chatbot Bürgeramt");

  for (const p of people) await p.context.close();
});

test("start and join pages pass the accessibility check", async ({ page }) => {
  await open(page, "/");
  await expectAccessible(page, "start page");
  const { code } = await createSession(page);
  await open(page, `/join/${code}`);
  await expectAccessible(page, "join page");
});
