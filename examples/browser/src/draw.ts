/// <reference lib="dom" />
import { pictures } from 'gankit';

/** Draws an RGBA image (a sample grid or a loss plot) into `canvas`, resizing it to fit. */
export function drawImage(canvas: HTMLCanvasElement, image: pictures.RgbaImage): void {
  if (canvas.width !== image.width) canvas.width = image.width;
  if (canvas.height !== image.height) canvas.height = image.height;
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error(`canvas #${canvas.id} has no 2D context`);
  ctx.putImageData(pictures.toImageData(image), 0, 0);
}

/** Calls `draw` at most once per animation frame, however often `schedule` is called. */
export function coalesce(draw: () => void): () => void {
  let pending = false;
  return () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      draw();
    });
  };
}

/** Fills `canvas` with `background` and writes `message` in its middle (a panel's empty state). */
export function drawPlaceholder(canvas: HTMLCanvasElement, message: string, background = '#111', color = '#bbb'): void {
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = color;
  ctx.font = '15px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(message, canvas.width / 2, canvas.height / 2);
}
