// The whole job for one set of repositories: extract, assemble, load into the store,
// derive patterns, render the report and the export. Returns data; never prints.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Diagnostic } from '../extractors/contract.js';
import { UsageError } from '../errors.js';
import { allExtractors } from '../extractors/registry.js';
import { assembleGraph } from '../graph/assemble.js';
import type { GapFinding, Graph, NodeLabel, PatternFinding } from '../model/graph.js';
import { NODE_LABELS } from '../model/graph.js';
import type { SkippedFile } from '../discover/discover.js';
import { buildExport, serializeExport } from '../export/graph-json.js';
import { runPatterns } from '../patterns/patterns.js';
import { runFlows, type ServiceFlow } from '../patterns/flows.js';
import { buildViewModel } from '../report/view-model.js';
import { renderReport } from '../report/render.js';
import { KuzuStore } from '../store/kuzu-store.js';
import { Neo4jStore, type Neo4jConnection } from '../store/neo4j-store.js';
import { collectSnippets, renderStandaloneViewer } from '../viewer/html.js';
import { remoteLinks, writeRepositoryRoots } from '../viewer/scan-folder.js';
import { extractRepository, repositoryTargets, type ExtractOptions } from './extract.js';
import { manifestNotes } from './notes.js';
import {
  checkDistinctOutputs,
  checkDistinctRepositories,
  checkRepositoryPaths,
  prepareOutputFile,
  prepareOutputFolder,
} from './validate.js';

export interface ScanRequest extends Omit<ExtractOptions, 'extractors'> {
  paths: readonly string[];
  /** Folder for the report, the export and the embedded database. */
  outDir: string;
  reportFile?: string;
  jsonFile?: string;
  /** Self-contained viewer page to write, linked from the report. */
  htmlFile?: string;
  /** Load into this Neo4j instead of the embedded store. */
  neo4j?: Neo4jConnection | null;
  /** Names for the repositories at the same index of `paths` (a system file's `name`). */
  names?: readonly (string | undefined)[];
  /** Web addresses for the repositories at the same index of `paths`. */
  remotes?: readonly (string | undefined)[];
  /** The report's title, a system file's `name`; else the repositories' names. */
  title?: string;
}

export interface ScanSummary {
  repositories: { name: string; filesRead: number; filesParsed: number; lines: number }[];
  skipped: (SkippedFile & { repository: string })[];
  nodesPerLabel: Record<NodeLabel, number>;
  edges: number;
  diagnostics: Diagnostic[];
  /** What manifests declare that the graph does not show. */
  notes: string[];
  elapsedMs: number;
}

export interface ScanOutcome {
  graph: Graph;
  patterns: PatternFinding[];
  gaps: GapFinding[];
  report: string;
  reportFile: string;
  jsonFile: string;
  htmlFile: string | null;
  summary: ScanSummary;
}

