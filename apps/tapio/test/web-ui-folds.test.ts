import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@tapio/domain';
import { compose, parseConfig, TapioRuntime } from '../src/index.js';
import { axeViolations, describeViolations, launchBrowser, type TestBrowser } from './support/browser.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Service shop/catalog empties because the catalog pods cannot attach their volume: its incident folds into the Deployment's. */
const RECORDING = join(ROOT, 'examples/recordings/generated/callers-refused-volume.ndjson');
const SCREENSHOTS = join(ROOT, 'docs/ui');

/** The web UI as `npm run build` makes it (production React: vitest's NODE_ENV=test would bundle the development build). */
async function buildUi(): Promise<void> {
  await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'libs/interfaces/api/ui/vite.config.ts'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production' },
  }).catch((error: { stdout?: string; stderr?: string }) => {
    throw new Error(`vite build failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
  });
}

/** A root shows "also explains N", expandable to the folded incidents; a folded incident links to its root. */
describe('folded incidents in the web UI, in a real browser', () => {
  let runtime: TapioRuntime;
  let url: string;
  let browser: TestBrowser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    await buildUi();
    const loaded = parseConfig(['cluster: demo', 'api:', '  port: 0', 'collectors:', '  replay:', `    file: ${RECORDING}`, ''].join('\n'), join(ROOT, 'web-ui-folds.yaml'), {});
    runtime = new TapioRuntime(await compose(loaded, silentLogger), 'all', { cluster: loaded.config.cluster, busType: 'embedded', correlation: loaded.config.correlation, baseDir: loaded.baseDir, watchPatterns: false, api: loaded.config.api });
    await runtime.start();
    await runtime.finiteCollectorsDone();
    // The recording ended: the Service's held match (service-without-endpoints waits two minutes) is reported.
    await runtime.correlation?.releaseHeld(Number.POSITIVE_INFINITY);
    url = runtime.apiUrl as string;
    browser = await launchBrowser();
    await browser.context.route((target) => !target.href.startsWith(`${url}/`), (route) => {
      problems.push(`request outside Tapio: ${route.request().url()}`);
      return route.abort();
    });
    page = await browser.context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await runtime?.stop();
  });

  const expectAccessible = async (where: string) => {
    const blocking = (await axeViolations(page)).filter((item) => item.impact === 'critical' || item.impact === 'serious');
    expect(blocking, `${where}:\n${describeViolations(blocking)}`).toEqual([]);
  };

  it('lists one incident per cause; its "Also explains 1 incident" opens from the keyboard to the folded one', async () => {
    await page.goto(`${url}/`);
    const rows = page.locator('table.incidents tbody tr');
    await rows.first().waitFor();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('Deployment shop/catalog');
    const summary = rows.first().locator('details.folds summary');
    expect(await summary.textContent()).toBe('Also explains 1 incident');
    await summary.focus();
    await page.keyboard.press('Enter');
    const folded = rows.first().locator('details.folds li');
    await folded.waitFor();
    expect(await folded.textContent()).toContain('Service shop/catalog (service-without-endpoints): its pods are the ones that fail');
    await page.screenshot({ path: join(SCREENSHOTS, 'incidents-folded.png') });
    await expectAccessible('incidents page, folds open');
  });

  it('the folded incident links to its root, and the root lists what it explains', async () => {
    await page.locator('table.incidents details.folds li a').click();
    const note = page.locator('.folded-into');
    await note.waitFor();
    expect(await note.textContent()).toContain('(root cause Deployment shop/catalog): its pods are the ones that fail');
    await expectAccessible('folded incident page');
    await note.locator('a').click();
    const section = page.locator('section[aria-labelledby="folds-title"]');
    await section.waitFor();
    expect(await section.locator('h2').textContent()).toBe('Also explains 1 incident');
    expect(await section.locator('li').textContent()).toContain('Service shop/catalog');
    await page.screenshot({ path: join(SCREENSHOTS, 'incident-also-explains.png'), fullPage: true });
    await expectAccessible('root incident page');
    expect(problems).toEqual([]);
  });
});
