// In-process message buses in Python: hand-written buses that dispatch by message class,
// Django signals, blinker signals and pyee emitters.
import createDebug from 'debug';
import type { Extractor } from '../contract.js';
import type { PyFile } from '../../lang/python/frontend.js';
import { dispatchMapRecords } from './dispatch-maps.js';
import { signalRecords } from './signals.js';

const debug = createDebug('eventgraph:extract:python-bus');

export const pythonBusExtractor: Extractor<PyFile> = {
  id: 'python-bus',
  title: 'In-process buses (message buses, Django signals, blinker, pyee)',
  docs: 'https://docs.djangoproject.com/en/stable/topics/signals/',
  language: 'python',
  technologies: ['in-process'],
  packages: ['blinker', 'pyee'],
  // A hand-written bus imports nothing: its handler tables and `type(message)` lookups do.
  imports: ['HANDLERS', 'handlers', '[type(', 'Signal', 'signal(', 'blinker', 'pyee', 'receiver'],
  prefilter: [
    'HANDLERS',
    'handlers',
    '[type(',
    'Signal',
    'signal',
    'receiver',
    'EventEmitter',
    '.connect',
    '.send(',
    '.send_robust(',
    '.emit(',
    '.on(',
  ],
  emits: {
    nodes: ['Topic', 'Handler', 'Event'],
    edges: ['PUBLISHES', 'CONSUMES', 'CARRIES'],
  },
  extract(file) {
    const records = [...dispatchMapRecords(file), ...signalRecords(file)];
    debug('%s: %d records', file.input.path, records.length);
    return records;
  },
};
