/**
 * The browser demo (examples/browser/) in real headless Chromium: Debian's `chromium` package,
 * driven by playwright-core (which downloads no browser). The test builds the demo, serves it on
 * a random localhost port, and checks what a person would: the page loads with no console error,
 * a batch of digits is drawn, another digit and a slider change the picture, and a few steps of
 * live training update the loss plot. Screenshots go to test-output/browser/.
 *
 * Without /usr/bin/chromium (or $GANKIT_CHROMIUM) the suite is skipped with a message saying how
 * to install it.
 */
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { buildDemo, type BuildDemoResult } from '../../examples/browser/build';
import { serveDemo, type DemoServer } from '../../examples/browser/serve';
import type { DemoState } from '../../examples/browser/src/state';

const root = path.resolve(__dirname, '..', '..');
const CHROMIUM = process.env.GANKIT_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOTS = path.join(root, 'test-output', 'browser');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(
    `test/browser/page.test.ts: SKIPPED: no Chromium at ${CHROMIUM}. Install Debian's package (as root: ` +
      'apt-get update && apt-get install -y chromium) or point GANKIT_CHROMIUM at a Chromium binary. ' +
      'playwright-core drives it; no browser is downloaded.',
  );
}
const describeWithChromium = haveChromium ? describe : describe.skip;

/** Pixel statistics of a canvas, computed in the page. */
interface CanvasStats {
  width: number;
  height: number;
  /** Mean and standard deviation of the gray level (R channel), 0-255. */
  mean: number;
  std: number;
  /** Fraction of pixels brighter than 128. */
  bright: number;
  /** The R channel, one character per pixel, for comparing two states of the same canvas. */
  gray: string;
}

async function canvasStats(page: Page, id: string): Promise<CanvasStats> {
  return page.evaluate((canvasId) => {
    const canvas = document.getElementById(canvasId) as HTMLCanvasElement;
    const { width, height } = canvas;
    // Read through a copy, so the page's canvas is not read back again and again.
    const copy = document.createElement('canvas');
    Object.assign(copy, { width, height });
    const ctx = copy.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
    ctx.drawImage(canvas, 0, 0);
    const data = ctx.getImageData(0, 0, width, height).data;
    const n = width * height;
    const gray = new Uint8Array(n);
    let sum = 0;
    let sq = 0;
    let bright = 0;
    for (let i = 0; i < n; i++) {
      const v = data[4 * i];
      gray[i] = v;
      sum += v;
      sq += v * v;
      if (v > 128) bright++;
    }
    const mean = sum / n;
    let text = '';
    for (let i = 0; i < n; i += 8192) text += String.fromCharCode(...gray.subarray(i, i + 8192));
    return { width, height, mean, std: Math.sqrt(Math.max(0, sq / n - mean * mean)), bright: bright / n, gray: text };
  }, id);
}

/** Mean absolute difference of two states of the same canvas (gray levels, 0-255). */
function difference(a: CanvasStats, b: CanvasStats): number {
  expect([b.width, b.height]).toEqual([a.width, a.height]);
  let sum = 0;
  for (let i = 0; i < a.gray.length; i++) sum += Math.abs(a.gray.charCodeAt(i) - b.gray.charCodeAt(i));
  return sum / a.gray.length;
}

function demoState(page: Page): Promise<DemoState> {
  return page.evaluate(() => window.__gankitDemo);
}

