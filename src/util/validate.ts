import { invalid } from '../errors.js';

/** Returns `value` if it is one of `allowed`, else throws `invalid name: value (expected one of a, b)`. */
export function keyword<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  return invalid(name, value, `one of ${allowed.join(', ')}`);
}

export interface NumberRule {
  /** inclusive lower bound */
  min?: number;
  /** exclusive lower bound */
  gt?: number;
  /** inclusive upper bound */
  max?: number;
  integer?: boolean;
}

function describe(rule: NumberRule): string {
  const parts: string[] = [rule.integer ? 'an integer' : 'a finite number'];
  if (rule.gt !== undefined) parts.push(`> ${rule.gt}`);
  if (rule.min !== undefined && rule.max !== undefined) parts.push(`in [${rule.min}, ${rule.max}]`);
  else if (rule.min !== undefined) parts.push(`>= ${rule.min}`);
  else if (rule.max !== undefined) parts.push(`<= ${rule.max}`);
  return parts.join(' ');
}

/** Returns `value` if it is a number obeying `rule`, else throws naming the value and the rule. */
export function number(name: string, value: unknown, rule: NumberRule = {}): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    (rule.gt === undefined || value > rule.gt) &&
    (rule.min === undefined || value >= rule.min) &&
    (rule.max === undefined || value <= rule.max);
  if (!ok) return invalid(name, value, describe(rule));
  return value as number;
}

/** Parses a command-line string as a number (accepting forms such as `10/255`), then applies `rule`. */
export function parseNumber(name: string, text: string, rule: NumberRule = {}): number {
  const fraction = /^\s*([-+]?[\d.eE+-]+)\s*\/\s*([\d.eE+-]+)\s*$/.exec(text);
  const value = fraction ? Number(fraction[1]) / Number(fraction[2]) : text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(value)) return invalid(name, text, describe(rule));
  return number(name, value, rule);
}
