// The Celery tasks of a whole project, found once: which functions are tasks (their decorator
// traces to a Celery app or `celery.shared_task`), their names and options, and the queues
// that `task_routes` sends them to. Calls and beat entries in any file look tasks up here.
import type { ResolvedName } from '../../model/graph.js';
import type { PyFile } from '../../lang/python/frontend.js';
import { callsIn } from '../../lang/python/call-sites.js';
import {
  assignmentsIn,
  type PyModule,
  type PythonProject,
} from '../../lang/python/module-index.js';
import type { Located, Resolver } from '../../lang/python/resolve.js';
import { functionName, stringLiteral } from '../../lang/python/syntax.js';
import { runQuery, type SyntaxNode } from '../../lang/python/tree-sitter.js';

export interface CeleryTask {
  module: PyModule;
  fn: SyntaxNode;
  /** The Job name: `name=` when given, else the function name. */
  name: string;
  /** Celery's own default name, `module.function`, which routes and beat entries use. */
  qualifiedName: string;
  /** The decorator's arguments, when it is called (`@app.task(bind=True)`). */
  options: SyntaxNode | undefined;
}

export interface CeleryProject {
  tasks: CeleryTask[];
  /** Keyed by `path:offset` of the function, as syntax node objects are not stable. */
  byFunction: Map<string, CeleryTask>;
  routes: Route[];
}

/** A `task_routes` entry: a task name or glob, its queue, and the line that says so. */
export interface Route {
  pattern: string;
  queue: ResolvedName;
  at: Located;
}

const TASK_DECORATORS =
  /^celery(\.app)?\.(shared_task|task)$|^celery(\.app)?\.(Celery\(\)|current_app)\.task$/;
const tables = new WeakMap<PythonProject, CeleryProject>();

export function celeryProject(file: PyFile): CeleryProject {
  let table = tables.get(file.project);
  if (!table) {
    table = buildTable(file.project, file.resolver);
    tables.set(file.project, table);
  }
  return table;
}

/** Whether a decorator expression makes the function a Celery task. */
export function isTaskDecorator(
  resolver: Resolver,
  module: PyModule,
  decorator: SyntaxNode,
): boolean {
  const expression = decorator.namedChildren[0];
  if (!expression) return false;
  const callee = expression.type === 'call' ? expression.childForFieldName('function') : expression;
  const origin = callee ? resolver.origin(module, callee) : undefined;
  return origin !== undefined && TASK_DECORATORS.test(origin);
}

function buildTable(project: PythonProject, resolver: Resolver): CeleryProject {
  const tasks: CeleryTask[] = [];
  const byFunction = new Map<string, CeleryTask>();
  const seen = new Set<PyModule>();
  // Words every task module or routing setting contains, so unrelated files stay unparsed.
  const words = ['.task', 'shared_task', 'celery', 'task_routes', 'TASK_ROUTES'];
  for (const module of words.flatMap((word) => project.modulesMentioning(word))) {
    if (seen.has(module)) continue;
    seen.add(module);
    for (const match of runQuery('decorated-functions', module.root)) {
      const { decorator, function: fn } = match;
      if (
        !decorator ||
        !fn ||
        byFunction.has(functionKey(module, fn)) ||
        !isTaskDecorator(resolver, module, decorator)
      )
        continue;
      const expression = decorator.namedChildren[0];
      const options =
        expression?.type === 'call'
          ? (expression.childForFieldName('arguments') ?? undefined)
          : undefined;
      const explicit = options ? keyword(options, 'name') : undefined;
      const resolved = explicit ? resolver.string(module, explicit) : undefined;
      const qualifiedName = `${module.dotted}.${functionName(fn)}`;
      const task: CeleryTask = {
        module,
        fn,
        options,
        qualifiedName,
        name: resolved?.name ?? functionName(fn),
      };
      tasks.push(task);
      byFunction.set(functionKey(module, fn), task);
    }
  }
  const routes = [...seen].flatMap((module) => routesIn(module, resolver));
  return { tasks, byFunction, routes };
}

