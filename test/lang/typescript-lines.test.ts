import { SyntaxKind } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import type { Workspace } from '../../src/extractors/contract.js';
import { typescriptFrontend } from '../../src/lang/typescript/frontend.js';
import { lineOf } from '../../src/lang/typescript/sites.js';

function callLines(text: string): { ours: number[]; tsMorph: number[] } {
  const workspace: Workspace = {
    repository: 'demo',
    root: '/demo',
    files: new Set(['src/main.ts']),
    read: () => text,
  };
  const input = {
    repository: 'demo',
    root: '/demo',
    path: 'src/main.ts',
    language: 'typescript' as const,
    text,
  };
  const [file] = typescriptFrontend.load([input], workspace).files;
  if (!file) throw new Error('not loaded');
  const calls = file.source.getDescendantsOfKind(SyntaxKind.CallExpression);
  return {
    ours: calls.map((call) => lineOf(call)),
    tsMorph: calls.map((call) => call.getStartLineNumber()),
  };
}

describe('lineOf', () => {
  it('gives the line ts-morph gives, for LF and CRLF files and the first and last line', () => {
    const lines = ["send('a');", '', '/** doc */', 'send(`b', 'c`);', '  send("d"); send("e");'];
    for (const newline of ['\n', '\r\n']) {
      const { ours, tsMorph } = callLines(lines.join(newline));
      expect(ours).toEqual([1, 4, 6, 6]);
      expect(ours).toEqual(tsMorph);
    }
  });
});
