// PostgreSQL LISTEN/NOTIFY from Python: LISTEN, NOTIFY and pg_notify() sent through psycopg2,
// psycopg 3, asyncpg or SQLAlchemy, and asyncpg's add_listener callbacks.
import createDebug from 'debug';
import type { Extractor } from '../contract.js';
import {
  channelRecord,
  edgeRecord,
  nodeRecord,
  ref,
  type Evidence,
  type GraphRecord,
  type NodeRef,
  type ResolvedName,
} from '../../model/graph.js';
import { callsIn, enclosingName, evidenceOf, locationOf } from '../../lang/python/call-sites.js';
import type { PyFile } from '../../lang/python/frontend.js';
import { unwrap } from '../../lang/python/resolve.js';
import { argument, enclosingFunction, functionName } from '../../lang/python/syntax.js';
import type { Captures, SyntaxNode } from '../../lang/python/tree-sitter.js';

const debug = createDebug('eventgraph:extract:postgres-notify-py');

export const postgresNotifyPyExtractor: Extractor<PyFile> = {
  id: 'postgres-notify-py',
  title: 'PostgreSQL LISTEN/NOTIFY (psycopg, asyncpg)',
  docs: 'https://www.postgresql.org/docs/current/sql-notify.html',
  language: 'python',
  technologies: ['postgres-notify'],
  packages: ['psycopg', 'psycopg2', 'psycopg2-binary', 'asyncpg'],
  imports: ['psycopg', 'asyncpg', 'sqlalchemy'],
  prefilter: ['LISTEN', 'NOTIFY', 'pg_notify', 'add_listener'],
  emits: { nodes: ['Topic', 'Handler'], edges: ['PUBLISHES', 'CONSUMES'] },
  extract: (file) => new NotifyFile(file).extract(),
};

const TECHNOLOGY = 'postgres-notify';
const EXECUTE = new Set([
  'execute',
  'executemany',
  'fetch',
  'fetchval',
  'fetchrow',
  'exec_driver_sql',
]);
const DRIVERS = /^(psycopg|psycopg2|asyncpg|sqlalchemy)(\.|$)/;
const LISTEN = /^\s*LISTEN\s+"?([A-Za-z_][\w$]*)"?/i;
const NOTIFY = /^\s*NOTIFY\s+"?([A-Za-z_][\w$]*)"?/i;
const PG_NOTIFY = /\bpg_notify\s*\(\s*'([^']+)'/gi;

class NotifyFile {
  private readonly records: GraphRecord[] = [];

  constructor(private readonly file: PyFile) {}

  extract(): GraphRecord[] {
    if (!this.usesDriver()) return this.records;
    for (const call of callsIn(this.file.module)) {
      const method = call.method?.text;
      if (!call.call || !method || !this.isConnection(call)) continue;
      if (EXECUTE.has(method)) this.statement(call, call.call);
      else if (method === 'add_listener') this.addListener(call, call.call);
    }
    debug('%s: %d records', this.file.input.path, this.records.length);
    return this.records;
  }

  // A receiver traced to a driver, or one the scan cannot trace (a cursor passed in) in a
  // module that imports one; never a project class of its own.
  private isConnection(call: Captures): boolean {
    if (!call.receiver) return false;
    const origin = this.file.resolver.origin(this.file.module, call.receiver);
    return origin === undefined || DRIVERS.test(origin);
  }

  private usesDriver(): boolean {
    return [...this.file.module.imports.values()].some((i) => DRIVERS.test(i.module));
  }