export function functionKey(module: PyModule, fn: SyntaxNode): string {
  return `${module.path}:${String(fn.startIndex)}`;
}

function keyword(args: SyntaxNode, name: string): SyntaxNode | undefined {
  for (const child of args.namedChildren) {
    if (child.type === 'keyword_argument' && child.childForFieldName('name')?.text === name) {
      return child.childForFieldName('value') ?? undefined;
    }
  }
  return undefined;
}

/** A setting as `x = {...}`, `app.conf.x = {...}`, `CELERY_X = {...}` or `conf.update(x=...)`. */
export function celerySetting(module: PyModule, setting: string): Located[] {
  const found: Located[] = [];
  const upper = `CELERY_${setting.toUpperCase()}`;
  for (const { target, value } of assignmentsIn(module)) {
    if (!target || !value) continue;
    const last =
      target.type === 'attribute' ? target.childForFieldName('attribute')?.text : target.text;
    if (last === setting || last === upper) found.push({ module, node: value });
  }
  // app.conf.update(task_routes={...}) or app.conf.update({"task_routes": {...}})
  for (const { method, arguments: args } of callsIn(module)) {
    if (method?.text !== 'update' || !args) continue;
    const value = keyword(args, setting) ?? dictionaryEntry(args.namedChildren[0], setting);
    if (value) found.push({ module, node: value });
  }
  return found;
}

function dictionaryEntry(node: SyntaxNode | null | undefined, key: string): SyntaxNode | undefined {
  if (node?.type !== 'dictionary') return undefined;
  for (const pair of node.namedChildren) {
    const name = pair.childForFieldName('key');
    if (pair.type === 'pair' && name && stringLiteral(name) === key)
      return pair.childForFieldName('value') ?? undefined;
  }
  return undefined;
}

// task_routes maps names or globs to `{"queue": name}` (or the queue name alone); a list of
// such maps is tried in order. https://docs.celeryq.dev/en/stable/userguide/routing.html
function routesIn(module: PyModule, resolver: Resolver): Route[] {
  const routes: Route[] = [];
  for (const setting of celerySetting(module, 'task_routes')) {
    const maps = resolver.sequence(setting.module, setting.node) ?? [setting];
    for (const map of maps) {
      for (const [pattern, route] of resolver.dict(map.module, map.node) ?? []) {
        const queue = resolver.dict(route.module, route.node)?.get('queue') ?? stringRoute(route);
        if (!queue) continue;
        const at = route.node.parent ?? route.node;
        routes.push({
          pattern,
          queue: resolver.string(queue.module, queue.node),
          at: { module: route.module, node: at },
        });
      }
    }
  }
  return routes;
}

function stringRoute(route: Located): Located | undefined {
  return route.node.type === 'string' ? route : undefined;
}

/** A task by the name a beat entry, route or `send_task` uses. */
export function taskNamed(table: CeleryProject, name: string): CeleryTask | undefined {
  const exact = table.tasks.find((t) => t.name === name || t.qualifiedName === name);
  if (exact) return exact;
  const last = name.split('.').pop();
  const byFunction = table.tasks.filter((t) => functionName(t.fn) === last);
  return byFunction.length === 1 ? byFunction[0] : undefined;
}

/**
 * The route `task_routes` gives a task: its exact name, a glob (`*` matches any run of
 * characters, dots included), or a route written for the function in a module the
 * project's layout names differently. Celery matches the name a task is registered under, so
 * a task given `name=` is matched by that name only.
 */
export function routedQueue(table: CeleryProject, task: CeleryTask): Route | undefined {
  const registered = task.name === functionName(task.fn) ? task.qualifiedName : task.name;
  for (const route of table.routes) {
    const { pattern } = route;
    if (pattern === registered) return route;
    if (pattern.includes('*')) {
      const glob = new RegExp(`^${pattern.split('*').map(escape).join('.*')}$`);
      if (glob.test(registered)) return route;
    } else if (
      registered === task.qualifiedName &&
      pattern.split('.').pop() === functionName(task.fn)
    ) {
      return route;
    }
  }
  return undefined;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
