// Stream reads of ioredis and node-redis: which streams, by which consumer group, acknowledged
// or not. ioredis takes the command's words (`'GROUP', group, consumer, 'STREAMS', key, '>'`);
// node-redis takes arguments (`xReadGroup(group, consumer, { key, id })`).
import { Node, type CallExpression } from 'ts-morph';
import type { ResolvedName } from '../../model/graph.js';
import type { TsFile } from '../../lang/typescript/frontend.js';
import type { MethodCall } from '../../lang/typescript/sites.js';

export interface StreamRead {
  call: CallExpression;
  streams: ResolvedName[];
  group?: string;
  /** XACK of the same stream and group in the file: the consumer acknowledges itself. */
  acked: boolean;
}

/** XREADGROUP and XREAD calls of a file, and XGROUP CREATE as a read by that group. */
export function streamReads(file: TsFile, calls: MethodCall[]): StreamRead[] {
  const acks = new Set<string>();
  for (const call of calls) {
    if (call.method !== 'xack' && call.method !== 'xAck') continue;
    const [key, group] = call.call.getArguments();
    if (key && group) acks.add(ackKey(nameOf(file, key).name, nameOf(file, group).name));
  }

  const reads: StreamRead[] = [];
  for (const call of calls) {
    const read = readOf(file, call);
    if (!read) continue;
    const acked =
      read.group !== undefined &&
      read.streams.some((s) => acks.has(ackKey(s.name, read.group ?? '')));
    reads.push({ ...read, acked });
  }
  return reads;
}

function readOf(file: TsFile, call: MethodCall): Omit<StreamRead, 'acked'> | undefined {
  const args = withoutCommandOptions(call.call.getArguments());
  switch (call.method) {
    case 'xreadgroup': {
      const group = wordIndex(file, args, 'GROUP');
      const groupNode = group === -1 ? undefined : args[group + 1];
      const streams = streamsAfterWord(file, args);
      if (!groupNode || streams.length === 0) return undefined;
      return { call: call.call, streams, group: nameOf(file, groupNode).name };
    }
    case 'xread': {
      const streams = streamsAfterWord(file, args);
      return streams.length > 0 ? { call: call.call, streams } : undefined;
    }
    case 'xReadGroup': {
      const [groupNode, , streamsNode] = args;
      const streams = streamKeys(file, streamsNode);
      if (!groupNode || streams.length === 0) return undefined;
      return { call: call.call, streams, group: nameOf(file, groupNode).name };
    }
    case 'xRead': {
      const streams = streamKeys(file, args[0]);
      return streams.length > 0 ? { call: call.call, streams } : undefined;
    }
    default:
      return undefined;
  }
}

/** `'STREAMS', key1, key2, id1, id2`: the first half after the word are the keys. */
function streamsAfterWord(file: TsFile, args: Node[]): ResolvedName[] {
  const at = wordIndex(file, args, 'STREAMS');
  if (at === -1) return [];
  const rest = args.slice(at + 1);
  if (rest.some((a) => Node.isSpreadElement(a)) || rest.length % 2 !== 0) return [];
  return rest.slice(0, rest.length / 2).map((key) => nameOf(file, key));
}

/** node-redis `{ key, id }` or a list of them. */
function streamKeys(file: TsFile, node: Node | undefined): ResolvedName[] {
  if (!node) return [];
  const items = Node.isArrayLiteralExpression(node) ? node.getElements() : [node];
  return items.flatMap((item) => {
    const key = file.resolver.objectProperties(item).get('key');
    return key ? [nameOf(file, key)] : [];
  });
}

function wordIndex(file: TsFile, args: Node[], word: string): number {
  return args.findIndex((a) => {
    const value = file.resolver.literalOf(a);
    return typeof value === 'string' && value.toUpperCase() === word;
  });
}

/** node-redis v4 lets a call start with `commandOptions({ isolated: true })`. */
function withoutCommandOptions(args: Node[]): Node[] {
  const first = args[0];
  if (
    first &&
    Node.isCallExpression(first) &&
    /commandOptions$/.test(first.getExpression().getText())
  )
    return args.slice(1);
  return args;
}

function nameOf(file: TsFile, node: Node): ResolvedName {
  return file.resolver.resolveName(node);
}

function ackKey(stream: string, group: string): string {
  return `${stream}\0${group}`;
}
