// `eventgraph serve`: the viewer page and a small JSON API over the last scan in an --out
// folder. The API reads scanned repositories, so it answers only on loopback names unless
// told to bind elsewhere, refuses paths outside the repositories and runs read-only Cypher.
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import createDebug from 'debug';
import express, { type NextFunction, type Request, type Response } from 'express';
import { EventgraphError } from '../errors.js';
import type { GraphExport } from '../export/graph-json.js';
import { answerQuery, kuzuRunner, type ReadOnlyRunner } from './query.js';
import { viewerAssetsFolder } from '../viewer/html.js';
import {
  EXPORT_FILE,
  loadScanFolder,
  remoteLinks,
  type ScanFolder,
} from '../viewer/scan-folder.js';
import { readSnippet, safeSegments, SnippetError } from '../viewer/snippets.js';
import type { ViewerData } from '../viewer/viewer-data.js';

const debug = createDebug('eventgraph:serve');

export const DEFAULT_PORT = 7777;
export const DEFAULT_HOST = '127.0.0.1';
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export interface ViewerAppOptions {
  /** The scan's --out folder: the export and `.eventgraph/` with the embedded database. */
  outDir: string;
  /** Bundled page; default dist/viewer of this package. */
  assets?: string;
  /** Accept any Host header (set when binding a non-loopback address on purpose). */
  anyHost?: boolean;
  /** What the Cypher box queries; default the scan's embedded Kùzu store, read-only. */
  runQuery?: ReadOnlyRunner;
}

export function createViewerApp(options: ViewerAppOptions): express.Express {
  const assets = options.assets ?? viewerAssetsFolder();
  const runQuery = options.runQuery ?? kuzuRunner(path.join(options.outDir, '.eventgraph'));
  const scanFolder = cachedScanFolder(options.outDir);
  const app = express();
  app.disable('x-powered-by');
  // A page on another site can make a browser call localhost; a DNS name it controls that
  // resolves to 127.0.0.1 is refused by the Host check (DNS rebinding).
  if (!options.anyHost) app.use(loopbackHostOnly);
  app.use(securityHeaders);
  app.use(express.json({ limit: '64kb' }));

  app.get(
    '/api/graph',
    handle(async (_request, response) => {
      const { graph, roots } = await scanFolder();
      const data: ViewerData = {
        graph,
        links: await remoteLinks(graph, roots),
        snippets: null,
        server: true,
      };
      response.json(data);
    }),
  );

  app.get(
    '/api/findings',
    handle(async (_request, response) => {
      const { graph } = await scanFolder();
      response.json({ patterns: graph.patterns, findings: graph.findings });
    }),
  );

  app.get(
    '/api/evidence',
    handle(async (request, response) => {
      const { repository, file, line, context } = request.query;
      if (typeof repository !== 'string' || typeof file !== 'string' || typeof line !== 'string') {
        response.status(400).json({ error: 'repository, file and line are required' });
        return;
      }
      const { roots, cited } = await scanFolder();
      safeSegments(file);
      // Only files the scan cites: a repository's .env is inside it but none of the page's
      // business.
      if (!cited.has(`${repository}\u0000${file}`)) {
        throw new SnippetError('outside', 'the scan cites no evidence in that file');
      }
      const snippet = await readSnippet(roots, {
        repository,
        file,
        line: Number(line),
        context: typeof context === 'string' ? Number(context) : undefined,
      });
      response.json(snippet);
    }),
  );

  let queue: Promise<unknown> = Promise.resolve();
  app.post(
    '/api/query',
    handle(async (request, response) => {
      const body = request.body as { query?: unknown } | undefined;
      if (typeof body?.query !== 'string') {
        response.status(400).json({ error: 'send {"query": "MATCH … RETURN …"}' });
        return;
      }
      const text = body.query;
      // One query at a time: each opens the embedded database read-only and closes it after.
      const run = queue.then(() => answerQuery(runQuery, text));
      queue = run.catch(() => undefined);
      response.json(await run);
    }),
  );

  if (existsSync(path.join(assets, 'index.html'))) {
    app.use(express.static(assets, { index: 'index.html', fallthrough: true }));
  } else {
    app.get('/', (_request, response) => {
      response.status(500).type('text').send('The viewer is not built: run `npm run build`.');
    });
  }
  app.use('/api', (_request, response) => {
    response.status(404).json({ error: 'no such endpoint' });
  });
  app.use(errorHandler);
  return app;
}

