import { describe, expect, it } from 'vitest';
import {
  readPathAliases,
  resolveModule,
  resolveRelative,
} from '../../src/lang/typescript/module-paths.js';

describe('tsconfig path aliases', () => {
  const files = new Set(['src/infra/queue.ts', 'src/shared/constants/index.ts', 'lib/log.js']);
  const exists = (candidate: string) => files.has(candidate);
  const config = `{
    // comments and trailing commas, as tsconfig files allow
    "compilerOptions": { "baseUrl": "src", "paths": { "@/*": ["*"], "log": ["../lib/log.js"], }, },
  }`;
  const aliases = readPathAliases((p) => (p === 'tsconfig.json' ? config : undefined));

  it('maps an aliased specifier to a workspace file, index files included', () => {
    expect(resolveModule('src/a/b.ts', '@/infra/queue', exists, aliases)).toBe(
      'src/infra/queue.ts',
    );
    expect(resolveModule('src/a/b.ts', '@/shared/constants', exists, aliases)).toBe(
      'src/shared/constants/index.ts',
    );
    expect(resolveModule('src/a/b.ts', 'log', exists, aliases)).toBe('lib/log.js');
  });

  it('leaves packages and missing files alone', () => {
    expect(resolveModule('src/a/b.ts', '@aws-sdk/client-sqs', exists, aliases)).toBeUndefined();
    expect(resolveModule('src/a/b.ts', '@/missing', exists, aliases)).toBeUndefined();
    expect(resolveModule('src/a/b.ts', '../infra/queue', exists, aliases)).toBe(
      'src/infra/queue.ts',
    );
  });

  it('has no aliases without a tsconfig or without paths', () => {
    expect(readPathAliases(() => undefined)).toEqual([]);
    expect(readPathAliases(() => '{ "compilerOptions": {} }')).toEqual([]);
  });
});

describe('typescript module paths in a server tree', () => {
  const files = new Set([
    'server/queues/index.ts',
    'server/queues/queue.ts',
    'server/queues/tasks/base/BaseTask.ts',
    'shared/time.ts',
  ]);
  const exists = (path: string) => files.has(path);
  const tsconfig = (text: string) =>
    readPathAliases((p) => (p === 'tsconfig.json' ? text : undefined));

  it("resolves a folder named by '..' or '../../' to its index", () => {
    expect(resolveRelative('server/queues/processors/Debounce.ts', '..', exists)).toBe(
      'server/queues/index.ts',
    );
    expect(resolveRelative('server/queues/tasks/base/BaseTask.ts', '../../', exists)).toBe(
      'server/queues/index.ts',
    );
  });

  it('resolves tsconfig path aliases, and leaves packages alone', () => {
    const aliases = tsconfig(`{
      "compilerOptions": {
        // comments and trailing commas as tsconfig allows
        "paths": { "@server/*": ["./server/*"], "@shared/*": ["./shared/*"], },
      },
    }`);
    expect(resolveModule('a.ts', '@server/queues/queue', exists, aliases)).toBe(
      'server/queues/queue.ts',
    );
    expect(resolveModule('a.ts', '@server/queues', exists, aliases)).toBe('server/queues/index.ts');
    expect(resolveModule('a.ts', '@shared/time', exists, aliases)).toBe('shared/time.ts');
    expect(resolveModule('a.ts', 'bull', exists, aliases)).toBeUndefined();
    expect(resolveModule('a.ts', '@server/missing', exists, aliases)).toBeUndefined();
  });

  it('reads no aliases from a tsconfig that does not parse', () => {
    expect(tsconfig('not json')).toEqual([]);
  });
});
