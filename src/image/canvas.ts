/**
 * A minimal RGBA canvas for charts written as PNG without a graphics library: pixels, lines,
 * rectangles and text in a built-in 3×5 pixel font (digits, `.`, `-`, `e` and a few letters).
 *
 * @packageDocumentation
 */
import type { RgbaImage } from './grid';

/** An RGB colour, 0–255 per channel. */
export type Rgb = [number, number, number];

// 3×5 glyphs, one string of 15 bits per character, row by row.
const GLYPHS: Record<string, string> = {
  '0': '111101101101111',
  '1': '010110010010111',
  '2': '111001111100111',
  '3': '111001111001111',
  '4': '101101111001001',
  '5': '111100111001111',
  '6': '111100111101111',
  '7': '111001010010010',
  '8': '111101111101111',
  '9': '111101111001111',
  '.': '000000000000010',
  '-': '000000111000000',
  ' ': '000000000000000',
  D: '110101101101110',
  G: '111100101101111',
  e: '000111111100111',
  l: '010010010010011',
  n: '000110101101101',
  o: '000111101101111',
  p: '000111101111100',
  s: '000011110001110',
  t: '010111010010011',
  k: '100101110101101',
  ':': '000010000010000',
};

/** A drawing surface `width × height`, white to start. */
export class Canvas {
  /** The pixels drawn so far (pass it to {@link encodePng}). */
  readonly image: RgbaImage;

  /**
   * @param width - width in pixels
   * @param height - height in pixels
   */
  constructor(
    /** Width in pixels. */
    readonly width: number,
    /** Height in pixels. */
    readonly height: number,
  ) {
    this.image = { width, height, data: new Uint8Array(width * height * 4).fill(255) };
  }

  /** Sets one pixel (ignored outside the canvas); `alpha` blends over what is there. */
  pixel(x: number, y: number, [r, g, b]: Rgb, alpha = 1): void {
    const px = Math.round(x);
    const py = Math.round(y);
    if (px < 0 || py < 0 || px >= this.width || py >= this.height) return;
    const i = (py * this.width + px) * 4;
    const d = this.image.data;
    d[i] = Math.round(d[i] * (1 - alpha) + r * alpha);
    d[i + 1] = Math.round(d[i + 1] * (1 - alpha) + g * alpha);
    d[i + 2] = Math.round(d[i + 2] * (1 - alpha) + b * alpha);
    d[i + 3] = 255;
  }

  /** A straight line from (x0, y0) to (x1, y1), one pixel wide. */
  line(x0: number, y0: number, x1: number, y1: number, color: Rgb, alpha = 1): void {
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    for (let i = 0; i <= steps; i++)
      this.pixel(x0 + ((x1 - x0) * i) / steps, y0 + ((y1 - y0) * i) / steps, color, alpha);
  }

  /** A dashed horizontal line at y from x0 to x1. */
  dashed(x0: number, x1: number, y: number, color: Rgb, dash = 4): void {
    for (let x = Math.round(x0); x <= x1; x++) if (Math.floor((x - x0) / dash) % 2 === 0) this.pixel(x, y, color);
  }

  /** A filled rectangle. */
  rect(x: number, y: number, w: number, h: number, color: Rgb): void {
    for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) this.pixel(x + i, y + j, color);
  }

  /** Text in the 3×5 font at `scale` pixels per font pixel; unknown characters are skipped. Returns its width. */
  text(x: number, y: number, text: string, color: Rgb, scale = 2): number {
    let cx = x;
    for (const ch of text) {
      const glyph = GLYPHS[ch];
      if (glyph !== undefined) {
        for (let row = 0; row < 5; row++) {
          for (let col = 0; col < 3; col++)
            if (glyph[row * 3 + col] === '1') this.rect(cx + col * scale, y + row * scale, scale, scale, color);
        }
      }
      cx += 4 * scale;
    }
    return cx - x;
  }

  /** Width of `text` at `scale`. */
  static textWidth(text: string, scale = 2): number {
    return [...text].length * 4 * scale;
  }
}
