/**
 * A real browser for the console tests: Debian's chromium driven by puppeteer-core. Every page
 * it opens collects what would be a defect on the page itself: console errors, uncaught
 * exceptions, Content-Security-Policy violations and failed requests.
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';

export { launchBrowser } from '../../scripts/support/chromium';

/** Where screenshots go (git-ignored). */
export const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-output', 'console');

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
