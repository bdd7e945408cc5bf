// Nodes read from event contracts (AsyncAPI, Avro, JSON Schema) document an intent; code
// implements it. A node whose every piece of evidence sits in a contract file is documented
// only: listed apart in the report and never enough to make a repository event-driven.
import type { GraphNode, Properties } from './graph.js';

/** The properties every contract node carries: which contract, and the file it is in. */
export function contractProperties(contract: string, file: string): Properties {
  return { contract, contractFile: file };
}

export function documentedOnly(node: GraphNode): boolean {
  const files = node.properties.contractFile;
  if (files === undefined || files === null) return false;
  const list = Array.isArray(files) ? files : [String(files)];
  return node.evidence.every((e) => list.includes(e.file));
}
