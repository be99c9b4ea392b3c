/// <reference lib="dom" />
/**
 * The page's state, also exposed as `window.__gankitDemo` for the headless-browser test (and for
 * anyone curious, in the developer console).
 */

/** What the page has done so far. */
export interface DemoState {
  /** The TensorFlow.js backend in use, and why (see gankit's `initBrowserBackend`). */
  backend: string | null;
  backendReason: string | null;
  /** True once the generator is loaded and the first digit is drawn. */
  ready: boolean;
  /** Milliseconds from navigation start to the first digit batch on screen. */
  firstDigitMs: number | null;
  /** Milliseconds spent loading the generator (model.json + weights). */
  modelLoadMs: number | null;
  /** The digit shown. */
  digit: number;
  /** How many times the digit grid, the slider sample and the interpolation strip were drawn. */
  draws: { digitGrid: number; sliderSample: number; interpolation: number; lossPlot: number; trainGrid: number };
  /** The sliders' positions. */
  sliders: number[];
  /** Live training: running, steps done, the last step's losses, steps per second. */
  training: boolean;
  trainingSteps: number;
  lastLosses: { dLoss: number; gLoss: number } | null;
  stepsPerSecond: number | null;
  /** Errors the page caught (also shown on the page). */
  errors: string[];
}

export const state: DemoState = {
  backend: null,
  backendReason: null,
  ready: false,
  firstDigitMs: null,
  modelLoadMs: null,
  digit: 3,
  draws: { digitGrid: 0, sliderSample: 0, interpolation: 0, lossPlot: 0, trainGrid: 0 },
  sliders: [],
  training: false,
  trainingSteps: 0,
  lastLosses: null,
  stepsPerSecond: null,
  errors: [],
};

declare global {
  interface Window {
    __gankitDemo: DemoState;
  }
}

window.__gankitDemo = state;

/** The element with this id (throws when the page lacks it). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`the page has no element #${id}`);
  return el as T;
}

/** Shows an error on the page and records it. */
export function reportError(error: unknown): void {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  state.errors.push(message);
  const box = byId('error');
  box.hidden = false;
  box.textContent = state.errors.join('\n');
}
