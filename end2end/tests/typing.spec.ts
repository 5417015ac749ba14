import { test, expect, Browser, Locator, Page } from "./fixtures";
import { addCard, addGroup, createSession, expectAccessible, joinAs, section } from "./helpers";

/** The first card's text field in the "problem" section. */
const card = (p: Page) => section(p, "problem").locator("li.card > textarea").first();

/** Focuses a text field and puts the caret (or a selection) at character positions. */
async function caretAt(box: Locator, start: number, end = start) {
  await box.focus();
  await box.evaluate((el, [s, e]) => (el as HTMLTextAreaElement).setSelectionRange(s, e), [start, end]);
}

async function synced(...pages: Page[]) {
  for (const p of pages) {
    await expect(p.getByTestId("sync-state")).toHaveAttribute("data-state", "synced", { timeout: 15_000 });
  }
}

/** The card's text in the group's JSON export, as the participant downloads it. */
async function exportedText(p: Page, code: string): Promise<string> {
  const response = await p.request.get(`/api/sessions/${code}/export/json`);
  expect(response.status()).toBe(200);
  const file = await response.json();
  return file.groups[0].boards.canvas.sections.problem[0].text;
}

/** A session with one group whose members have all joined and are synchronised. */
async function group({ page, browser }: { page: Page; browser: Browser }, names: string[]) {
  const { code } = await createSession(page);
  await addGroup(page, "Gruppe Nord");
  const people = [];
  for (const [i, name] of names.entries()) {
    people.push(await joinAs(browser, code, name, `Kommune ${i + 1}`, "Gruppe Nord"));
  }
  await synced(...people.map((p) => p.page));
  return { code, people };
}

test("two people typing at the same point of one card keep both words whole, on both screens and in the export", async ({ page, browser }) => {
  const { code, people } = await group({ page, browser }, ["Anna Becker", "Ben Yilmaz"]);
  const [anna, ben] = people;
  await addCard(anna.page, "problem", "Schritt: Ratsbeschluss");
  await expect(card(ben.page)).toHaveValue("Schritt: Ratsbeschluss");

  await caretAt(card(anna.page), 22);
  await caretAt(card(ben.page), 22);
  const started = Date.now();
  await Promise.all([
    anna.page.keyboard.type(" im März", { delay: 40 }),
    ben.page.keyboard.type(" vorbereiten", { delay: 40 }),
  ]);
  const both = /^Schritt: Ratsbeschluss( im März vorbereiten| vorbereiten im März)$/;
  await expect(card(anna.page)).toHaveValue(both);
  await expect(card(ben.page)).toHaveValue(both);
  console.log(`both words on both screens ${Date.now() - started} ms after the first key`);
  const text = await card(anna.page).inputValue();
  await expect(card(ben.page)).toHaveValue(text);
  await synced(anna.page, ben.page);
  expect(await exportedText(ben.page, code)).toBe(text);
  // Both wrote next to each other, nobody changed the other's words.
  await expect(anna.page.locator(".conflict-note")).toHaveCount(0);
  for (const p of people) await p.context.close();
});

test("three people type into one card at the same and at different places, one of them offline for a while", async ({ page, browser }) => {
  const { code, people } = await group({ page, browser }, ["Anna Becker", "Ben Yilmaz", "Cara Schulz"]);
  const [anna, ben, cara] = people;
  await addCard(anna.page, "problem", "Daten teilen");
  for (const p of [ben, cara]) await expect(card(p.page)).toHaveValue("Daten teilen");

  await caretAt(card(anna.page), 0);
  await caretAt(card(ben.page), 12);
  await caretAt(card(cara.page), 12);
  await Promise.all([
    anna.page.keyboard.type("Offene ", { delay: 50 }),
    ben.page.keyboard.type(" sofort", { delay: 50 }),
    (async () => {
      await cara.page.keyboard.type(" gemein", { delay: 50 });
      await cara.context.setOffline(true);
      await expect(cara.page.getByTestId("sync-state")).toHaveAttribute("data-state", "offline");
      await cara.page.keyboard.type("sam", { delay: 50 });
    })(),
  ]);
  // Cara's last keys are still on her screen only.
  await expect(card(cara.page)).toHaveValue(/gemeinsam/);
  await expect(card(anna.page)).toHaveValue(/^Offene Daten teilen/);
  await expect(card(anna.page)).not.toHaveValue(/gemeinsam/);

  await cara.context.setOffline(false);
  await synced(anna.page, ben.page, cara.page);
  const all = /^Offene Daten teilen( sofort gemeinsam| gemeinsam sofort)$/;
  await expect(card(anna.page)).toHaveValue(all);
  const text = await card(anna.page).inputValue();
  for (const p of [ben, cara]) await expect(card(p.page)).toHaveValue(text);
  expect(await exportedText(cara.page, code)).toBe(text);
  for (const p of people) await p.context.close();
});

