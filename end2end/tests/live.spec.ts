import { test, expect } from "./fixtures";
import { addCard, addGroup, createSession, joinAs, section, hydrated } from "./helpers";

test("two participants in one group see each other's new card in under a second", async ({ page, browser }) => {
  const { code } = await createSession(page);
  await addGroup(page, "Gruppe Nord");
  const anna = await joinAs(browser, code, "Anna Becker", "Musterstadt", "Gruppe Nord");
  const ben = await joinAs(browser, code, "Ben Yilmaz", "Beispielhausen", "Gruppe Nord");
  for (const p of [anna.page, ben.page]) {
    await expect(p.getByTestId("sync-state")).toHaveAttribute("data-state", "synced");
  }
  await expect(anna.page.getByTestId("presence")).toContainText("Ben Yilmaz");

  const started = Date.now();
  await addCard(anna.page, "problem", "Lange Wartezeiten im Bürgerbüro");
  await expect(section(ben.page, "problem").locator("textarea")).toHaveValue("Lange Wartezeiten im Bürgerbüro", { timeout: 1000 });
  console.log(`card visible to the other participant after ${Date.now() - started} ms`);

  await anna.context.close();
  await ben.context.close();
});

test("offline edits survive a reload and sync when back online", async ({ page, browser }) => {
  const { code } = await createSession(page);
  await addGroup(page, "Gruppe Nord");
  const anna = await joinAs(browser, code, "Anna Becker", "Musterstadt", "Gruppe Nord");
  const ben = await joinAs(browser, code, "Ben Yilmaz", "Beispielhausen", "Gruppe Nord");
  await expect(anna.page.getByTestId("sync-state")).toHaveAttribute("data-state", "synced");
  await addCard(anna.page, "ziel", "Gemeinsames Portal");
  await expect(section(ben.page, "ziel").locator("textarea")).toHaveValue("Gemeinsames Portal");

  await anna.context.setOffline(true);
  await expect(anna.page.getByTestId("sync-state")).toHaveAttribute("data-state", "offline");
  await addCard(anna.page, "problem", "Offline notiert");
  const first = section(anna.page, "ziel").locator("textarea").first();
  await first.fill("Gemeinsames Portal für drei Kommunen");
  await first.blur();
  await expect(anna.page.getByTestId("sync-state")).toContainText("3 Änderungen warten");

  await anna.page.reload();
  await hydrated(anna.page);
  await expect(section(anna.page, "problem").locator("textarea")).toHaveValue("Offline notiert");
  await expect(anna.page.getByTestId("sync-state")).toHaveAttribute("data-state", "offline");

  await anna.context.setOffline(false);
  await expect(anna.page.getByTestId("sync-state")).toHaveAttribute("data-state", "synced", { timeout: 15_000 });
  for (const p of [anna.page, ben.page]) {
    await expect(section(p, "problem").locator("textarea")).toHaveValue("Offline notiert");
    await expect(section(p, "ziel").locator("textarea")).toHaveValue("Gemeinsames Portal für drei Kommunen");
  }
  await anna.context.close();
  await ben.context.close();
});
