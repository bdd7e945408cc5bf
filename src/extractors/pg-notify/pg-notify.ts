// PostgreSQL LISTEN/NOTIFY through node-postgres: `LISTEN channel`, `NOTIFY channel, 'x'` and
// `SELECT pg_notify($1, $2)` queries, and the client's 'notification' listener. Every other
// query is ordinary SQL and says nothing about messaging.
import createDebug from 'debug';
import { Node, SyntaxKind, type CallExpression } from 'ts-morph';
import {
  channelRecord,
  edgeRecord,
  nodeRecord,
  ref,
  type Evidence,
  type GraphRecord,
  type NodeRef,
  type Properties,
  type ResolvedName,
} from '../../model/graph.js';
import type { Extractor } from '../contract.js';
import type { TsFile } from '../../lang/typescript/frontend.js';
import { functionName, originCall, strip, type Origin } from '../../lang/typescript/resolve.js';
import {
  evidenceOf,
  HandlerNames,
  methodCalls,
  receiverText,
  publisherOf,
  publishTargets,
  type PublishTarget,
} from '../../lang/typescript/sites.js';
import {
  carriesRecords,
  distinctEvents,
  parsedEvents,
  publishedEvents,
} from '../../lang/typescript/payload-types.js';

const debug = createDebug('eventgraph:extract:pg-notify');

export const pgNotifyExtractor: Extractor<TsFile> = {
  id: 'pg-notify',
  title: 'PostgreSQL LISTEN/NOTIFY through node-postgres',
  docs: 'https://node-postgres.com/apis/client#notification',
  language: 'typescript',
  technologies: ['postgres-notify'],
  packages: ['pg'],
  imports: ["'pg'", '"pg"'],
  prefilter: ['LISTEN', 'NOTIFY', 'pg_notify', 'listen ', 'notify ', "'notification'"],
  emits: { nodes: ['Topic', 'Handler', 'Event'], edges: ['PUBLISHES', 'CONSUMES', 'CARRIES'] },
  extract,
};

const TECHNOLOGY = 'postgres-notify';
const MODULES = new Set(['pg', 'pg-pool']);

interface ClientCall {
  call: CallExpression;
  method: string;
  /** Which connection: the call that made it, or the variable holding it. */
  client: Node | string;
}

type Statement =
  | { kind: 'listen'; channel: ResolvedName; node?: Node }
  | { kind: 'notify'; channel: ResolvedName; node?: Node; payload?: Node };

