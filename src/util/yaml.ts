/**
 * A block-style YAML writer for plain data (objects, arrays, strings, numbers, booleans): what a Kubernetes
 * manifest needs and no more. Every string is written double-quoted with JSON escapes, which YAML 1.2 reads
 * back as the same string, so no value can be taken for a number, a boolean or null.
 */
export type YamlValue = string | number | boolean | readonly YamlValue[] | { readonly [key: string]: YamlValue | undefined };

function scalar(value: string | number | boolean): string {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`yaml: ${value} has no YAML form`);
  if (typeof value === 'string') return JSON.stringify(value);
  // YAML 1.1 readers (PyYAML) take an exponent without a dot for a string: 1e-7 → 1.0e-7
  return typeof value === 'number' ? String(value).replace(/^(-?\d+)e/, '$1.0e') : String(value);
}

const KEY = /^[A-Za-z_][A-Za-z0-9_./-]*$/;

function lines(value: YamlValue, indent: string): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${indent}[]`];
    return value.flatMap((item: YamlValue) => {
      const inner = lines(item, `${indent}  `);
      // `- ` takes the place of the item's first indentation
      return [`${indent}- ${inner[0].slice(indent.length + 2)}`, ...inner.slice(1)];
    });
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined) as [string, YamlValue][];
    if (entries.length === 0) return [`${indent}{}`];
    return entries.flatMap(([k, v]) => {
      const key = KEY.test(k) ? k : JSON.stringify(k);
      const nested = typeof v === 'object' && (Array.isArray(v) ? v.length > 0 : Object.values(v).some((x) => x !== undefined));
      return nested ? [`${indent}${key}:`, ...lines(v, `${indent}  `)] : [`${indent}${key}: ${lines(v, '')[0]}`];
    });
  }
  return [`${indent}${scalar(value)}`];
}

/** One YAML document (with a trailing newline). */
export function toYaml(value: YamlValue): string {
  return `${lines(value, '').join('\n')}\n`;
}
