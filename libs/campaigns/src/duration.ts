import { z } from 'zod';

const ISO_DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * ISO 8601 durations as marketers' windows are written: PT30M, PT24H, P1D, P7D, P1W.
 * Calendar units (years, months) are refused: their length is ambiguous for a window.
 */
export function parseDuration(text: string): number | null {
  const m = ISO_DURATION.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return null;
  const [, w, d, h, min, s] = m.map((x) => (x === undefined ? 0 : Number(x)));
  return ((((w * 7 + d) * 24 + h) * 60 + min) * 60 + s) * 1000;
}

export const durationSchema = z
  .string()
  .refine((s) => (parseDuration(s) ?? 0) > 0, 'must be a positive ISO 8601 duration such as PT30M, PT24H or P7D (no months or years)');
