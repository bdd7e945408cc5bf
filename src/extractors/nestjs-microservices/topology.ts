// How a NestJS application is wired, read once per project: which module each bootstrap
// (createMicroservice, connectMicroservice) serves over which transport, which controllers
// each module holds and imports, and which client each injection token names.
import path from 'node:path';
import {
  Node,
  SyntaxKind,
  type CallExpression,
  type ClassDeclaration,
  type Project,
} from 'ts-morph';
import type { TsFile } from '../../lang/typescript/frontend.js';
import { strip } from '../../lang/typescript/resolve.js';
import { isArrayOf, transportOf, type Transport } from './transport.js';

export interface Bootstrap {
  call: CallExpression;
  /** The root module, when it could be followed. */
  module: ClassDeclaration | undefined;
  /** Undefined for TCP, gRPC and custom strategies, which the extractor leaves out. */
  transport: Transport | undefined;
}

export interface ClientRegistration {
  token: string;
  /** The registration object, for evidence and proximity. */
  at: Node;
  transport: Transport | undefined;
}

export interface Topology {
  bootstraps: Bootstrap[];
  /** Module class -> imported module classes. */
  imports: Map<ClassDeclaration, ClassDeclaration[]>;
  /** Controller class -> modules that declare it. */
  declaredIn: Map<ClassDeclaration, ClassDeclaration[]>;
  clients: Map<string, ClientRegistration[]>;
}

const cache = new WeakMap<Project, Topology>();

export function topologyOf(file: TsFile): Topology {
  const project = file.source.getProject();
  let topology = cache.get(project);
  if (!topology) {
    topology = build(file, project);
    cache.set(project, topology);
  }
  return topology;
}

function build(file: TsFile, project: Project): Topology {
  const topology: Topology = {
    bootstraps: [],
    imports: new Map(),
    declaredIn: new Map(),
    clients: new Map(),
  };
  for (const source of project.getSourceFiles()) {
    for (const call of source.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      const callee = call.getExpression();
      if (!Node.isPropertyAccessExpression(callee)) continue;
      const method = callee.getName();
      if (method === 'createMicroservice' || method === 'connectMicroservice') {
        topology.bootstraps.push(bootstrap(file, call, method));
      } else if (method === 'register' || method === 'registerAsync') {
        if (callee.getExpression().getText() !== 'ClientsModule') continue;
        for (const registration of registrations(file, call, method === 'registerAsync')) {
          addClient(topology, registration);
        }
      }
    }
    for (const object of source.getDescendantsOfKind(SyntaxKind.ObjectLiteralExpression)) {
      const registration = factoryProvider(file, object);
      if (registration) addClient(topology, registration);
    }
    for (const cls of source.getClasses()) moduleOf(file, cls, topology);
  }
  return topology;
}

function addClient(topology: Topology, registration: ClientRegistration): void {
  const list = topology.clients.get(registration.token) ?? [];
  list.push(registration);
  topology.clients.set(registration.token, list);
}

function bootstrap(file: TsFile, call: CallExpression, method: string): Bootstrap {
  const args = call.getArguments();
  if (method === 'createMicroservice') {
    return { call, module: classOf(file, args[0]), transport: transportOf(file, args[1]) };
  }
  // app.connectMicroservice(options): the app is `NestFactory.create(AppModule)`.
  const callee = call.getExpression();
  const app = Node.isPropertyAccessExpression(callee) ? strip(callee.getExpression()) : undefined;
  let module: ClassDeclaration | undefined;
  if (app && Node.isIdentifier(app)) {
    const definition = file.resolver.definitionOf(app);
    const initializer = Node.isVariableDeclaration(definition)
      ? definition.getInitializer()
      : undefined;
    const created = initializer ? strip(initializer) : undefined;
    if (created && Node.isCallExpression(created))
      module = classOf(file, created.getArguments()[0]);
  }
  return { call, module, transport: transportOf(file, args[0]) };
}

/** The class an expression names: `AppModule`, `X.forRoot()`, `forwardRef(() => X)`. */
export function classOf(file: TsFile, node: Node | undefined): ClassDeclaration | undefined {
  if (!node) return undefined;
  let value = strip(node);
  if (Node.isCallExpression(value)) {
    const callee = strip(value.getExpression());
    const first = value.getArguments()[0];
    if (Node.isIdentifier(callee) && callee.getText() === 'forwardRef' && first) {
      const fn = strip(first);
      if (!Node.isArrowFunction(fn)) return undefined;
      value = strip(fn.getBody());
    } else if (Node.isPropertyAccessExpression(callee)) {
      value = strip(callee.getExpression());
    } else {
      return undefined;
    }
  }
  if (!Node.isIdentifier(value)) return undefined;
  const resolved = file.resolver.constantNode(value);
  return Node.isClassDeclaration(resolved) ? resolved : undefined;
}