function extract(file: TsFile): GraphRecord[] {
  const calls = clientCalls(file, [file.source]);
  if (calls.length === 0) return [];
  const records: GraphRecord[] = [];
  const handlers = new Map<Node, NodeRef>();
  const names = new HandlerNames(file);

  // A 'notification' listener receives what every LISTEN on its connection asked for.
  const everywhere = projectCalls(file);
  const listened = new Set(everywhere.filter(isNotificationListener).map((c) => c.client));
  for (const listener of calls.filter(isNotificationListener)) {
    const listens = everywhere.filter((c) => c.client === listener.client && listensTo(file, c));
    records.push(...listen(file, listener, listens, handlers, names));
  }
  for (const call of calls) {
    if (!listened.has(call.client) && listensTo(file, call))
      records.push(...listen(file, undefined, [call], handlers, names));
  }
  for (const call of calls) {
    for (const statement of statementsOf(file, call)) {
      if (statement.kind === 'notify')
        records.push(...notify(file, call.call, statement, handlers));
    }
  }
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

function clientCalls(file: TsFile, sources: readonly Node[]): ClientCall[] {
  const found: ClientCall[] = [];
  for (const source of sources) {
    const inSource = methodCalls(
      { ...file, source: source.getSourceFile() },
      new Set(['query', 'on', 'addListener']),
    );
    for (const { call, object, method } of inSource) {
      const origin = file.resolver.traceOrigin(object);
      if (!origin || !MODULES.has(origin.module)) continue;
      found.push({ call, method, client: clientKey(file, origin, object) });
    }
  }
  return found;
}

const callsByProject = new WeakMap<object, ClientCall[]>();

function projectCalls(file: TsFile): ClientCall[] {
  let calls = callsByProject.get(file.resolver);
  if (!calls) {
    calls = clientCalls(file, file.source.getProject().getSourceFiles());
    callsByProject.set(file.resolver, calls);
  }
  return calls;
}

function clientKey(file: TsFile, origin: Origin, object: Node): Node | string {
  const node = strip(object);
  const definition = Node.isIdentifier(node) ? file.resolver.definitionOf(node) : undefined;
  return (
    originCall(origin, 'connect') ?? originCall(origin, 'Client') ?? definition ?? node.getText()
  );
}

function isNotificationListener(call: ClientCall): boolean {
  if (call.method !== 'on' && call.method !== 'addListener') return false;
  const event = call.call.getArguments()[0];
  return event !== undefined && /^['"`]notification['"`]$/.test(event.getText());
}

function listensTo(file: TsFile, call: ClientCall): boolean {
  return statementsOf(file, call).some((s) => s.kind === 'listen');
}

// ---- SQL ---------------------------------------------------------------------------------

/** A query's text as literal pieces and the expressions spliced between them. */
type Piece = string | Node;

const statementsByCall = new WeakMap<CallExpression, Statement[]>();

function statementsOf(file: TsFile, { call, method }: ClientCall): Statement[] {
  if (method !== 'query') return [];
  const cached = statementsByCall.get(call);
  if (cached) return cached;
  const [first, second] = call.getArguments();
  const config = first ? file.resolver.objectProperties(first) : new Map<string, Node>();
  const text = config.get('text') ?? first;
  const values = config.get('values') ?? second;
  const statements = text ? parse(file, piecesOf(file, text, 0), values) : [];
  statementsByCall.set(call, statements);
  return statements;
}

function piecesOf(file: TsFile, expression: Node, depth: number): Piece[] {
  const node = file.resolver.constantNode(expression);
  if (depth > 4) return [expression];
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node))
    return [node.getLiteralText()];
  if (Node.isTemplateExpression(node)) {
    const pieces: Piece[] = [node.getHead().getLiteralText()];
    for (const span of node.getTemplateSpans()) {
      pieces.push(...piecesOf(file, span.getExpression(), depth + 1));
      pieces.push(span.getLiteral().getLiteralText());
    }
    return pieces;
  }
  if (Node.isBinaryExpression(node) && node.getOperatorToken().getKind() === SyntaxKind.PlusToken)
    return [
      ...piecesOf(file, node.getLeft(), depth + 1),
      ...piecesOf(file, node.getRight(), depth + 1),
    ];
  // Not text known here: keep the expression as written, never what it was followed to.
  return [expression];
}

/**
 * LISTEN, NOTIFY and pg_notify statements of a query. A channel spliced in from an expression
 * keeps that expression; a `$n` parameter takes the n-th of the query's values.
 */
