// amqp-connection-manager: channel wrappers whose setup functions receive an amqplib channel
// (assertQueue, assertExchange, bindQueue, consume, prefetch), and the wrapper's own publish,
// sendToQueue and consume, which take amqplib's arguments. Both are read by amqplib's code.
import createDebug from 'debug';
import { Node, SyntaxKind, type CallExpression } from 'ts-morph';
import type { GraphRecord } from '../../model/graph.js';
import type { Extractor } from '../contract.js';
import type { TsFile } from '../../lang/typescript/frontend.js';
import { originCall, originTokens, strip, type Origin } from '../../lang/typescript/resolve.js';
import { methodCalls, type MethodCall } from '../../lang/typescript/sites.js';
import { CHANNEL_METHODS, channelRecords, type ChannelCall } from '../amqplib/amqplib.js';

const debug = createDebug('eventgraph:extract:amqp-connection-manager');

export const amqpConnectionManagerExtractor: Extractor<TsFile> = {
  id: 'amqp-connection-manager',
  title: 'amqp-connection-manager channel wrappers and their setup functions',
  docs: 'https://github.com/jwalton/node-amqp-connection-manager#readme',
  language: 'typescript',
  technologies: ['rabbitmq'],
  packages: ['amqp-connection-manager'],
  imports: ['amqp-connection-manager'],
  prefilter: ['amqp-connection-manager', 'createChannel', 'addSetup', '.publish(', 'sendToQueue'],
  emits: {
    nodes: ['Topic', 'Queue', 'Handler', 'Event'],
    edges: ['PUBLISHES', 'CONSUMES', 'ROUTES_TO', 'DEAD_LETTERS_TO', 'CARRIES'],
  },
  extract,
};

const MODULE = 'amqp-connection-manager';
const WRAPPER_METHODS = new Set(['publish', 'sendToQueue', 'consume', 'addSetup']);

function extract(file: TsFile): GraphRecord[] {
  const calls: ChannelCall[] = [];
  const setups: { fn: Node; wrapper: Node | string }[] = [];
  for (const call of methodCalls(file, new Set([...WRAPPER_METHODS, 'createChannel']))) {
    const origin = file.resolver.traceOrigin(call.object);
    if (origin?.module !== MODULE) continue;
    if (call.method === 'createChannel' && isConnection(origin)) {
      const options = file.resolver.objectProperties(call.call.getArguments()[0]);
      const setup = options.get('setup');
      const fn = setup ? file.resolver.functionOf(setup) : undefined;
      if (fn) setups.push({ fn, wrapper: call.call });
    } else if (isWrapper(origin)) {
      const wrapper = originCall(origin, 'createChannel') ?? call.object.getText();
      if (call.method === 'addSetup') {
        const setup = call.call.getArguments()[0];
        const fn = setup ? file.resolver.functionOf(setup) : undefined;
        if (fn) setups.push({ fn, wrapper });
      } else {
        calls.push({ call, channel: wrapper });
      }
    }
  }
  for (const { fn, wrapper } of setups) calls.push(...setupCalls(file, fn, wrapper));
  const records = channelRecords(file, calls);
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

function isConnection(origin: Origin): boolean {
  const tokens = originTokens(origin).join(' ');
  return (
    /(^| )connect \(\)$/.test(tokens) ||
    /(AmqpConnectionManager|AmqpConnectionManagerClass) new$/.test(tokens) ||
    tokens.endsWith('type AmqpConnectionManager')
  );
}

function isWrapper(origin: Origin): boolean {
  const tokens = originTokens(origin).join(' ');
  return /(^| )createChannel \(\)$/.test(tokens) || tokens.endsWith('type ChannelWrapper');
}

/**
 * Calls on the channel a setup function receives as its first parameter. A parameter typed
 * with amqplib's Channel is already read by the amqplib extractor and is left to it.
 */
function setupCalls(file: TsFile, fn: Node, wrapper: Node | string): ChannelCall[] {
  if (!Node.isFunctionLikeDeclaration(fn)) return [];
  const parameter = fn.getParameters()[0];
  if (!parameter) return [];
  const found: ChannelCall[] = [];
  for (const call of fn.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const methodCall = channelMethodCall(call);
    if (!methodCall) continue;
    const object = strip(methodCall.object);
    if (!Node.isIdentifier(object) || file.resolver.definitionOf(object) !== parameter) continue;
    if (file.resolver.traceOrigin(object)?.module === 'amqplib') continue;
    found.push({ call: methodCall, channel: wrapper });
  }
  return found;
}

function channelMethodCall(call: CallExpression): MethodCall | undefined {
  const callee = strip(call.getExpression());
  if (!Node.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.getName();
  return CHANNEL_METHODS.has(method) ? { call, object: callee.getExpression(), method } : undefined;
}
