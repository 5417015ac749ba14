import { defineConfig } from "@playwright/test";

// scripts/test.sh starts the release server on a free port and sets IKZ_E2E_BASE_URL.
export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    // IKZ_E2E_BASE_URL lets a second server (another port) run the suite.
    baseURL: process.env.IKZ_E2E_BASE_URL ?? "http://127.0.0.1:3000",
    locale: "de-DE",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
});
