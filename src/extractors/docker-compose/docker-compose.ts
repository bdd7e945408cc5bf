// docker-compose files: worker processes by command (celery/rq/dramatiq workers and the
// queues they take from) and channels named by environment settings, with the technology of
// the broker container the process is wired to. A broker container alone is infrastructure,
// not a finding (DEVELOPERS.md: a declared dependency alone is never one): it becomes a note
// on stderr and gives the channels of the processes wired to it their technology.
import createDebug from 'debug';
import type { GraphRecord, SourceLocation } from '../../model/graph.js';
import type { TechnologyId } from '../../model/taxonomy.js';
import type { Extractor, ExtractContext } from '../contract.js';
import type { ConfigFile } from '../../lang/config/frontend.js';
import { readWorkerCommand } from '../../lang/config/commands.js';
import {
  brokerOfImage,
  settingChannels,
  workerRecords,
  type BrokerImage,
  type Setting,
} from '../../lang/config/deployment.js';
import {
  entries,
  field,
  items,
  keyLine,
  num,
  text,
  type Located,
} from '../../lang/config/yaml-tree.js';

const debug = createDebug('eventgraph:extract:docker-compose');

export const dockerComposeExtractor: Extractor<ConfigFile> = {
  id: 'docker-compose',
  title: 'docker-compose services',
  docs: 'https://docs.docker.com/reference/compose-file/services/',
  language: 'config',
  technologies: ['kafka', 'rabbitmq', 'nats', 'activemq', 'pulsar', 'mqtt', 'celery', 'rq'],
  packages: [],
  imports: ['services'],
  prefilter: ['services'],
  emits: { nodes: ['Topic', 'Queue', 'Handler'], edges: ['CONSUMES'] },
  extract,
};

interface Broker extends BrokerImage {
  service: string;
  image: string;
  line: number;
}

function extract(file: ConfigFile, context: ExtractContext): GraphRecord[] {
  if (file.dialect !== 'compose') return [];
  const location = { repository: file.input.repository, file: file.input.path };
  const records: GraphRecord[] = [];
  for (const document of file.documents) {
    const services = field(document, 'services');
    const brokers = brokersOf(services);
    for (const broker of brokers.values()) {
      context.report({
        severity: 'note',
        line: broker.line,
        message:
          `service "${broker.service}" runs a ${broker.title} broker (${broker.image}); ` +
          'a broker container alone is infrastructure, not a finding',
      });
    }
    for (const [name, service] of entries(services)) {
      if (brokers.has(name)) continue;
      records.push(...serviceRecords(location, name, service, brokers));
    }
  }
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

function brokersOf(services: Located | undefined): Map<string, Broker> {
  const brokers = new Map<string, Broker>();
  for (const [name, service] of entries(services)) {
    const image = text(field(service, 'image'));
    const broker = image === undefined ? undefined : brokerOfImage(image);
    if (!broker || image === undefined) continue;
    brokers.set(name, { ...broker, service: name, image, line: keyLine(service, 'image') });
  }
  return brokers;
}

function serviceRecords(
  location: SourceLocation,
  name: string,
  service: Located,
  brokers: ReadonlyMap<string, Broker>,
): GraphRecord[] {
  const records: GraphRecord[] = [];
  const settings = environmentOf(field(service, 'environment'));
  const wired = wiredBrokers(service, settings, brokers);
  records.push(...settingChannels(location, settings, wired));

  for (const key of ['command', 'entrypoint']) {
    const command = commandOf(field(service, key));
    const worker = command === undefined ? undefined : readWorkerCommand(command);
    if (!worker) continue;
    const replicas = num(field(service, 'deploy', 'replicas')) ?? num(field(service, 'scale'));
    records.push(...workerRecords(location, name, worker, keyLine(service, key), replicas));
  }
  return records;
}

/** `environment:` as a map or as a list of `KEY=value`. */
export function environmentOf(node: Located | undefined): Setting[] {
  if (node?.kind === 'map')
    return [...node.entries].flatMap(([key, value]) => {
      const written = text(value);
      return written === undefined ? [] : [{ key, value: written, line: keyLine(node, key) }];
    });
  return items(node).flatMap((item) => {
    const written = text(item);
    const at = written?.indexOf('=') ?? -1;
    if (written === undefined || at < 1) return [];
    return [{ key: written.slice(0, at), value: written.slice(at + 1), line: item.line }];
  });
}

function commandOf(node: Located | undefined): string | string[] | undefined {
  if (node?.kind === 'seq') return items(node).map((item) => text(item) ?? '');
  return text(node);
}

/** Broker technologies a service depends on or names in a setting (host or URL). */
function wiredBrokers(
  service: Located,
  settings: readonly Setting[],
  brokers: ReadonlyMap<string, Broker>,
): TechnologyId[] {
  const dependsOn = field(service, 'depends_on');
  const names = new Set([
    ...items(dependsOn).map((i) => text(i) ?? ''),
    ...entries(dependsOn).map(([k]) => k),
  ]);
  const wired: TechnologyId[] = [];
  for (const broker of brokers.values()) {
    if (!broker.technology) continue;
    const named = settings.some((s) =>
      new RegExp(`(^|[/@:])${escape(broker.service)}([:/]|$)`).test(s.value),
    );
    if (names.has(broker.service) || named) wired.push(broker.technology);
  }
  return wired;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