  // The SQL of `cur.execute("LISTEN jobs")`, `conn.execute(text("NOTIFY jobs"))` or
  // `sql.SQL("LISTEN {}").format(sql.Identifier("jobs"))`.
  private statement(call: Captures, at: SyntaxNode): void {
    const first = argument(call.arguments, 0, 'query');
    if (!first) return;
    const sql = this.sqlOf(first);
    if (!sql) return;
    const evidence = evidenceOf(this.file, at);
    const listened =
      LISTEN.exec(sql.text)?.[1] ??
      (/^\s*LISTEN\s+\{\}/i.test(sql.text) ? sql.identifier : undefined);
    if (listened) {
      const name = enclosingName(this.file.module, at);
      const fn = enclosingFunction(at);
      const handler = ref.handler(locationOf(this.file), name);
      this.consume(
        handler,
        name,
        { name: listened, dynamic: false },
        evidence,
        fn ? evidenceOf(this.file, fn) : evidence,
      );
      return;
    }
    const notified =
      NOTIFY.exec(sql.text)?.[1] ??
      (/^\s*NOTIFY\s+\{\}/i.test(sql.text) ? sql.identifier : undefined);
    const names = notified ? [notified] : [...sql.text.matchAll(PG_NOTIFY)].map((m) => m[1] ?? '');
    for (const channel of names.filter((n) => n !== '')) {
      this.publish({ name: channel, dynamic: false }, evidence);
    }
  }

  private sqlOf(node: SyntaxNode): { text: string; identifier?: string } | undefined {
    let inner = unwrap(node);
    let identifier: string | undefined;
    // `.format(sql.Identifier("jobs"))` on a composed statement.
    if (inner.type === 'call') {
      const callee = inner.childForFieldName('function');
      const args = inner.childForFieldName('arguments');
      if (
        callee?.type === 'attribute' &&
        callee.childForFieldName('attribute')?.text === 'format'
      ) {
        const given = argument(args, 0);
        const name =
          given?.type === 'call' ? argument(given.childForFieldName('arguments'), 0) : given;
        if (name) {
          const resolved = this.file.resolver.string(this.file.module, name);
          if (!resolved.dynamic) identifier = resolved.name;
        }
        const object = callee.childForFieldName('object');
        if (object) inner = unwrap(object);
      }
    }
    // `text("...")`, `sql.SQL("...")`
    if (inner.type === 'call') {
      const argumentNode = argument(inner.childForFieldName('arguments'), 0);
      if (argumentNode) inner = argumentNode;
    }
    const resolved = this.file.resolver.string(this.file.module, inner);
    if (resolved.dynamic) return undefined;
    return { text: resolved.name, identifier };
  }

  // `await conn.add_listener("jobs", on_job)`
  private addListener(call: Captures, at: SyntaxNode): void {
    const channelNode = argument(call.arguments, 0, 'channel');
    const callback = argument(call.arguments, 1, 'callback');
    if (!channelNode || !callback) return;
    const channel = this.file.resolver.string(this.file.module, channelNode);
    const bound = this.file.resolver.bind(this.file.module, callback);
    const evidence = evidenceOf(this.file, at);
    if (bound?.kind === 'function') {
      const name = functionName(bound.node);
      const handler = ref.handler(locationOf(this.file, bound.module), name);
      this.consume(
        handler,
        name,
        channel,
        evidence,
        evidenceOf(this.file, bound.node, bound.module),
      );
      return;
    }
    const name = callback.text;
    this.consume(ref.handler(locationOf(this.file), name), name, channel, evidence, evidence);
  }

  private consume(
    handler: NodeRef,
    name: string,
    channel: ResolvedName,
    evidence: Evidence,
    handlerEvidence: Evidence,
  ): void {
    this.records.push(
      channelRecord('Topic', 'channel', TECHNOLOGY, channel, evidence),
      nodeRecord(handler, { name, technology: TECHNOLOGY }, handlerEvidence),
      edgeRecord(
        'CONSUMES',
        handler,
        ref.channel('Topic', TECHNOLOGY, channel.name),
        { technology: TECHNOLOGY },
        evidence,
      ),
    );
  }

  private publish(channel: ResolvedName, evidence: Evidence): void {
    this.records.push(
      channelRecord('Topic', 'channel', TECHNOLOGY, channel, evidence),
      edgeRecord(
        'PUBLISHES',
        ref.serviceOf(locationOf(this.file)),
        ref.channel('Topic', TECHNOLOGY, channel.name),
        { technology: TECHNOLOGY },
        evidence,
      ),
    );
  }
}
