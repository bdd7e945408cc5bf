import { describe, expect, it } from 'vitest';
import { readPathAliases, resolveModule } from '../../src/lang/typescript/module-paths.js';

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
