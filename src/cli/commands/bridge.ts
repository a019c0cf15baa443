import type { Command } from '../command.js';
import { formatNumber as fmt } from '../format.js';
import { parseNumber } from '../../util/validate.js';
import { rnrCurve } from '../../bridge/rnr.js';
import { bridgeSchedule } from '../../bridge/schedule.js';
import { THETA_SCHEDULES, THETA_SCHEDULE_NAMES } from '../../bridge/schedules.js';
import { PAPER_CONFIG, lambdaLabel } from '../../experiments/paper.js';


export const bridgeCommand: Command = {
  name: 'bridge',
  summary: 'print the bridge schedule θ, Θ, Σ for a schedule, T and λ',
  description: [
    'Prints the generalized-bridge coefficients per step t = 0 … T−1:',
    '  θ_t (noise schedule), Θ_t = sinh(θ̄_{t:T})/sinh(θ̄_{0:T}), Σ_t = sqrt(2λ sinh(θ̄_{0:t}) sinh(θ̄_{t:T})/sinh(θ̄_{0:T})).',
    'Schedules:',
    ...THETA_SCHEDULE_NAMES.map((n) => `  ${n}: ${THETA_SCHEDULES[n].definition}`),
  ].join('\n'),
  options: [
    { name: 'schedule', type: 'string', description: 'θ schedule', choices: THETA_SCHEDULE_NAMES, default: PAPER_CONFIG.schedule },
    { name: 'timesteps', type: 'integer', description: 'T, the number of steps', min: 2, default: PAPER_CONFIG.timesteps },
    // the paper's λ, as `rdbm train` and the sweeps use it; the released code's 1e-4 is the rdbm-official preset
    { name: 'lambda', type: 'string', valueName: '<num>', description: "λ > 0, fractions such as 10/255 accepted (default: the paper's, as rdbm train uses; the official code's is 1e-4)", default: lambdaLabel(PAPER_CONFIG.lambda) },
    { name: 'rnr', type: 'boolean', description: 'add the pixel-independent residual-to-noise factor sinh(θ̄_{t:T})/(2λ sinh(θ̄_{0:t}) sinh(θ̄_{0:T}))' },
    { name: 'json', type: 'boolean', description: 'print one JSON object {"theta": [...], "Theta": [...], "Sigma": [...]}' },
  ],
  examples: ['rdbm bridge --schedule cosine --timesteps 100 --lambda 0.0001 --json', 'rdbm bridge --lambda 10/255 --timesteps 10'],
  run({ options }, io) {
    const lambda = parseNumber('--lambda', String(options.lambda), { gt: 0 });
    const s = bridgeSchedule({ schedule: options.schedule as string, timesteps: options.timesteps as number, lambda });
    const rnr = options.rnr ? rnrCurve(s) : undefined;
    if (options.json) {
      const out: Record<string, number[]> = { theta: Array.from(s.theta), Theta: Array.from(s.Theta), Sigma: Array.from(s.Sigma) };
      if (rnr) out.rnr = Array.from(rnr);
      io.out(`${JSON.stringify(out)}\n`);
      return 0;
    }
    io.out(`# schedule ${s.name}, T = ${s.timesteps}, λ = ${lambda}, θ̄_{0:T} = ${fmt(s.thetaTotal)}\n`);
    const head = ['t', 'θ_t', 'Θ_t', 'Σ_t', ...(rnr ? ['R_t/r²'] : [])];
    io.out(`${head.map((h, i) => (i === 0 ? h.padStart(5) : h.padStart(14))).join('')}\n`);
    for (let t = 0; t < s.timesteps; t++) {
      const row = [String(t).padStart(5), ...[s.theta[t], s.Theta[t], s.Sigma[t], ...(rnr ? [rnr[t]] : [])].map((v) => fmt(v).padStart(14))];
      io.out(`${row.join('')}\n`);
    }
    return 0;
  },
};
