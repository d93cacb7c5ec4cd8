/**
 * Violation collector and small value helpers for `config.ts`: every check records a problem
 * and carries on with a fallback, so one run reports everything that is wrong.
 */
import { ConfigError } from './config-error';

/** Collects violations; the typed readers return the default when a value is missing or bad. */
export class Problems {
  private readonly list: string[] = [];

  add(problem: string): void {
    this.list.push(problem);
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new ConfigError(this.list);
  }

  unknownKeys(obj: Record<string, unknown>, allowed: readonly string[], at: string): void {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key))
        this.add(`${at}.${key} is not a known field (known: ${allowed.join(', ')})`);
    }
  }

  str(obj: Record<string, unknown>, key: string, fallback: string): string {
    const v = obj[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'string') {
      this.add(`${key} must be a string, got ${describe(v)}`);
      return fallback;
    }
    return v;
  }

  bool(obj: Record<string, unknown>, key: string, fallback: boolean): boolean {
    const v = obj[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') {
      this.add(`${key} must be a boolean, got ${describe(v)}`);
      return fallback;
    }
    return v;
  }

  num(
    obj: Record<string, unknown>,
    key: string,
    fallback: number,
    rule: { integer?: boolean; min?: number; max?: number; why?: string; at?: string } = {},
  ): number {
    const name = rule.at ? `${rule.at}.${key}` : key;
    const v = obj[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.add(`${name} must be a number, got ${describe(v)}`);
      return fallback;
    }
    const bad =
      (rule.integer && !Number.isInteger(v)) ||
      (rule.min !== undefined && v < rule.min) ||
      (rule.max !== undefined && v > rule.max);
    if (bad) {
      const bounds = [
        rule.min !== undefined ? `>= ${rule.min}` : '',
        rule.max !== undefined ? `<= ${rule.max}` : '',
      ]
        .filter(Boolean)
        .join(' and ');
      this.add(
        `${name} must be ${rule.integer ? 'an integer' : 'a number'}${bounds ? ` ${bounds}` : ''}${rule.why ? ` ${rule.why}` : ''}, got ${v}`,
      );
    }
    return v;
  }

  obj(parent: Record<string, unknown>, key: string): Record<string, unknown> {
    const v = parent[key];
    if (v === undefined) return {};
    if (!isPlainObject(v)) {
      this.add(`${key} must be an object, got ${describe(v)}`);
      return {};
    }
    return v;
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `${typeof value} ${JSON.stringify(value)}`;
}

export function parseScalar(value: string): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return value;
}
