// Tiny graphs for graph-in, rows-out tests. Ids follow assembly's scheme; every node and edge
// gets evidence at a distinct line of a file named after it, so rows can be checked exactly.
import type {
  EdgeType,
  Evidence,
  Graph,
  GraphEdge,
  GraphNode,
  NodeLabel,
  Properties,
} from '../../src/model/graph.js';
import type { TechnologyId } from '../../src/model/taxonomy.js';

export const REPO = 'shop';

export class GraphBuilder {
  private readonly nodes: GraphNode[] = [];
  private readonly edges: GraphEdge[] = [];
  private line = 0;

  private evidence(file: string): Evidence[] {
    this.line += 1;
    return [{ repository: REPO, file, line: this.line }];
  }

  private node(
    label: NodeLabel,
    id: string,
    name: string,
    technology: TechnologyId | null,
    service: string | null,
    properties: Properties,
    file: string,
  ): string {
    const evidence = this.evidence(file);
    const repository = REPO;
    this.nodes.push({ id, label, name, technology, repository, service, properties, evidence });
    return id;
  }

  service(name: string): string {
    const id = `service:${REPO}:${name}`;
    return this.node('Service', id, name, null, null, { path: name }, `${name}/package.json`);
  }

  topic(name: string, technology: TechnologyId = 'kafka', properties: Properties = {}): string {
    const props = { kind: technology === 'rabbitmq' ? 'exchange' : 'topic', ...properties };
    const id = `topic:${technology}:${name}`;
    return this.node('Topic', id, name, technology, null, props, 'src/channels.ts');
  }

  queue(name: string, technology: TechnologyId = 'rabbitmq', properties: Properties = {}): string {
    const props = { kind: 'queue', ...properties };
    const id = `queue:${technology}:${name}`;
    return this.node('Queue', id, name, technology, null, props, 'src/channels.ts');
  }

  handler(service: string, name: string, properties: Properties = {}): string {
    const serviceName = service.split(':').pop() ?? service;
    const file = `${serviceName}/src/${name}.ts`;
    const id = `handler:${REPO}:${file}:${name}`;
    this.node('Handler', id, name, 'kafka', service, properties, file);
    this.edge('CONTAINS', service, id);
    return id;
  }

  job(name: string, technology: TechnologyId = 'celery', properties: Properties = {}): string {
    const id = `job:${REPO}:${technology}:${name}`;
    return this.node('Job', id, name, technology, null, properties, `tasks/${name}.py`);
  }

  event(name: string): string {
    return this.node('Event', `event:${REPO}:${name}`, name, null, null, {}, `events/${name}.ts`);
  }

  edge(type: EdgeType, from: string, to: string, properties: Properties = {}): string {
    const id = `${type}:${from}->${to}`;
    const evidence = this.evidence(`edges/${type.toLowerCase()}.ts`);
    const repository = REPO;
    this.edges.push({ id, type, from, to, technology: null, repository, properties, evidence });
    return id;
  }

  build(): Graph {
    const repositories = [{ name: REPO, root: '/tmp/shop', commit: null }];
    return { repositories, nodes: this.nodes, edges: this.edges };
  }
}
