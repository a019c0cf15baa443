/**
 * YAML parsed by an independent parser: PyYAML (Debian python3-yaml, installed by .ci/run) through the system
 * python3. Returns the document as JSON values, or `missing` naming what is absent (requireTool skips or fails).
 */
import { spawnSync } from 'node:child_process';

const PYTHON = '/usr/bin/python3';
const SCRIPT = 'import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin.read())))';

export function yamlParserMissing(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import yaml'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : `${PYTHON} with PyYAML not found (apt-get install python3-yaml)`;
}

export function parseYaml(text: string): unknown {
  const r = spawnSync(PYTHON, ['-c', SCRIPT], { input: text, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`PyYAML refused the document: ${r.stderr.trim().split('\n').pop()}`);
  return JSON.parse(r.stdout);
}
