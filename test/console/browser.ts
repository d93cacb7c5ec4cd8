/**
 * A real browser for the console tests: Debian's chromium driven by puppeteer-core. Every page
 * it opens collects what would be a defect on the page itself: console errors, uncaught
 * exceptions, Content-Security-Policy violations and failed requests.
 */
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/** Debian's package; CI installs it when missing, as it does Java. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where screenshots go (git-ignored). */
export const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-output', 'console');

/**
 * Starts headless chromium.
 * @throws Error saying how to install chromium when it is missing
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No chromium at ${CHROMIUM}: the console tests need a real browser. ` +
        'Install it with `apt-get install chromium` (or set CHROMIUM_PATH).',
    );
  }
  return puppeteer.launch({
    executablePath: CHROMIUM,
    args: ['--headless=new', '--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
}

/** A page and the problems it reported so far. */
export interface WatchedPage {
  readonly page: Page;
  /** Console errors, page errors, CSP violations and failed requests, in order. */
  readonly problems: string[];
  /** Saves a PNG under {@link SCREENSHOTS}; returns its path. */
  screenshot(name: string): Promise<string>;
}

/** Opens a new page that records its problems (listeners attached before the first load). */
export async function watchedPage(browser: Browser): Promise<WatchedPage> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1360, height: 900 });
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${(error as Error).message ?? error}`));
  page.on('requestfailed', (request) =>
    problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`),
  );
  // Reported as a console error too; this names the directive and what it blocked.
  // A string: these tests type-check without the DOM's types.
  await page.evaluateOnNewDocument(`document.addEventListener('securitypolicyviolation', (event) =>
    console.error('CSP violation: ' + event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline')))`);
  return {
    page,
    problems,
    async screenshot(name) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      const file = path.join(SCREENSHOTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
  };
}
