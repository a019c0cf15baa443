#!/usr/bin/env node
// Thin shell: all logic lives in dist/cli/main.js (built by `npm run build`).
import { runCli } from '../dist/cli/main.js';

process.exitCode = await runCli(process.argv.slice(2));
