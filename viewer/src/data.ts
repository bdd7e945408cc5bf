// The shapes the page reads, shared with the server so both sides agree.
export type {
  ExportEdge,
  ExportFinding,
  ExportNode,
  GraphExport,
} from '../../src/export/graph-json.js';
export {
  snippetKey,
  type RemoteLink,
  type Snippet,
  type ViewerData,
} from '../../src/viewer/viewer-data.js';
