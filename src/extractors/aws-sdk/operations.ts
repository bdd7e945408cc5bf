// Where the AWS SDK calls a messaging API: a v3 command (`client.send(new
// SendMessageCommand(input))`), or a method of a v2 client or a v3 aggregated client
// (`new AWS.SQS().sendMessage(params)`, `new SQS({}).sendMessage(params)`).
import { Node, SyntaxKind } from 'ts-morph';
import type { TsFile } from '../../lang/typescript/frontend.js';
import { originTokens, strip, type Origin } from '../../lang/typescript/resolve.js';
import { methodCalls } from '../../lang/typescript/sites.js';

export type AwsService = 'sqs' | 'sns' | 'eventbridge' | 'kinesis';

export const ACTIONS = [
  'SendMessage',
  'SendMessageBatch',
  'ReceiveMessage',
  'CreateQueue',
  'Publish',
  'PublishBatch',
  'Subscribe',
  'CreateTopic',
  'PutEvents',
  'PutRecord',
  'PutRecords',
] as const;
export type Action = (typeof ACTIONS)[number];

export interface Operation {
  service: AwsService;
  action: Action;
  /** The request parameters, when written. */
  input: Node | undefined;
  /** The command construction or the method call. */
  at: Node;
}

const SERVICE_BY_MODULE: Record<string, AwsService> = {
  '@aws-sdk/client-sqs': 'sqs',
  '@aws-sdk/client-sns': 'sns',
  '@aws-sdk/client-eventbridge': 'eventbridge',
  '@aws-sdk/client-cloudwatch-events': 'eventbridge',
  '@aws-sdk/client-kinesis': 'kinesis',
  'aws-sdk/clients/sqs': 'sqs',
  'aws-sdk/clients/sns': 'sns',
  'aws-sdk/clients/eventbridge': 'eventbridge',
  'aws-sdk/clients/cloudwatchevents': 'eventbridge',
  'aws-sdk/clients/kinesis': 'kinesis',
};

const SERVICE_BY_CLASS: Record<string, AwsService> = {
  SQS: 'sqs',
  SNS: 'sns',
  EventBridge: 'eventbridge',
  CloudWatchEvents: 'eventbridge',
  Kinesis: 'kinesis',
};

/** Which actions each service has: SNS and SQS share no action name but Publish/Subscribe. */
const ACTIONS_OF: Record<AwsService, ReadonlySet<Action>> = {
  sqs: new Set(['SendMessage', 'SendMessageBatch', 'ReceiveMessage', 'CreateQueue']),
  sns: new Set(['Publish', 'PublishBatch', 'Subscribe', 'CreateTopic']),
  eventbridge: new Set(['PutEvents']),
  kinesis: new Set(['PutRecord', 'PutRecords']),
};

export const AWS_MODULES = [
  ...Object.keys(SERVICE_BY_MODULE),
  'aws-sdk',
  'aws-sdk/global',
] as const;

const METHODS = new Set(ACTIONS.map((action) => action.charAt(0).toLowerCase() + action.slice(1)));

export function operationsOf(file: TsFile): Operation[] {
  return [...commands(file), ...clientMethods(file)].sort(
    (a, b) => a.at.getStart() - b.at.getStart(),
  );
}

/** `new SendMessageCommand(input)` from a v3 client package, when the file sends it. */
function commands(file: TsFile): Operation[] {
  const found: Operation[] = [];
  const sent = sentExpressions(file);
  for (const creation of file.source.getDescendantsOfKind(SyntaxKind.NewExpression)) {
    const callee = creation.getExpression();
    if (!/Command$/.test(callee.getText())) continue;
    const origin = file.resolver.traceOrigin(callee);
    const service = origin ? SERVICE_BY_MODULE[origin.module] : undefined;
    const tokens = origin ? originTokens(origin) : [];
    const action = tokens.length === 1 ? tokens[0]?.replace(/Command$/, '') : undefined;
    if (!service || !isAction(service, action) || !isSent(file, creation, sent)) continue;
    found.push({ service, action, input: creation.getArguments()[0], at: creation });
  }
  return found;
}

/** Arguments of `x.send(...)` calls in the file. */
function sentExpressions(file: TsFile): Set<Node> {
  const sent = new Set<Node>();
  for (const call of methodCalls(file, new Set(['send']))) {
    const argument = call.call.getArguments()[0];
    if (argument) sent.add(strip(argument));
  }
  return sent;
}

/** A command sent where it is made, or held by a variable the file sends. */
function isSent(file: TsFile, creation: Node, sent: ReadonlySet<Node>): boolean {
  if (sent.has(creation)) return true;
  const holder = creation.getParent();
  if (!holder || !Node.isVariableDeclaration(holder)) return false;
  for (const argument of sent) {
    if (Node.isIdentifier(argument) && file.resolver.definitionOf(argument) === holder) return true;
  }
  return false;
}

/** `sqs.sendMessage(params)` on a client of the v2 SDK or a v3 aggregated client. */
function clientMethods(file: TsFile): Operation[] {
  const found: Operation[] = [];
  for (const { call, object, method } of methodCalls(file, METHODS)) {
    const origin = file.resolver.traceOrigin(object);
    const service = origin ? serviceOfClient(origin) : undefined;
    const action = method.charAt(0).toUpperCase() + method.slice(1);
    if (!service || !isAction(service, action)) continue;
    found.push({ service, action, input: call.getArguments()[0], at: call });
  }
  return found;
}

function serviceOfClient(origin: Origin): AwsService | undefined {
  const tokens = originTokens(origin);
  const byModule = SERVICE_BY_MODULE[origin.module];
  // `new SQS()` from a client package or `aws-sdk/clients/sqs`, or an injected `sqs: SQS`.
  if (byModule) {
    const made = tokens.join(' ');
    return /^(\w+ )?new$/.test(made) || /^type \w+$/.test(made) ? byModule : undefined;
  }
  if (origin.module !== 'aws-sdk') return undefined;
  // `new AWS.SQS()`, `new SQS()` imported from 'aws-sdk', or a parameter typed `AWS.SQS`.
  const [first, second] = tokens;
  if (tokens.length === 2 && second === 'new' && first) return SERVICE_BY_CLASS[first];
  if (tokens.length === 1 && first?.startsWith('type '))
    return SERVICE_BY_CLASS[first.slice('type '.length)];
  return undefined;
}

function isAction(service: AwsService, action: string | undefined): action is Action {
  return action !== undefined && ACTIONS_OF[service].has(action as Action);
}