function moduleOf(file: TsFile, cls: ClassDeclaration, topology: Topology): void {
  const decorator = cls.getDecorator('Module');
  if (!decorator) return;
  const fields = file.resolver.objectProperties(decorator.getArguments()[0]);
  const imported = isArrayOf(fields.get('imports'))
    .map((item) => classOf(file, item))
    .filter((c): c is ClassDeclaration => c !== undefined);
  topology.imports.set(cls, imported);
  for (const item of isArrayOf(fields.get('controllers'))) {
    const controller = classOf(file, item);
    if (!controller) continue;
    const list = topology.declaredIn.get(controller) ?? [];
    list.push(cls);
    topology.declaredIn.set(controller, list);
  }
}

/** ClientsModule.register([...]) or register({ clients: [...] }); registerAsync's factories. */
function registrations(file: TsFile, call: CallExpression, async: boolean): ClientRegistration[] {
  const argument = call.getArguments()[0];
  if (!argument) return [];
  const value = strip(argument);
  const items = Node.isArrayLiteralExpression(value)
    ? value.getElements()
    : isArrayOf(file.resolver.objectProperties(value).get('clients'));
  return items.flatMap((item) => {
    const fields = file.resolver.objectProperties(item);
    const nameNode = fields.get('name');
    if (!nameNode) return [];
    const token = file.resolver.resolveName(nameNode).name;
    const config = async ? factoryResult(file, fields.get('useFactory')) : item;
    return [{ token, at: item, transport: transportOf(file, config) }];
  });
}

/** `{ provide: TOKEN, useFactory: () => ClientProxyFactory.create(options) }`. */
function factoryProvider(file: TsFile, object: Node): ClientRegistration | undefined {
  if (!Node.isObjectLiteralExpression(object)) return undefined;
  const provide = object.getProperty('provide');
  const factory = object.getProperty('useFactory');
  if (!provide || !factory || !Node.isPropertyAssignment(provide)) return undefined;
  const fields = file.resolver.objectProperties(object);
  const result = factoryResult(file, fields.get('useFactory'));
  const created = result ? strip(result) : undefined;
  if (!created || !Node.isCallExpression(created)) return undefined;
  if (!/(^|\.)ClientProxyFactory\.create$/.test(created.getExpression().getText()))
    return undefined;
  const providedNode = fields.get('provide');
  if (!providedNode) return undefined;
  const token = file.resolver.resolveName(providedNode).name;
  return { token, at: object, transport: transportOf(file, created.getArguments()[0]) };
}

/** What a factory function returns: an arrow's expression body or its first return. */
export function factoryResult(file: TsFile, node: Node | undefined): Node | undefined {
  if (!node) return undefined;
  const fn = Node.isMethodDeclaration(node) ? node : file.resolver.functionOf(node);
  if (!fn) return undefined;
  if (Node.isArrowFunction(fn)) {
    const body = fn.getBody();
    if (!Node.isBlock(body)) return strip(body);
  }
  const returned = fn.getFirstDescendantByKind(SyntaxKind.ReturnStatement)?.getExpression();
  return returned ? strip(returned) : undefined;
}

/**
 * The bootstraps serving a controller: those whose root module reaches a module declaring it;
 * when no module chain reaches it, those whose bootstrap file sits in a folder above it.
 */
export function bootstrapsOf(
  file: TsFile,
  topology: Topology,
  controller: ClassDeclaration,
): Bootstrap[] {
  const modules = new Set(topology.declaredIn.get(controller) ?? []);
  const reached = topology.bootstraps.filter(
    (b) => b.module !== undefined && reaches(topology, b.module, modules),
  );
  if (reached.length > 0) return reached;
  const where = file.resolver.pathOf(controller);
  return topology.bootstraps.filter((b) => {
    const folder = path.posix.dirname(file.resolver.pathOf(b.call));
    return folder === '.' || where.startsWith(`${folder}/`);
  });
}

function reaches(
  topology: Topology,
  root: ClassDeclaration,
  targets: ReadonlySet<ClassDeclaration>,
): boolean {
  const seen = new Set<ClassDeclaration>();
  const pending = [root];
  while (pending.length > 0) {
    const module = pending.pop() as ClassDeclaration;
    if (targets.has(module)) return true;
    if (seen.has(module)) continue;
    seen.add(module);
    pending.push(...(topology.imports.get(module) ?? []));
  }
  return false;
}

/** Registrations of a token, the ones nearest the using file first (same app in a monorepo). */
export function registrationsOf(
  file: TsFile,
  topology: Topology,
  token: string,
  user: Node,
): ClientRegistration[] {
  const all = topology.clients.get(token) ?? [];
  const where = file.resolver.pathOf(user).split('/');
  const shared = (registration: ClientRegistration) => {
    const other = file.resolver.pathOf(registration.at).split('/');
    let n = 0;
    while (n < where.length - 1 && where[n] === other[n]) n += 1;
    return n;
  };
  const best = Math.max(...all.map(shared));
  return all.filter((registration) => shared(registration) === best);
}
