// What a process command line says about messaging: a Celery, RQ or Dramatiq worker and the
// queues it takes from. Commands come from compose `command:`, Procfile lines, Kubernetes
// container args and crontab lines; they are read as words, never run.
// Docs: https://docs.celeryq.dev/en/stable/reference/cli.html#celery-worker
//       https://python-rq.org/docs/workers/  https://dramatiq.io/reference.html#cli
import type { TechnologyId } from '../../model/taxonomy.js';

export interface WorkerCommand {
  technology: TechnologyId;
  /** Queues named on the command line, as written; empty when it names none. */
  queues: string[];
  /** Processes or threads one worker runs side by side (-c, --concurrency, --processes). */
  concurrency?: number;
  /** The command as one line. */
  command: string;
}

/** Splits a shell-like command into words; quotes group, a comment ends the line. */
export function commandWords(command: string | readonly string[]): string[] {
  if (typeof command !== 'string') return [...command];
  const words: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const match of command.matchAll(pattern)) {
    const word = match[1] ?? match[2] ?? match[3] ?? '';
    if (match[3]?.startsWith('#')) break; // a shell comment runs to the end of the line
    words.push(word);
  }
  return words;
}

/** The simple commands of a line joined by `&&`, `||` or `;` (a `sh -c "..."` is opened). */
function simpleCommands(words: readonly string[]): string[][] {
  const commands: string[][] = [[]];
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] ?? '';
    if ((word === 'sh' || word === 'bash' || word.endsWith('/sh')) && words[i + 1] === '-c') {
      const script = words[i + 2];
      if (script !== undefined) commands.push(...simpleCommands(commandWords(script)));
      i += 2;
      continue;
    }
    if (['&&', '||', ';', '|'].includes(word)) {
      commands.push([]);
      continue;
    }
    commands.at(-1)?.push(word.replace(/;$/, ''));
  }
  return commands.filter((c) => c.length > 0);
}

export function readWorkerCommand(command: string | readonly string[]): WorkerCommand | undefined {
  const words = commandWords(command);
  const line = words.join(' ');
  for (const simple of simpleCommands(words)) {
    const worker = celeryWorker(simple) ?? rqWorker(simple) ?? dramatiqWorker(simple);
    if (worker) return { ...worker, command: line };
  }
  return undefined;
}

/** Whether the command starts Celery beat, the scheduler process. */
export function isCeleryBeat(command: string | readonly string[]): boolean {
  return simpleCommands(commandWords(command)).some(
    (words) => invokes(words, 'celery') && (words.includes('beat') || words.includes('-B')),
  );
}

function invokes(words: readonly string[], program: string): boolean {
  return words.some((w, i) => i < 4 && (w === program || w.endsWith(`/${program}`)));
}

function optionValues(words: readonly string[], names: readonly string[]): string[] {
  const values: string[] = [];
  words.forEach((word, i) => {
    for (const name of names) {
      if (word === name && words[i + 1] !== undefined) values.push(words[i + 1] ?? '');
      else if (name.startsWith('--') && word.startsWith(`${name}=`))
        values.push(word.slice(name.length + 1));
      else if (!name.startsWith('--') && word.startsWith(name) && word.length > name.length)
        values.push(word.slice(name.length));
    }
  });
  return values;
}

function splitList(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(',')).filter((v) => v.length > 0);
}

function concurrencyOf(words: readonly string[], names: readonly string[]): number | undefined {
  const value = optionValues(words, names)[0];
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

function celeryWorker(words: readonly string[]): Omit<WorkerCommand, 'command'> | undefined {
  if (!invokes(words, 'celery') || !words.includes('worker')) return undefined;
  const concurrency = concurrencyOf(words, ['--concurrency', '-c']);
  return {
    technology: 'celery',
    queues: splitList(optionValues(words, ['--queues', '-Q'])),
    ...(concurrency === undefined ? {} : { concurrency }),
  };
}

/** Options of `rq worker` that take a value, so their value is not read as a queue. */
const RQ_VALUE_OPTIONS = new Set([
  '-u',
  '--url',
  '-c',
  '--config',
  '-n',
  '--name',
  '-w',
  '--worker-class',
  '-j',
  '--job-class',
  '--queue-class',
  '--connection-class',
  '--results-ttl',
  '--worker-ttl',
  '--job-monitoring-interval',
  '--logging_level',
  '--log-format',
  '--date-format',
  '--exception-handler',
  '--serializer',
  '-S',
  '-P',
  '--path',
  '--max-jobs',
  '--max-idle-time',
  '--dequeue-strategy',
  '--pid',
  '--num-workers',
  '-n',
]);

function rqWorker(words: readonly string[]): Omit<WorkerCommand, 'command'> | undefined {
  // `rq worker q1 q2`, `rq worker-pool q1 -n 4`, `rqworker q1`, `manage.py rqworker q1`.
  let start = words.findIndex(
    (w, i) => (w === 'worker' || w === 'worker-pool') && (words[i - 1] ?? '').endsWith('rq'),
  );
  if (start < 0) start = words.findIndex((w) => w === 'rqworker' || w.endsWith('/rqworker'));
  if (start < 0) return undefined;
  const queues: string[] = [];
  for (let i = start + 1; i < words.length; i += 1) {
    const word = words[i] ?? '';
    if (word.startsWith('-')) {
      if (RQ_VALUE_OPTIONS.has(word)) i += 1;
      continue;
    }
    queues.push(word);
  }
  const pool = words[start] === 'worker-pool' ? concurrencyOf(words, ['--num-workers', '-n']) : 0;
  return { technology: 'rq', queues, ...(pool ? { concurrency: pool } : {}) };
}

function dramatiqWorker(words: readonly string[]): Omit<WorkerCommand, 'command'> | undefined {
  if (!invokes(words, 'dramatiq')) return undefined;
  const processes = concurrencyOf(words, ['--processes', '-p']);
  return {
    technology: 'dramatiq',
    queues: splitList(optionValues(words, ['--queues', '-Q'])).filter((q) => !q.startsWith('-')),
    ...(processes === undefined ? {} : { concurrency: processes }),
  };
}

/** A name written with a shell variable: `${QUEUE:-emails}` gives emails with override QUEUE. */
/** A command line without its trailing shell comment. */
export function withoutComment(line: string): string {
  return commandWords(line).join(' ');
}

export function shellName(
  word: string,
): { name: string; dynamic: boolean; override?: string; expression?: string } | undefined {
  const withDefault = /^\$\{(\w+):?-([^}]*)\}$/.exec(word);
  if (withDefault?.[1] && withDefault[2])
    return { name: withDefault[2], dynamic: false, override: withDefault[1] };
  if (/\$\{?\w+/.test(word)) return { name: word, dynamic: true, expression: word };
  if (/^[\w.:/*>#@-]+$/.test(word)) return { name: word, dynamic: false };
  return undefined;
}
