// Hand-written event stores in Python: an events table (SQL) or collection (MongoDB-style
// insert_one/find) the code appends to, and reads back in a loop that applies each event to
// an aggregate. Appending alone is an audit log, not event sourcing: both sides are needed.
// Outbox tables written in a transaction and relayed to a broker are read here as well.
import createDebug from 'debug';
import type { Extractor } from '../contract.js';
import { channelRecord, edgeRecord, nodeRecord, ref, type GraphRecord } from '../../model/graph.js';
import { callsIn, enclosingName, evidenceOf, locationOf } from '../../lang/python/call-sites.js';
import type { PyFile } from '../../lang/python/frontend.js';
import type { PyModule } from '../../lang/python/module-index.js';
import { enclosingFunction, functionName, ownDescendants } from '../../lang/python/syntax.js';
import type { SyntaxNode } from '../../lang/python/tree-sitter.js';

const debug = createDebug('eventgraph:extract:custom-event-store');

export const customEventStoreExtractor: Extractor<PyFile> = {
  id: 'custom-event-store',
  title: 'Hand-written event stores (events tables and collections)',
  docs: 'https://martinfowler.com/eaaDev/EventSourcing.html',
  language: 'python',
  technologies: ['custom'],
  packages: [],
  imports: ['INSERT INTO', 'insert into', 'insert_one', 'insert_many'],
  prefilter: ['INSERT INTO', 'insert into', 'insert_one', 'insert_many', 'outbox'],
  emits: { nodes: ['Topic', 'Queue', 'Handler'], edges: ['PUBLISHES', 'CONSUMES'] },
  extract: (file) => {
    const records = [...new StoreFile(file).extract(), ...outboxRecords(file)];
    debug('%s: %d records', file.input.path, records.length);
    return records;
  },
};