function parse(file: TsFile, pieces: readonly Piece[], values: Node | undefined): Statement[] {
  const spliced: Node[] = [];
  const sql = pieces
    .map((p) => (typeof p === 'string' ? p : `\uE000${String(spliced.push(p) - 1)}\uE000`))
    .join('');
  const valueNodes = (() => {
    const node = values ? file.resolver.constantNode(values) : undefined;
    return node && Node.isArrayLiteralExpression(node) ? node.getElements() : [];
  })();
  /** The channel as written, and the expression that supplied it when one did. */
  const channelNode = (written: string): Node | undefined => {
    const placeholder = /^\uE000(\d+)\uE000$/.exec(written);
    if (placeholder) return spliced[Number(placeholder[1])];
    const parameter = /^\$(\d+)$/.exec(written);
    return parameter ? valueNodes[Number(parameter[1]) - 1] : undefined;
  };
  const channel = (written: string): ResolvedName | undefined => {
    const node = channelNode(written);
    if (node) return file.resolver.resolveName(node);
    if (written.includes('\uE000') || written.startsWith('$')) return undefined;
    return { name: written.replace(/^["']|["']$/g, ''), dynamic: false };
  };
  const payloadOf = (written: string | undefined): Node | undefined => {
    const parameter = written ? /^\$(\d+)$/.exec(written.trim()) : null;
    return parameter ? valueNodes[Number(parameter[1]) - 1] : undefined;
  };

  const statements: Statement[] = [];
  const name = String.raw`("[^"]+"|\uE000\d+\uE000|[A-Za-z_][\w$]*)`;
  for (const part of sql.split(';')) {
    const listen = new RegExp(String.raw`^\s*LISTEN\s+${name}\s*$`, 'i').exec(part);
    const resolved = listen?.[1] ? channel(listen[1]) : undefined;
    if (listen?.[1] && resolved)
      statements.push({ kind: 'listen', channel: resolved, node: channelNode(listen[1]) });
    const notify = new RegExp(String.raw`^\s*NOTIFY\s+${name}\s*(?:,\s*(.*))?$`, 'is').exec(part);
    const notified = notify?.[1] ? channel(notify[1]) : undefined;
    if (notify?.[1] && notified) {
      const node = channelNode(notify[1]);
      const payload = payloadOf(notify[2]);
      statements.push({ kind: 'notify', channel: notified, node, payload });
    }
    const call = /\bpg_notify\s*\(\s*('[^']*'|\$\d+|\uE000\d+\uE000)\s*,\s*([^)]*)\)/gi;
    for (const match of part.matchAll(call)) {
      const written = match[1] ?? '';
      const target = written.startsWith("'")
        ? { name: written.slice(1, -1), dynamic: false }
        : channel(written);
      if (target) {
        const node = channelNode(written);
        statements.push({ kind: 'notify', channel: target, node, payload: payloadOf(match[2]) });
      }
    }
  }
  return statements;
}

// ---- records -----------------------------------------------------------------------------

function notify(
  file: TsFile,
  call: CallExpression,
  statement: Extract<Statement, { kind: 'notify' }>,
  handlers: ReadonlyMap<Node, NodeRef>,
): GraphRecord[] {
  // A channel passed into a wrapper function is named by each caller.
  const targets: PublishTarget[] = statement.node
    ? publishTargets(file, [statement.node], call, handlers)
    : [
        {
          names: [statement.channel],
          expressions: [],
          evidence: evidenceOf(file, call),
          publisher: publisherOf(file, call, handlers),
        },
      ];
  return targets.flatMap((target) => {
    const [resolved] = target.names as [ResolvedName];
    const to = channelRef(resolved.name);
    const properties: Properties = {};
    if (target.via !== undefined) properties.via = target.via;
    return [
      channelRecord('Topic', 'channel', TECHNOLOGY, resolved, target.evidence),
      edgeRecord(
        'PUBLISHES',
        target.publisher,
        to,
        { technology: TECHNOLOGY, properties },
        target.evidence,
      ),
      ...distinctEvents(publishedEvents(file, statement.payload, target)).flatMap((carried) =>
        carriesRecords(file, to, carried, TECHNOLOGY),
      ),
    ];
  });
}

function listen(
  file: TsFile,
  listener: ClientCall | undefined,
  listens: readonly ClientCall[],
  handlers: Map<Node, NodeRef>,
  names: HandlerNames,
): GraphRecord[] {
  // A channel passed into a function that LISTENs is named by each caller.
  const channels: { channel: ResolvedName; evidence: Evidence }[] = listens.flatMap((call) =>
    statementsOf(file, call).flatMap((s) => {
      if (s.kind !== 'listen') return [];
      if (!s.node) return [{ channel: s.channel, evidence: evidenceOf(file, call.call) }];
      return file.resolver.nameSites([s.node]).flatMap((site) => {
        const [channel] = site.names;
        return channel ? [{ channel, evidence: evidenceOf(file, site.site ?? call.call) }] : [];
      });
    }),
  );
  const anchor = listener?.call ?? listens[0]?.call;
  const [first] = channels;
  if (!anchor || !first) return [];
  const callback = listener?.call.getArguments()[1];
  const fn = callback ? file.resolver.functionOf(callback) : undefined;
  const fallback = listener
    ? `${receiverText(listener.call)} notification`
    : `${first.channel.name} listener`;
  const { ref: handler, name } = names.handler(
    anchor,
    fn ?? anchor,
    (fn ? functionName(fn) : undefined) ?? fallback,
  );
  if (fn) handlers.set(fn, handler);

  const records: GraphRecord[] = [
    nodeRecord(handler, { name, technology: TECHNOLOGY }, evidenceOf(file, fn ?? anchor)),
  ];
  for (const { channel, evidence } of channels) {
    records.push(channelRecord('Topic', 'channel', TECHNOLOGY, channel, evidence));
    records.push(
      edgeRecord(
        'CONSUMES',
        handler,
        channelRef(channel.name),
        { technology: TECHNOLOGY },
        evidence,
      ),
    );
  }
  if (fn && channels.length === 1) {
    for (const carried of distinctEvents(parsedEvents(file, fn)))
      records.push(...carriesRecords(file, channelRef(first.channel.name), carried, TECHNOLOGY));
  }
  return records;
}

function channelRef(name: string): NodeRef {
  return ref.channel('Topic', TECHNOLOGY, name);
}
