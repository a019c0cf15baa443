/**
 * Bridge from the experiments runner (src/experiments) to the report: which experiments the bundled
 * job runs, running them, and reducing run files (results/runs/<hash>.json) to ReproducedSets.
 */
import type { ExperimentsRunner } from './reproduce.js';

/** Placeholder until src/experiments exports its runner: runs nothing, collects nothing. */
export async function runsRunner(): Promise<ExperimentsRunner> {
  return {
    experiments: [],
    async run() {},
    async collect() {
      return [];
    },
  };
}
