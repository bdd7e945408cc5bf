// Bundles the viewer page with esbuild into dist/viewer: one script, one stylesheet, one page.
// Everything the page needs comes from npm packages, so it loads nothing from the internet.
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, '..', 'dist', 'viewer');
await mkdir(out, { recursive: true });
await build({
  entryPoints: [path.join(here, 'src', 'main.ts')],
  bundle: true,
  format: 'iife',
  minify: true,
  target: 'es2020',
  legalComments: 'eof',
  outfile: path.join(out, 'viewer.js'),
  logLevel: 'warning',
});
await copyFile(path.join(here, 'index.html'), path.join(out, 'index.html'));
await copyFile(path.join(here, 'viewer.css'), path.join(out, 'viewer.css'));
