import { describe, expect, it } from 'vitest';
import { toYaml } from '../../src/util/yaml.js';
import { requireTool } from '../helpers/requirements.js';
import { parseYaml, yamlParserMissing } from '../helpers/yaml.js';

describe('toYaml', () => {
  it('writes block YAML that PyYAML reads back as the same data; strings stay strings', (ctx) => {
    requireTool(ctx, yamlParserMissing(), 'the YAML round trip through PyYAML');
    const data = {
      apiVersion: 'batch/v1',
      'nvidia.com/gpu': '1',
      odd: ['yes', 'no', 'null', '~', '0123', '1e3', 'a: b', '- x', '#c', "it's \"q\"", 'ünï', ''],
      numbers: [0, 1.5, -2, 1e-7],
      flags: [true, false],
      nested: { list: [{ a: 1, b: [1, 2] }, [3, [4]], []], empty: {} },
      'with space': 'v',
    };
    expect(parseYaml(toYaml(data))).toEqual(data);
  });

  it('leaves out undefined fields and writes the layout shown', () => {
    expect(toYaml({ a: 1, b: undefined, c: { d: ['x', 2] } })).toBe('a: 1\nc:\n  d:\n    - "x"\n    - 2\n');
  });
});
