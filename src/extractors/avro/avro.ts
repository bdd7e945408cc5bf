// Event schemas kept as files: Avro records (`.avsc`: name, namespace, fields, nested records)
// and JSON Schema files the frontend found marked as an event or message schema (by folder,
// file name, `$id` or `title`). Each gives an Event with its fields and version, marked
// `contract`: a schema documents an intent and merges with the event code publishes.
// Docs: https://avro.apache.org/docs/1.11.1/specification/
//       https://json-schema.org/understanding-json-schema/reference/object
import createDebug from 'debug';
import {
  evidenceAt,
  nodeRecord,
  ref,
  type GraphRecord,
  type Properties,
  type SourceLocation,
} from '../../model/graph.js';
import { contractProperties } from '../../model/contract.js';
import type { Extractor } from '../contract.js';
import type { ConfigFile } from '../../lang/config/frontend.js';
import { field, text, type Located } from '../../lang/config/yaml-tree.js';
import { MAX_REF_DEPTH, Refs, versionOf } from '../asyncapi/schema.js';

const debug = createDebug('eventgraph:extract:avro');

export const avroExtractor: Extractor<ConfigFile> = {
  id: 'avro',
  title: 'Avro (.avsc) and JSON Schema event schemas',
  docs: 'https://avro.apache.org/docs/1.11.1/specification/',
  language: 'config',
  technologies: [],
  packages: [],
  imports: ['"fields"', '"properties"'],
  prefilter: ['"fields"', '"properties"'],
  emits: { nodes: ['Event'], edges: [] },
  extract,
};

function extract(file: ConfigFile): GraphRecord[] {
  if (file.dialect !== 'avro' && file.dialect !== 'json-schema') return [];
  const location = { repository: file.input.repository, file: file.input.path };
  const records: GraphRecord[] = [];
  for (const document of file.documents) {
    if (file.dialect === 'avro') avroRecords(document, location, records, 0);
    else jsonSchema(document, location, records);
  }
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

/** A record, or a union (list) of records; records nested in fields are types, not events. */
function avroRecords(
  schema: Located | undefined,
  location: SourceLocation,
  out: GraphRecord[],
  depth: number,
): void {
  if (!schema || depth > MAX_REF_DEPTH) return;
  if (schema.kind === 'seq') {
    for (const item of schema.items) avroRecords(item, location, out, depth + 1);
    return;
  }
  const type = field(schema, 'type');
  const name = text(field(schema, 'name'));
  const fields = field(schema, 'fields');
  if (text(type) !== 'record' || !name || fields?.kind !== 'seq') return;
  const namespace = text(field(schema, 'namespace'));
  // A full name `com.shop.OrderPlaced` is the event OrderPlaced in namespace com.shop.
  const short = name.split('.').pop() ?? name;
  const properties: Properties = {
    fields: fields.items.flatMap((f) => text(field(f, 'name')) ?? []),
    ...contractProperties('avro', location.file),
  };
  const space = namespace ?? (name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : null);
  if (space) properties.namespace = space;
  const version = versionOf(schema) ?? /(?:^|\.)v(\d+)$/.exec(space ?? '')?.[1];
  if (version !== undefined) properties.version = version;
  out.push(
    nodeRecord(
      ref.event(location.repository, short),
      { name: short, technology: null, properties },
      evidenceAt(location, field(schema, 'name')?.line ?? schema.line),
    ),
  );
}

/** One JSON Schema event: named by `title`, else by the last segment of `$id`. */
function jsonSchema(document: Located, location: SourceLocation, out: GraphRecord[]): void {
  const refs = new Refs(document);
  const title = text(field(document, 'title'));
  const id = text(field(document, '$id'))
    ?.replace(/\.schema\.json$|\.json$/, '')
    .split(/[/#]/)
    .filter((s) => s !== '')
    .pop();
  const name = title && /^[\w.-]+$/.test(title) ? title : id;
  if (!name) return;
  const properties: Properties = {
    fields: refs.fields(document),
    ...contractProperties('json-schema', location.file),
  };
  const version = versionOf(document);
  if (version !== undefined) properties.version = version;
  const line = field(document, 'title')?.line ?? field(document, '$id')?.line ?? document.line;
  out.push(
    nodeRecord(
      ref.event(location.repository, name),
      { name, technology: null, properties },
      evidenceAt(location, line),
    ),
  );
}