export async function scan(request: ScanRequest): Promise<ScanOutcome> {
  const started = performance.now();
  await checkRepositoryPaths(request.paths);
  await checkDistinctRepositories(request.paths);
  const reportFile = request.reportFile ?? path.join(request.outDir, 'eventgraph-report.md');
  const jsonFile = request.jsonFile ?? path.join(request.outDir, 'eventgraph-graph.json');
  const htmlFile = request.htmlFile ?? null;
  const outputs = [
    { flag: '--report', file: reportFile },
    { flag: '--json', file: jsonFile },
    ...(htmlFile === null ? [] : [{ flag: '--html', file: htmlFile }]),
  ];
  checkDistinctOutputs(outputs);
  await prepareOutputFolder(request.outDir);
  await prepareOutputFolder(path.join(request.outDir, '.eventgraph'));
  for (const output of outputs) await prepareOutputFile(output.file);
  const targets = repositoryTargets(request.paths, request.names);

  const extractions = [];
  for (const target of targets) extractions.push(await extractRepository(target, request));
  const globs = request.include ?? [];
  if (globs.length > 0 && extractions.every((x) => x.filesDiscovered === 0)) {
    // Nothing read proves nothing: no report claims there is no messaging.
    throw new UsageError(
      `--include ${globs.join(' ')} matched no file`,
      'globs are matched against paths inside each repository, such as src/**/*.ts',
    );
  }
  const knownPackages = new Set(allExtractors().flatMap((e) => e.packages));
  const graph = assembleGraph(
    extractions.map((x, index) => ({
      repository: {
        name: x.name,
        root: request.paths[index] ?? x.root,
        commit: x.commit,
        ...(request.remotes?.[index] === undefined ? {} : { remote: request.remotes[index] }),
      },
      records: x.records,
      manifests: x.manifests.map((m) => ({
        ...m,
        dependencies: m.dependencies.filter((d) => knownPackages.has(d)),
      })),
    })),
  );

  const storeDir = path.join(request.outDir, '.eventgraph');
  const store = request.neo4j
    ? new Neo4jStore(request.neo4j)
    : new KuzuStore({ location: storeDir });
  let derived: { patterns: PatternFinding[]; gaps: GapFinding[] };
  let flows: ServiceFlow[];
  try {
    await store.load(graph);
    derived = onlyAbout(graph, await runPatterns(store));
    flows = await runFlows(store);
  } finally {
    await store.close();
  }

  const viewerLink =
    htmlFile === null ? null : path.relative(path.dirname(reportFile), htmlFile).split(path.sep);
  const report = renderReport(
    buildViewModel(graph, derived.patterns, derived.gaps, {
      viewerLink: viewerLink?.join('/'),
      title: request.title,
      flows: flows.filter((f) => touchesScan(graph, f)),
    }),
  );
  const exported = buildExport(graph, derived.patterns, derived.gaps);
  await writeFile(reportFile, report, 'utf8');
  await writeFile(jsonFile, serializeExport(exported), 'utf8');
  const roots = new Map(
    extractions.map((x, index) => [x.name, path.resolve(request.paths[index] ?? x.root)]),
  );
  await writeRepositoryRoots(
    request.outDir,
    [...roots].map(([name, root]) => ({ name, root })),
  );
  if (htmlFile !== null) {
    const page = await renderStandaloneViewer(
      exported,
      await remoteLinks(exported, roots),
      await collectSnippets(exported, roots),
    );
    await writeFile(htmlFile, page, 'utf8');
  }

  const nodesPerLabel = Object.fromEntries(NODE_LABELS.map((l) => [l, 0])) as Record<
    NodeLabel,
    number
  >;
  for (const node of graph.nodes) nodesPerLabel[node.label] += 1;
  return {
    graph,
    patterns: derived.patterns,
    gaps: derived.gaps,
    report,
    reportFile,
    jsonFile,
    htmlFile,
    summary: {
      repositories: extractions.map((x) => ({
        name: x.name,
        filesRead: x.filesDiscovered,
        filesParsed: x.filesParsed,
        lines: x.linesRead,
      })),
      skipped: extractions.flatMap((x) => x.skipped.map((s) => ({ ...s, repository: x.name }))),
      nodesPerLabel,
      edges: graph.edges.length,
      diagnostics: extractions.flatMap((x) => x.diagnostics),
      notes: extractions.flatMap((x) => manifestNotes(x.name, x.manifests, allExtractors(), graph)),
      elapsedMs: performance.now() - started,
    },
  };
}

/**
 * A Neo4j database may hold other repositories too: the report keeps the findings that touch
 * at least one node of this scan (a fan-out across repositories stays, with all its subjects).
 */
function onlyAbout(
  graph: Graph,
  derived: { patterns: PatternFinding[]; gaps: GapFinding[] },
): { patterns: PatternFinding[]; gaps: GapFinding[] } {
  const ids = new Set(graph.nodes.map((n) => n.id));
  const touches = (finding: { subjects: string[] }) => finding.subjects.some((s) => ids.has(s));
  return { patterns: derived.patterns.filter(touches), gaps: derived.gaps.filter(touches) };
}

/** A flow with a service of this scan at one end; others belong to other scans' reports. */
function touchesScan(graph: Graph, flow: ServiceFlow): boolean {
  const scanned = new Set(graph.repositories.map((r) => r.name));
  return scanned.has(flow.from.repository) || scanned.has(flow.to.repository);
}
