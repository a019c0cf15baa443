import { reproduce, runsRunner, DEFAULT_SWEEP } from 'rdbm-lab';
const io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), errIsTTY: false };
const r = await reproduce({ scale: process.argv[3] ?? 'smoke', resultsDir: process.argv[2], io, runner: await runsRunner({ experiments: [...DEFAULT_SWEEP, 'schedule-seeds'] }) });
console.log('failed', JSON.stringify(r.failed), 'seconds', r.seconds.toFixed(1));
