/**
 * Headless chromium for the console's browser tests and its documentation screenshot: Debian's
 * package driven by puppeteer-core (nothing downloaded).
 */
import { existsSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';

/** Debian's package; CI installs it when missing, as it does Java. @default /usr/bin/chromium */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Starts headless chromium.
 * @throws Error saying how to install chromium when it is missing
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No chromium at ${CHROMIUM}: the console tests and screenshot need a real browser. ` +
        'Install it with `apt-get install chromium` (or set CHROMIUM_PATH).',
    );
  }
  return puppeteer.launch({
    executablePath: CHROMIUM,
    args: ['--headless=new', '--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
}