export interface RunningServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function startViewerServer(
  options: ViewerAppOptions & { port?: number; host?: string },
): Promise<RunningServer> {
  const host = options.host ?? DEFAULT_HOST;
  const anyHost = options.anyHost ?? !LOOPBACK_NAMES.has(host);
  const app = createViewerApp({ ...options, anyHost });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(options.port ?? DEFAULT_PORT, host, (error?: Error) => {
      if (error) reject(error);
      else resolve(listening);
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  debug('listening on %s:%d', shownHost, address.port);
  return {
    url: `http://${shownHost}:${String(address.port)}/`,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
        server.closeAllConnections();
      }),
  };
}

/**
 * The scan folder, parsed again only when the export changes: a 30,000-node export takes a
 * while to parse, and the evidence panel asks once per piece of evidence.
 */
function cachedScanFolder(outDir: string): () => Promise<ScanFolder & { cited: Set<string> }> {
  let cached: { stamp: string; folder: ScanFolder & { cited: Set<string> } } | null = null;
  return async () => {
    const info = await stat(path.join(outDir, EXPORT_FILE)).catch(() => null);
    const stamp = info ? `${String(info.mtimeMs)}:${String(info.size)}` : '';
    if (cached?.stamp === stamp && stamp !== '') return cached.folder;
    const folder = await loadScanFolder(outDir);
    cached = { stamp, folder: { ...folder, cited: citedFiles(folder.graph) } };
    return cached.folder;
  };
}

function citedFiles(graph: GraphExport): Set<string> {
  const files = new Set<string>();
  for (const item of [...graph.nodes, ...graph.edges, ...graph.patterns, ...graph.findings]) {
    for (const evidence of item.evidence) files.add(`${evidence.repository}\u0000${evidence.file}`);
  }
  return files;
}

type Handler = (request: Request, response: Response) => Promise<void>;

function handle(handler: Handler) {
  return (request: Request, response: Response, next: NextFunction): void => {
    handler(request, response).catch(next);
  };
}

function loopbackHostOnly(request: Request, response: Response, next: NextFunction): void {
  const host = (request.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  if (LOOPBACK_NAMES.has(host)) {
    next();
    return;
  }
  response.status(403).type('text').send('eventgraph serve answers only to localhost');
}

function securityHeaders(_request: Request, response: Response, next: NextFunction): void {
  response.setHeader(
    'Content-Security-Policy',
    [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "connect-src 'self'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
  );
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
  next();
}

function errorHandler(
  error: unknown,
  _request: Request,
  response: Response,
  next: NextFunction,
): void {
  if (response.headersSent) {
    next(error);
    return;
  }
  if (error instanceof SnippetError) {
    const status = { 'bad-request': 400, outside: 403, 'not-found': 404 }[error.problem];
    response.status(status).json({ error: error.message });
    return;
  }
  if (error instanceof EventgraphError) {
    // Store errors carry the engine's message (a syntax error, a missing label): the user's to fix.
    response
      .status(400)
      .json({ error: error.message.split('\n')[0] ?? error.message, hint: error.hint });
    return;
  }
  if (isBodyParserError(error)) {
    response.status(400).json({ error: 'the body must be JSON' });
    return;
  }
  debug('unexpected error %O', error);
  response
    .status(500)
    .json({ error: 'unexpected failure; run with DEBUG=eventgraph:* for details' });
}

function isBodyParserError(error: unknown): boolean {
  return (error as { type?: unknown } | null)?.type === 'entity.parse.failed';
}
