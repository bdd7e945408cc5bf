// Procfiles and crontabs: the processes a platform runs. A Procfile worker line that starts a
// Celery, RQ or Dramatiq worker consumes the queues it names; each crontab line is a job the
// cron daemon schedules (technology crontab), named by its command as written.
// Docs: https://devcenter.heroku.com/articles/procfile
//       https://man7.org/linux/man-pages/man5/crontab.5.html
import createDebug from 'debug';
import {
  edgeRecord,
  evidenceAt,
  nodeRecord,
  ref,
  type GraphRecord,
  type SourceLocation,
} from '../../model/graph.js';
import type { Extractor, ExtractContext } from '../contract.js';
import type { ConfigFile } from '../../lang/config/frontend.js';
import { readWorkerCommand, withoutComment } from '../../lang/config/commands.js';
import { workerRecords } from '../../lang/config/deployment.js';

const debug = createDebug('eventgraph:extract:process-files');

export const processFilesExtractor: Extractor<ConfigFile> = {
  id: 'process-files',
  title: 'Procfile processes and crontab lines',
  docs: 'https://man7.org/linux/man-pages/man5/crontab.5.html',
  language: 'config',
  technologies: ['crontab', 'celery', 'rq', 'dramatiq'],
  packages: [],
  // Chosen by file name, whatever the files say.
  imports: [''],
  prefilter: [],
  emits: { nodes: ['Queue', 'Handler', 'Job'], edges: ['CONSUMES', 'SCHEDULES'] },
  extract,
};

function extract(file: ConfigFile, context: ExtractContext): GraphRecord[] {
  const location = { repository: file.input.repository, file: file.input.path };
  let records: GraphRecord[] = [];
  if (file.dialect === 'procfile') records = procfile(location, file.input.text);
  if (file.dialect === 'crontab') records = crontab(location, file.input.text, context);
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

function procfile(location: SourceLocation, text: string): GraphRecord[] {
  return text.split('\n').flatMap((line, index) => {
    const match = /^([\w-]+):\s*(.+)$/.exec(line.trim());
    if (!match?.[1] || !match[2]) return [];
    const worker = readWorkerCommand(match[2]);
    return worker ? workerRecords(location, match[1], worker, index + 1) : [];
  });
}

const CRON_FIELD = /^[\d*,/\-A-Za-z?LW#]+$/;
const SPECIAL = /^@(yearly|annually|monthly|weekly|daily|midnight|hourly|reboot)$/;

function crontab(location: SourceLocation, text: string, context: ExtractContext): GraphRecord[] {
  // System crontabs (/etc/crontab, cron.d) have a user field before the command.
  const withUser = /(^|\/)(cron\.d\/[^/]+|etc\/crontab)$/.test(location.file);
  const records: GraphRecord[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#') || /^[A-Za-z_]\w*\s*=/.test(line)) return;
    const words = line.split(/\s+/);
    const special = SPECIAL.test(words[0] ?? '');
    const timeFields = special ? 1 : 5;
    const time = words.slice(0, timeFields);
    if (!special && (time.length < 5 || !time.every((f) => CRON_FIELD.test(f)))) {
      context.report({ line: index + 1, message: 'not a crontab line; skipped' });
      return;
    }
    let rest = words.slice(timeFields);
    if (withUser && rest.length > 1) rest = rest.slice(1);
    const command = withoutComment(rest.join(' '));
    if (!command) return;
    const evidence = evidenceAt(location, index + 1);
    const job = ref.job(location.repository, 'crontab', command);
    records.push(
      nodeRecord(job, { name: command, technology: 'crontab' }, evidence),
      edgeRecord(
        'SCHEDULES',
        ref.serviceOf(location),
        job,
        {
          technology: 'crontab',
          properties: {
            schedule: time.join(' '),
            scheduleKind: time[0] === '@reboot' ? 'date' : 'cron',
            scheduler: 'crontab',
          },
        },
        evidence,
      ),
    );
  });
  return records;
}
