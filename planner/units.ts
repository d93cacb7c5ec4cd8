/**
 * Parsers for the plan command's quantities: `5000/min`, `2s`, `4KB`. Each returns the value in
 * the planner's unit, or an error message naming what is accepted.
 */

/** A parsed value, or why it could not be parsed. */
export type Parsed =
  | { readonly ok: true; readonly value: number }
  | { readonly ok: false; readonly error: string };

const NUMBER = '(\\d+(?:\\.\\d+)?|\\.\\d+)';

function parseWithUnits(
  text: string,
  what: string,
  units: Readonly<Record<string, number>>,
  defaultUnit: string,
  separator = '',
): Parsed {
  const match = new RegExp(`^${NUMBER}\\s*${separator}\\s*([A-Za-z]*)$`).exec(
    text.trim().replace(/_|,/g, ''),
  );
  const unit = (match?.[2] || defaultUnit).toLowerCase();
  const factor = units[unit];
  if (!match || factor === undefined) {
    return {
      ok: false,
      error: `${what} '${text}' is not understood: give a number with one of ${Object.keys(units).join(', ')} (e.g. ${examples[what] ?? ''})`,
    };
  }
  return { ok: true, value: Number(match[1]) * factor };
}

const examples: Record<string, string> = {
  rate: '5000/min',
  duration: '2s',
  size: '4KB',
  memory: '1024',
};

/** Jobs per minute from `N/s`, `N/min`, `N/h` (or `N/sec`, `N/minute`, `N/hour`); a bare number is per minute. */
export function parseRate(text: string): Parsed {
  const units = { s: 60, sec: 60, second: 60, min: 1, m: 1, minute: 1, h: 1 / 60, hr: 1 / 60, hour: 1 / 60 };
  const parsed = parseWithUnits(text.includes('/') ? text : `${text}/min`, 'rate', units, 'min', '/');
  return parsed.ok ? parsed : { ok: false, error: parsed.error.replace(/'.*?'/, `'${text}'`) };
}

/** Seconds from `N ms`, `N s`, `N m` (or `min`); a bare number is seconds. */
export function parseDuration(text: string): Parsed {
  return parseWithUnits(text, 'duration', { ms: 0.001, s: 1, sec: 1, m: 60, min: 60 }, 's');
}

/** Bytes from `N B`, `N KB`, `N MB` (binary: 1 KB = 1,024 B; `KiB` and `MiB` too); a bare number is bytes. */
export function parseSize(text: string): Parsed {
  return parseWithUnits(text, 'size', { b: 1, kb: 1024, kib: 1024, mb: 1024 ** 2, mib: 1024 ** 2 }, 'b');
}

/** A count as the planner prints it: en-US thousands separators (7,500). */
export const count = (value: number): string => value.toLocaleString('en-US');
