import { describe, expect, it } from 'vitest';
import {
  parsePathAliases,
  resolveRelative,
  resolveSpecifier,
} from '../../src/lang/typescript/module-paths.js';

const files = new Set([
  'server/queues/index.ts',
  'server/queues/queue.ts',
  'server/queues/tasks/base/BaseTask.ts',
  'shared/time.ts',
]);
const exists = (path: string) => files.has(path);

describe('typescript module paths', () => {
  it("resolves a folder named by '..' or '../../' to its index", () => {
    expect(resolveRelative('server/queues/processors/Debounce.ts', '..', exists)).toBe(
      'server/queues/index.ts',
    );
    expect(resolveRelative('server/queues/tasks/base/BaseTask.ts', '../../', exists)).toBe(
      'server/queues/index.ts',
    );
  });

  it('resolves tsconfig path aliases, and leaves packages alone', () => {
    const aliases = parsePathAliases(`{
      "compilerOptions": {
        // comments and trailing commas as tsconfig allows
        "paths": { "@server/*": ["./server/*"], "@shared/*": ["./shared/*"], },
      },
    }`);
    expect(resolveSpecifier('a.ts', '@server/queues/queue', exists, aliases)).toBe(
      'server/queues/queue.ts',
    );
    expect(resolveSpecifier('a.ts', '@server/queues', exists, aliases)).toBe(
      'server/queues/index.ts',
    );
    expect(resolveSpecifier('a.ts', '@shared/time', exists, aliases)).toBe('shared/time.ts');
    expect(resolveSpecifier('a.ts', 'bull', exists, aliases)).toBeUndefined();
    expect(resolveSpecifier('a.ts', '@server/missing', exists, aliases)).toBeUndefined();
  });

  it('reads no aliases from a tsconfig without paths or that does not parse', () => {
    expect(parsePathAliases('{ "compilerOptions": { "strict": true } }')).toBeUndefined();
    expect(parsePathAliases('not json')).toBeUndefined();
  });
});
