// The system file: repositories listed once, each problem refused with one clear line.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSystemFile } from '../../src/scan/system-file.js';

const FILE = '/srv/systems/eventgraph.yaml';
const parse = (source: string) => parseSystemFile(source, FILE);
const refusal = (source: string) => {
  try {
    parse(source);
  } catch (error) {
    return (error as Error).message;
  }
  return 'accepted';
};

describe('parseSystemFile', () => {
  it('resolves paths against the file and keeps names and remotes', () => {
    expect(
      parse(
        [
          'name: shop',
          'repositories:',
          '  - path: ../orders',
          '    name: orders',
          '    remote: git@github.com:acme/orders.git',
          '  - billing',
        ].join('\n'),
      ),
    ).toEqual({
      name: 'shop',
      repositories: [
        { path: '/srv/orders', name: 'orders', remote: 'git@github.com:acme/orders.git' },
        { path: path.resolve('/srv/systems/billing') },
      ],
    });
  });

  it.each([
    ['', 'expected a mapping with a `repositories` list'],
    ['repositories: []', '`repositories` must be a non-empty list'],
    ['repositories: [{name: x}]', 'repositories[0] has no `path`'],
    ['repositories: [{path: a, branch: main}]', 'repositories[0]: unknown key `branch`'],
    ['repos: [a]', 'unknown key `repos`'],
    ['repositories: [a]\nrepositories: [b]', 'not valid YAML: Map keys must be unique'],
    ['repositories:\n\t- a', 'not valid YAML: Tabs are not allowed as indentation'],
    ['a: &x [b]\nrepositories: *x', 'aliases (*name) are not allowed'],
    ['repositories: [{path: a, name: "x;rm -rf"}]', 'repositories[0].name must be'],
    ['repositories: [{path: a, name: x}, {path: b, name: x}]', 'two repositories are named `x`'],
    [
      'repositories: [{path: a, remote: "javascript:alert(1)"}]',
      'repositories[0].remote must be an https',
    ],
    ,
    ['repositories: [{path: 3}]', '`repositories[0].path` must be text'],
    ['{{ .Values.repos }}', 'unknown key'],
    ,
  ])('refuses %j', (source, message) => {
    expect(refusal(source)).toContain(`${FILE}: ${message}`);
  });

  it('refuses a billion-laughs file before expanding it', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const next = String.fromCharCode(97 + i);
      levels.push(`${next}: &${next} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    levels.push('repositories: *i');
    const started = Date.now();
    expect(refusal(levels.join('\n'))).toContain('aliases (*name) are not allowed');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
