// Scans one tree in a fresh process and prints its figures as JSON, so each run's peak
// memory is its own.
import { scan } from '../src/scan/scan.js';

const [target, out] = process.argv.slice(2);
if (!target || !out) throw new Error('usage: scan-once <path> <out>');
const outcome = await scan({ paths: [target], outDir: out });
const repo = outcome.summary.repositories[0];
process.stdout.write(
  JSON.stringify({
    files: repo?.filesRead ?? 0,
    lines: repo?.lines ?? 0,
    nodes: outcome.graph.nodes.length,
    edges: outcome.graph.edges.length,
    seconds: outcome.summary.elapsedMs / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
