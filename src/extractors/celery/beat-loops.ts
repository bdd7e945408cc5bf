// Beat schedules built in a loop, as Django settings often do: a literal list of dicts, each
// naming a task (and often a default cron string), turned into entries one by one:
//
//   for task in TASKS:
//       schedule[task["name"]] = {"task": task["task"], "schedule": crontab(...)}
//
// Only the simple, visible form is read: the setting's value is the dict the loop fills, the
// loop walks a literal list of dict literals, and the entry's "task" is read from the item.
// https://docs.celeryq.dev/en/stable/userguide/periodic-tasks.html#beat-entries
import { assignmentsIn } from '../../lang/python/module-index.js';
import type { Located, Resolver } from '../../lang/python/resolve.js';
import { stringLiteral } from '../../lang/python/syntax.js';
import type { SyntaxNode } from '../../lang/python/tree-sitter.js';

export interface LoopEntry {
  /** The entry's name, when the key is read from the item. */
  entry?: string;
  /** The item's "task" value. */
  task: Located;
  /** The schedule expression as the loop writes it. */
  schedule: Located;
  /** A cron string the item holds and the loop reads, e.g. an environment default. */
  scheduleDefault?: string;
  /** The assignment that adds the entry. */
  built: Located;
}

// Five or six fields of cron text: `*/10 * * * *`, `30 0 * * sun`.
const CRON = /^[\w*/,?#-]+(\s+[\w*/,?#-]+){4,5}$/;

export function loopBuiltEntries(resolver: Resolver, setting: Located): LoopEntry[] {
  const bound = resolver.bind(setting.module, setting.node);
  if (bound?.kind !== 'value' || bound.node.type !== 'dictionary') return [];
  const { module } = bound;
  const entries: LoopEntry[] = [];
  for (const { target, value, assignment } of assignmentsIn(module)) {
    if (target?.type !== 'subscript' || !value || !assignment) continue;
    const filled = target.childForFieldName('value');
    const into = filled ? resolver.bind(module, filled) : undefined;
    if (into?.kind !== 'value' || into.node.id !== bound.node.id) continue;
    const loop = enclosingFor(assignment);
    const item = loop?.childForFieldName('left');
    const list = loop?.childForFieldName('right');
    if (!loop || item?.type !== 'identifier' || !list) continue;

    const fields = resolver.dict(module, value);
    const taskRead = fields?.get('task');
    const schedule = fields?.get('schedule');
    const taskKey = taskRead ? itemKey(taskRead.node, item.text) : undefined;
    if (!schedule || taskKey === undefined) continue;
    const keyRead = target.childForFieldName('subscript');
    const entryKey = keyRead ? itemKey(keyRead, item.text) : undefined;
    const readKeys = itemKeysIn(loop, item.text);

    for (const element of resolver.sequence(module, list) ?? []) {
      const itemFields = resolver.dict(element.module, element.node);
      const task = itemFields?.get(taskKey);
      if (!itemFields || !task) continue;
      const found: LoopEntry = { task, schedule, built: { module, node: assignment } };
      const entry = entryKey === undefined ? undefined : itemFields.get(entryKey);
      const entryName = entry ? resolver.literal(entry.module, entry.node) : undefined;
      if (typeof entryName === 'string') found.entry = entryName;
      const cron = readKeys
        .map((key) => itemFields.get(key))
        .map((field) => (field ? stringLiteral(field.node) : undefined))
        .find((text) => text !== undefined && CRON.test(text.trim()));
      if (cron !== undefined) found.scheduleDefault = cron;
      entries.push(found);
    }
  }
  return entries;
}

/** The innermost `for` around a node within its function. */
function enclosingFor(node: SyntaxNode): SyntaxNode | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type === 'for_statement') return current;
    if (current.type === 'function_definition' || current.type === 'class_definition') break;
  }
  return undefined;
}

/** `item["key"]` → "key", when the subscript reads the loop's item with a literal key. */
function itemKey(node: SyntaxNode, item: string): string | undefined {
  if (node.type !== 'subscript' || node.childForFieldName('value')?.text !== item) return undefined;
  const key = node.childForFieldName('subscript');
  return key ? stringLiteral(key) : undefined;
}

/** Every key the loop body reads from its item. */
function itemKeysIn(loop: SyntaxNode, item: string): string[] {
  const body = loop.childForFieldName('body');
  const keys = (body?.descendantsOfType('subscript') ?? []).map((s) => itemKey(s, item));
  return keys.filter((key): key is string => key !== undefined);
}