describeWithChromium('browser demo in headless Chromium', () => {
  let built: BuildDemoResult;
  let server: DemoServer;
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  const failedRequests: string[] = [];
  const consoleLines: string[] = [];

  beforeAll(async () => {
    const outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gankit-demo-build-'));
    built = await buildDemo({ outDir, log: null });
    console.log(
      `demo built in ${built.seconds.toFixed(1)} s: main.js ${(built.bundleBytes / 1024).toFixed(0)} KiB (${(built.bundleGzipBytes / 1024).toFixed(0)} KiB gzipped), generator weights ${(built.weightsBytes / 1024).toFixed(0)} KiB`,
    );
    server = await serveDemo({ dir: outDir });
    profile = await fs.mkdtemp(path.join(os.tmpdir(), 'gankit-chromium-profile-'));
    await fs.mkdir(SCREENSHOTS, { recursive: true });
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 1000 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (msg) => {
      consoleLines.push(`[${msg.type()}] ${msg.text()}`);
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('requestfailed', (req) => failedRequests.push(`${req.url()}: ${req.failure()?.errorText}`));
    page.on('response', (res) => {
      if (res.status() >= 400) failedRequests.push(`${res.url()}: HTTP ${res.status()}`);
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (profile) await fs.rm(profile, { recursive: true, force: true });
    if (built) await fs.rm(built.outDir, { recursive: true, force: true });
    if (consoleLines.length > 0) console.log(`browser console:\n${consoleLines.join('\n')}`);
  });

  test('loads and draws a batch of the chosen digit, with no console error', async () => {
    await page.goto(server.url);
    await page.waitForFunction(
      () => window.__gankitDemo?.ready === true || (window.__gankitDemo?.errors.length ?? 0) > 0,
      undefined,
      { timeout: 45_000 },
    );
    const state = await demoState(page);
    expect(state.errors).toEqual([]);
    console.log(
      `headless Chromium: backend ${state.backend} (${state.backendReason}); first digit drawn ${state.firstDigitMs?.toFixed(0)} ms after navigation start (generator loaded in ${state.modelLoadMs?.toFixed(0)} ms)`,
    );
    expect(['webgl', 'wasm', 'cpu']).toContain(state.backend);
    expect(await page.textContent('#backend')).toBe(state.backend);

    const grid = await canvasStats(page, 'digit-grid');
    // 8 × 8 digits of 56 px with 2 px gaps: white strokes on black, neither blank nor saturated.
    expect([grid.width, grid.height]).toEqual([466, 466]);
    expect(grid.std).toBeGreaterThan(30);
    expect(grid.bright).toBeGreaterThan(0.03);
    expect(grid.bright).toBeLessThan(0.5);
    await page.screenshot({ path: path.join(SCREENSHOTS, '1-loaded.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  test('another digit and a latent slider change the picture', async () => {
    const before = await canvasStats(page, 'digit-grid');
    const draws = (await demoState(page)).draws.digitGrid;
    await page.click('#digits button[data-digit="7"]');
    await page.waitForFunction((n) => window.__gankitDemo.draws.digitGrid > n, draws);
    const after = await canvasStats(page, 'digit-grid');
    expect((await demoState(page)).digit).toBe(7);
    expect(after.std).toBeGreaterThan(30);
    expect(difference(before, after)).toBeGreaterThan(10);
    expect(await page.getAttribute('#digits button[data-digit="7"]', 'aria-pressed')).toBe('true');

    const sample = await canvasStats(page, 'slider-sample');
    const sliderDraws = (await demoState(page)).draws.sliderSample;
    await page.fill('#slider-0', '1.5');
    await page.fill('#slider-3', '-1');
    await page.waitForFunction(() => window.__gankitDemo.sliders[0] === 1.5 && window.__gankitDemo.sliders[3] === -1);
    // The page redraws at the next animation frame after a slider moves: wait two frames.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    expect((await demoState(page)).draws.sliderSample).toBeGreaterThan(sliderDraws);
    const moved = await canvasStats(page, 'slider-sample');
    expect(moved.std).toBeGreaterThan(30);
    // Redrawn without the move, the canvas would not differ at all; the shipped generator moves by ~4 (of 255) here.
    expect(difference(sample, moved)).toBeGreaterThan(1.5);

    const strip = await canvasStats(page, 'interp-strip');
    expect(strip.std).toBeGreaterThan(30);
    const stripDraws = (await demoState(page)).draws.interpolation;
    await page.click('#new-endpoints');
    await page.waitForFunction((n) => window.__gankitDemo.draws.interpolation > n, stripDraws);
    expect(difference(strip, await canvasStats(page, 'interp-strip'))).toBeGreaterThan(5);
    await page.screenshot({ path: path.join(SCREENSHOTS, '2-digit-7-slider.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  test('live training runs steps and updates the loss plot and the sample grid', async () => {
    const plot = await canvasStats(page, 'loss-plot');
    await page.click('#train-toggle');
    await page.waitForFunction(
      () => window.__gankitDemo.trainingSteps >= 5 && window.__gankitDemo.draws.lossPlot >= 3,
      undefined,
      { timeout: 45_000 },
    );
    // Let it run a little longer for a telling screenshot (not an assertion: at most ~60 steps or 8 s).
    await page
      .waitForFunction(() => window.__gankitDemo.trainingSteps >= 60, undefined, { timeout: 8_000 })
      .catch(() => undefined);
    await page.click('#train-toggle');
    await page.waitForFunction(() => !window.__gankitDemo.training, undefined, { timeout: 30_000 });
    const state = await demoState(page);
    console.log(
      `live training: ${state.trainingSteps} steps at ${state.stepsPerSecond?.toFixed(1) ?? '?'} steps/s on ${state.backend}; last D ${state.lastLosses?.dLoss.toFixed(3)}, G ${state.lastLosses?.gLoss.toFixed(3)}`,
    );
    expect(state.trainingSteps).toBeGreaterThanOrEqual(5);
    expect(Number.isFinite(state.lastLosses?.dLoss) && Number.isFinite(state.lastLosses?.gLoss)).toBe(true);
    expect(await page.textContent('#train-step')).toBe(state.trainingSteps.toLocaleString('en'));
    expect(difference(plot, await canvasStats(page, 'loss-plot'))).toBeGreaterThan(0.2);
    const samples = await canvasStats(page, 'train-grid');
    expect(samples.std).toBeGreaterThan(5);
    expect(state.draws.trainGrid).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: path.join(SCREENSHOTS, '3-training.png'), fullPage: true });
    expect(state.errors).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(failedRequests).toEqual([]);
  });
});
