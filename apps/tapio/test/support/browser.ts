import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium (tools/setup.d/apt-packages.txt): playwright-core drives it, nothing is downloaded. */
export const CHROMIUM = process.env['TAPIO_CHROMIUM'] ?? '/usr/bin/chromium';

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * A headless chromium with a fresh profile of its own, that talks to nothing but the
 * page under test (no sync, no component updates, no QUIC, no background traffic).
 */
export async function launchBrowser(viewport = { width: 1360, height: 900 }): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: install Debian's chromium (bash tools/setup.sh does) or set TAPIO_CHROMIUM`);
  const profile = await mkdtemp(join(tmpdir(), 'tapio-chromium-'));
  // playwright passes the fresh profile as --user-data-dir.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    deviceScaleFactor: 1,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's violations on the page as it is now. Evaluated through the devtools
 * protocol, so the page's CSP (no inline script) stays on for the rest of the test.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(`${await axeSource}\n;0`);
  return page.evaluate(async () => {
    // Runs in the page; this file is compiled without the DOM library, hence the shape of globalThis.
    const page = globalThis as unknown as { document: unknown; axe: { run: (context: unknown, options: object) => Promise<{ violations: AxeViolation[] }> } };
    const result = await page.axe.run(page.document, { resultTypes: ['violations'] });
    return result.violations.map(({ id, impact, help, nodes }) => ({ id, impact: impact ?? null, help, nodes: nodes.map((node) => ({ target: node.target as string[] })) }));
  });
}

export function describeViolations(violations: AxeViolation[]): string {
  return violations.map((item) => `${item.impact ?? '?'} ${item.id}: ${item.help} (${item.nodes.map((node) => node.target.join(' ')).join(', ')})`).join('\n');
}