test("the typist's caret stays on its character while someone else types before it", async ({ page, browser }) => {
  const { people } = await group({ page, browser }, ["Anna Becker", "Ben Yilmaz"]);
  const [anna, ben] = people;
  await addCard(anna.page, "problem", "Schritt: Ratsbeschluss");
  await expect(card(ben.page)).toHaveValue("Schritt: Ratsbeschluss");
  const caret = () => card(anna.page).evaluate((el) => (el as HTMLTextAreaElement).selectionStart);

  // Anna's caret after "Schritt:"; Ben writes at the start.
  await caretAt(card(anna.page), 8);
  await caretAt(card(ben.page), 0);
  await ben.page.keyboard.type("Neu: ", { delay: 20 });
  await expect(card(anna.page)).toHaveValue("Neu: Schritt: Ratsbeschluss");
  expect(await caret()).toBe(13);
  await anna.page.keyboard.type(" 1.");
  await expect(card(anna.page)).toHaveValue("Neu: Schritt: 1. Ratsbeschluss");

  // Both type at once: Ben's keys arrive before Anna's caret while she types.
  await caretAt(card(ben.page), 0);
  await Promise.all([
    anna.page.keyboard.type(" zuerst", { delay: 60 }),
    ben.page.keyboard.type("Ganz ", { delay: 60 }),
  ]);
  const expected = "Ganz Neu: Schritt: 1. zuerst Ratsbeschluss";
  await expect(card(anna.page)).toHaveValue(expected);
  await expect(card(ben.page)).toHaveValue(expected);
  expect(await caret()).toBe(expected.indexOf(" Ratsbeschluss"));
  await anna.page.keyboard.type("!");
  for (const p of people) await expect(card(p.page)).toHaveValue("Ganz Neu: Schritt: 1. zuerst! Ratsbeschluss");
  for (const p of people) await p.context.close();
});

test("two people replacing the same word keep both words, see the notice and can mark it resolved", async ({ page, browser }) => {
  const { people } = await group({ page, browser }, ["Anna Becker", "Ben Yilmaz"]);
  const [anna, ben] = people;
  await addCard(anna.page, "problem", "Personal fehlt im Bauamt");
  await expect(card(ben.page)).toHaveValue("Personal fehlt im Bauamt");

  // Both select "Bauamt" and type over it.
  await caretAt(card(anna.page), 18, 24);
  await caretAt(card(ben.page), 18, 24);
  await Promise.all([
    anna.page.keyboard.type("Ordnungsamt", { delay: 40 }),
    ben.page.keyboard.type("Standesamt", { delay: 40 }),
  ]);
  const both = /^Personal fehlt im (OrdnungsamtStandesamt|StandesamtOrdnungsamt)$/;
  for (const p of people) {
    await expect(card(p.page)).toHaveValue(both);
    await expect(p.page.locator(".conflict-note")).toContainText("Gleichzeitig bearbeitet");
  }
  await expectAccessible(anna.page, "a card edited at the same time");
  await ben.page.getByRole("button", { name: "Als geklärt markieren" }).click();
  for (const p of people) await expect(p.page.locator(".conflict-note")).toHaveCount(0);
  for (const p of people) await p.context.close();
});
