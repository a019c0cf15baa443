/**
 * Process entry for renderPlotBundleSync (notebook.ts): reads a Vega-Lite spec as JSON on stdin,
 * writes its PNG to stdout. Argument: the pixel ratio.
 */
import { renderPng } from './render.js';

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const png = await renderPng(JSON.parse(Buffer.concat(chunks).toString('utf8')), { scale: Number(process.argv[2] ?? 1) });
process.stdout.write(png);
