import { test, expect } from "./fixtures";
import { addCard, addGroup, createSession, expectAccessible, hydrated, joinAs } from "./helpers";

// "Stand sichern" (issue #19, antrag.md §5): the moderator saves the boards'
// stand, a participant works on, and the comparison lists what is new and
// what was removed; the stand survives a reload; the documents end with the
// changes (checked on the server); the form refuses an empty label in German.
test("the moderator saves a stand and sees what changed since", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const { code } = await createSession(page, "Zweites Treffen");
  await addGroup(page, "Gruppe Nord");
  const anna = await joinAs(browser, code, "Anna Becker", "Musterstadt", "Gruppe Nord");
  await addCard(anna.page, "problem", "Papierakten");
  await expect(anna.page.locator(".sync-badge")).toContainText("synchronisiert");

  const panel = page.locator("section", { has: page.getByRole("heading", { name: "Stand sichern" }) });
  // An empty label: refused with the German message, nothing saved.
  await panel.getByRole("button", { name: "Stand sichern" }).click();
  await expect(panel.getByRole("alert")).toContainText("Bezeichnung des Stands");
  await expect(panel.getByText("Noch kein Stand gesichert.")).toBeVisible();

  await panel.getByLabel("Bezeichnung (z. B. „1. Treffen“)").fill("1. Treffen");
  await panel.getByRole("button", { name: "Stand sichern" }).click();
  await expect(panel.getByRole("status")).toHaveText("Stand gesichert.");
  await expect(panel.getByTestId("stands").locator("li")).toHaveCount(1);

  // Nothing changed yet.
  await panel.getByRole("button", { name: /^Mit heute vergleichen: 1\. Treffen/ }).click();
  await expect(panel.getByTestId("stand-diff")).toContainText("Seitdem hat sich nichts geändert.");

  // Anna works on; the comparison shows her new card.
  await addCard(anna.page, "ziel", "Ein gemeinsames Portal");
  await expect(anna.page.locator(".sync-badge")).toContainText("synchronisiert");
  await page.reload();
  await hydrated(page);
  const again = page.locator("section", { has: page.getByRole("heading", { name: "Stand sichern" }) });
  await expect(again.getByTestId("stands").locator("li")).toHaveCount(1);
  await again.getByRole("button", { name: /^Mit heute vergleichen: 1\. Treffen/ }).click();
  const diff = again.getByTestId("stand-diff");
  await expect(diff.getByRole("heading", { level: 3 })).toContainText("Unterschied zu „1. Treffen“");
  await expect(diff.getByRole("heading", { level: 4 })).toHaveText("Gruppe Nord · IKZ-Projekt-Canvas");
  await expect(diff.locator("li")).toHaveText([/^neu · .*: Ein gemeinsames Portal$/]);
  await expectAccessible(page, "moderation page with a stand's comparison");
  await anna.context.close();
});
