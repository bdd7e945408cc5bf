import { describe, expect, it } from 'vitest';
import type { Workspace } from '../../src/extractors/contract.js';
import { pythonFrontend, type PyFile } from '../../src/lang/python/frontend.js';
import type { SyntaxNode } from '../../src/lang/python/tree-sitter.js';

// Resolves the right-hand side of `probe = ...` in the first file, in a project of files.
function project(files: Record<string, string>): { file: PyFile; probe: SyntaxNode } {
  const workspace: Workspace = {
    repository: 'demo',
    root: '/demo',
    files: new Set(Object.keys(files)),
    read: (path) => files[path],
  };
  const [first] = Object.keys(files);
  const input = {
    repository: 'demo',
    root: '/demo',
    path: first ?? '',
    language: 'python' as const,
    text: files[first ?? ''] ?? '',
  };
  const loaded = pythonFrontend.load([input], workspace);
  const file = loaded.files[0];
  const probe = file?.module.assignments.get('probe');
  if (!file || !probe) throw new Error('no probe');
  return { file, probe };
}

function resolve(files: Record<string, string>) {
  const { file, probe } = project(files);
  return file.resolver.string(file.module, probe);
}

describe('python name resolution', () => {
  it('follows constants imported across a src/ package layout, with aliases', () => {
    expect(
      resolve({
        'src/app/main.py': 'from app.names import ORDERS as Q\nprobe = Q\n',
        'src/app/__init__.py': '',
        'src/app/names.py': 'PREFIX = "shop"\nORDERS = PREFIX + ".orders"\n',
      }),
    ).toEqual({ name: 'shop.orders', dynamic: false });
  });

  it('reads settings class attributes through `import x.y as z` and module dicts', () => {
    expect(
      resolve({
        'svc/run.py': 'import svc.conf as conf\nprobe = conf.Settings.QUEUES["emails"]\n',
        'svc/__init__.py': '',
        'svc/conf.py':
          'class Base:\n    QUEUES = {"emails": "mail.outbound"}\n\nclass Settings(Base):\n    pass\n',
      }),
    ).toEqual({ name: 'mail.outbound', dynamic: false });
  });

  it('gives environment defaults as names with the variable as override', () => {
    expect(resolve({ 'a.py': 'import os\nprobe = os.getenv("Q", "orders")\n' })).toEqual({
      name: 'orders',
      dynamic: false,
      override: 'Q',
    });
    expect(
      resolve({ 'a.py': 'from os import environ\nprobe = environ.get("Q") or "fallback"\n' }),
    ).toEqual({ name: 'fallback', dynamic: false, override: 'Q' });
    expect(resolve({ 'a.py': 'import os\nprobe = os.environ["QUEUE_NAME"]\n' })).toEqual({
      name: 'os.environ["QUEUE_NAME"]',
      dynamic: true,
      expression: 'os.environ["QUEUE_NAME"]',
      override: 'QUEUE_NAME',
    });
  });

  it('keeps f-strings with unknown parts dynamic, as written', () => {
    expect(resolve({ 'a.py': 'ENV = "prod"\nprobe = f"{ENV}.events"\n' })).toEqual({
      name: 'prod.events',
      dynamic: false,
    });
    expect(
      resolve({ 'a.py': 'def name(x):\n    return x\nprobe = f"{name(1)}.events"\n' }),
    ).toEqual({ name: 'f"{name(1)}.events"', dynamic: true, expression: 'f"{name(1)}.events"' });
  });

  it('traces a receiver to the library through a wrapper class and a factory function', () => {
    const { file } = project({
      'bus.py': [
        'import pika as p',
        'def connect():',
        '    return p.BlockingConnection(p.ConnectionParameters("localhost"))',
        'class Bus:',
        '    def __init__(self):',
        '        self.channel = connect().channel()',
        '    def send(self):',
        '        self.channel.basic_publish(exchange="", routing_key="q", body=b"")',
        'probe = 1',
      ].join('\n'),
    });
    const call = file.module.root
      .descendantsOfType('call')
      .find((c) => c.text.startsWith('self.channel.basic'));
    const receiver = call?.childForFieldName('function')?.childForFieldName('object');
    expect(receiver && file.resolver.origin(file.module, receiver)).toBe(
      'pika.BlockingConnection().channel()',
    );
  });

  it('reports the first syntax error with its line and keeps the file', () => {
    const workspace: Workspace = {
      repository: 'demo',
      root: '/demo',
      files: new Set(['x.py']),
      read: () => undefined,
    };
    const text = 'import pika\n\nx = [1, 2\ny = 3\n';
    const loaded = pythonFrontend.load(
      [{ repository: 'demo', root: '/demo', path: 'x.py', language: 'python', text }],
      workspace,
    );
    expect(loaded.files).toHaveLength(1);
    expect(loaded.diagnostics).toEqual([
      {
        severity: 'warning',
        repository: 'demo',
        file: 'x.py',
        line: 3,
        message: "syntax error: unexpected '= [1, 2'",
      },
    ]);
  });

  it('says what the parser saw, leaving file and line to the diagnostic fields', () => {
    const workspace: Workspace = {
      repository: 'demo',
      root: '/demo',
      files: new Set(['a.py', 'b.py']),
      read: () => undefined,
    };
    const inputs = [
      { path: 'a.py', text: 'def publish(:\n    pass\n' },
      { path: 'b.py', text: 'import os\n\nprint("queue" name)\n' },
    ].map((i) => ({ repository: 'demo', root: '/demo', language: 'python' as const, ...i }));
    const loaded = pythonFrontend.load(inputs, workspace);
    expect(loaded.diagnostics.map((d) => [d.file, d.line, d.message])).toEqual([
      ['a.py', 1, "syntax error: missing ')'"],
      ['b.py', 3, "syntax error: unexpected 'name'"],
    ]);
  });
});