const TECHNOLOGY = 'custom';
const EVENTS_NAME = /event/i;
const INSERT = /\bINSERT\s+INTO\s+["`]?(\w+)/i;
const SELECT_FROM = /\bSELECT\b[\s\S]*?\bFROM\s+["`]?(\w+)/i;
// Calls that fold one stored event into an aggregate's state.
const APPLIES = /(^|\.)(_?apply|_?apply_event|when|mutate|_?replay|_?on_event|load_from_history)$/;

interface Site {
  table: string;
  node: SyntaxNode;
}

class StoreFile {
  constructor(private readonly file: PyFile) {}

  *extract(): Generator<GraphRecord> {
    const appends = [
      ...this.sqlSites(INSERT),
      ...this.collectionSites(['insert_one', 'insert_many']),
    ];
    if (appends.length === 0) return;
    const reads = [...this.sqlSites(SELECT_FROM), ...this.collectionSites(['find'])];
    const replayed = new Map<string, Site[]>();
    for (const read of reads) {
      if (!this.replays(read.node)) continue;
      replayed.set(read.table, [...(replayed.get(read.table) ?? []), read]);
    }
    for (const append of appends) {
      const readers = replayed.get(append.table);
      if (!readers) continue;
      const evidence = evidenceOf(this.file, append.node);
      const stream = ref.channel('Topic', TECHNOLOGY, append.table);
      const name = { name: append.table, dynamic: false };
      yield channelRecord('Topic', 'stream', TECHNOLOGY, name, evidence, { eventLog: true });
      yield edgeRecord(
        'PUBLISHES',
        ref.serviceOf(locationOf(this.file)),
        stream,
        { technology: TECHNOLOGY },
        evidence,
      );
    }
    for (const [table, readers] of replayed) {
      if (!appends.some((a) => a.table === table)) continue;
      for (const read of readers) {
        const name = enclosingName(this.file.module, read.node);
        const fn = enclosingFunction(read.node);
        const handler = ref.handler(locationOf(this.file), name);
        yield nodeRecord(
          handler,
          { name, technology: TECHNOLOGY },
          evidenceOf(this.file, fn ?? read.node),
        );
        yield edgeRecord(
          'CONSUMES',
          handler,
          ref.channel('Topic', TECHNOLOGY, table),
          { technology: TECHNOLOGY, properties: { replay: true } },
          evidenceOf(this.file, read.node),
        );
      }
    }
  }

  // SQL in string literals whose table is named for events.
  private sqlSites(pattern: RegExp): Site[] {
    const sites: Site[] = [];
    for (const string of this.file.module.root.descendantsOfType('string')) {
      const table = pattern.exec(string.text)?.[1];
      if (table && EVENTS_NAME.test(table)) sites.push({ table, node: this.usedAt(string) });
    }
    return sites;
  }

  // A statement kept in a constant is shown where it is executed, when that is one place.
  private usedAt(string: SyntaxNode): SyntaxNode {
    const assignment = string.parent?.type === 'assignment' ? string.parent : undefined;
    const target = assignment?.childForFieldName('left');
    if (target?.type !== 'identifier') return string;
    const uses = callsIn(this.file.module).filter(
      (c) => c.call && c.arguments?.namedChildren.some((a) => a.text === target.text),
    );
    return uses.length === 1 && uses[0]?.call ? uses[0].call : string;
  }

  // `db.events.insert_one(...)`, `self.db["domain_events"].find(...)`
  private collectionSites(methods: readonly string[]): Site[] {
    const sites: Site[] = [];
    for (const call of callsIn(this.file.module)) {
      if (!call.call || !call.receiver || !methods.includes(call.method?.text ?? '')) continue;
      const receiver = call.receiver;
      const key =
        receiver.type === 'subscript' ? receiver.childForFieldName('subscript') : receiver;
      const table = key?.text
        .replace(/^["']|["']$/g, '')
        .split('.')
        .pop();
      if (table && EVENTS_NAME.test(table)) sites.push({ table, node: call.call });
    }
    return sites;
  }

  // The function reading the events loops over them and applies each one.
  private replays(read: SyntaxNode): boolean {
    const fn = enclosingFunction(read);
    if (!fn) return false;
    return ownDescendants(fn, 'for_statement').some((loop) =>
      ownDescendants(loop, 'call').some((call) =>
        APPLIES.test(call.childForFieldName('function')?.text ?? ''),
      ),
    );
  }
}

const OUTBOX_NAME = /outbox/i;
const OTHER_WRITE = /\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+["`]?(\w+)/i;
const TRANSACTION = /(atomic|begin|transaction)\s*\(|\bcommit\s*\(/;
// Calls a relay hands a stored message to a broker or queue with.
const RELAY_METHODS = [
  'publish',
  'send',
  'send_message',
  'produce',
  'basic_publish',
  'xadd',
  'delay',
  'apply_async',
  'put_records',
  'put_events',
  'enqueue',
];
const RELAYS = new RegExp(`\\.(${RELAY_METHODS.join('|')})$`);

/**
 * A transactional outbox: a function that writes an outbox table together with other state
 * inside one transaction, and a relay that reads the table in a loop and publishes each row.
 * Either half alone is not the pattern.
 */
export function outboxRecords(file: PyFile): GraphRecord[] {
  const writes: { table: string; node: SyntaxNode }[] = [];
  for (const string of file.module.root.descendantsOfType('string')) {
    const table = INSERT.exec(string.text)?.[1];
    if (!table || !OUTBOX_NAME.test(table)) continue;
    const fn = enclosingFunction(string);
    if (fn && TRANSACTION.test(fn.text) && writesOtherState(fn, table)) {
      writes.push({ table, node: string });
    }
  }
  const records: GraphRecord[] = [];
  for (const write of writes) {
    const relays = relaysOf(file, write.table);
    if (relays.length === 0) continue;
    const outbox = ref.channel('Queue', TECHNOLOGY, write.table);
    const evidence = evidenceOf(file, write.node);
    const name = { name: write.table, dynamic: false };
    records.push(
      channelRecord('Queue', 'queue', TECHNOLOGY, name, evidence, { outbox: true }),
      edgeRecord(
        'PUBLISHES',
        ref.serviceOf(locationOf(file)),
        outbox,
        { technology: TECHNOLOGY },
        evidence,
      ),
    );
    for (const relay of relays) {
      const handler = ref.handler(locationOf(file, relay.module), relay.name);
      records.push(
        nodeRecord(handler, { name: relay.name, technology: TECHNOLOGY }, relay.defined),
        edgeRecord('CONSUMES', handler, outbox, { technology: TECHNOLOGY }, relay.read),
      );
    }
  }
  return records;
}

function writesOtherState(fn: SyntaxNode, outbox: string): boolean {
  const strings = fn.descendantsOfType('string');
  const sql = strings.some((s) => {
    const table = OTHER_WRITE.exec(s.text)?.[2];
    return table !== undefined && table !== outbox;
  });
  return sql || /\.save\(|\.add\(|\.update\(/.test(fn.text);
}

interface Relay {
  module: PyModule;
  name: string;
  defined: ReturnType<typeof evidenceOf>;
  read: ReturnType<typeof evidenceOf>;
}

// Functions anywhere in the project that SELECT from the outbox and publish in a loop.
function relaysOf(file: PyFile, table: string): Relay[] {
  const relays: Relay[] = [];
  for (const module of file.project.modulesMentioning(table)) {
    for (const string of module.root.descendantsOfType('string')) {
      if (SELECT_FROM.exec(string.text)?.[1] !== table) continue;
      const fn = enclosingFunction(string);
      if (!fn) continue;
      const publishes = ownDescendants(fn, 'for_statement').some((loop) =>
        ownDescendants(loop, 'call').some((call) =>
          RELAYS.test(call.childForFieldName('function')?.text ?? ''),
        ),
      );
      if (!publishes) continue;
      relays.push({
        module,
        name: functionName(fn),
        defined: evidenceOf(file, fn, module),
        read: evidenceOf(file, string, module),
      });
    }
  }
  return relays;
}
