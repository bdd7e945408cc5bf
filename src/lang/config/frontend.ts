// The deployment-configuration frontend: sorts each file into a dialect by its name and, for
// YAML, by its content, and parses it once. YAML that is no deployment file (CI settings,
// OpenAPI, app settings) is left alone without a word; a file that is one but cannot be read
// (syntax errors, tabs, Go templates, aliases expanding without end) becomes a diagnostic with
// its line and the scan goes on.
import path from 'node:path';
import createDebug from 'debug';
import type { Diagnostic, Frontend, SourceInput } from '../../extractors/contract.js';
import { HclSyntaxError, parseHcl, type HclBlock, type HclBody } from './hcl.js';
import { field, parseYaml, text, type Located } from './yaml-tree.js';
import { messageOf } from '../../errors.js';

const debug = createDebug('eventgraph:lang:config');

export type ConfigDialect =
  | 'compose'
  | 'procfile'
  | 'crontab'
  | 'terraform'
  | 'serverless'
  | 'kubernetes'
  | 'cloudformation'
  | 'asyncapi'
  | 'avro'
  | 'json-schema';

export interface ConfigFile {
  input: SourceInput;
  dialect: ConfigDialect;
  /** YAML documents (Kubernetes files often hold several); empty for other dialects. */
  documents: Located[];
  /** The Terraform body, for `.tf` files. */
  terraform?: HclBody;
  /** Every resource of the file's Terraform module (its folder), by `type.name`. */
  terraformModule?: TerraformModule;
}

export interface TerraformResource {
  type: string;
  name: string;
  block: HclBlock;
  file: string;
}

export type TerraformModule = ReadonlyMap<string, TerraformResource>;

/** The dialect a file's name says, or 'yaml' when only its content can tell. */
export function dialectOfPath(relativePath: string): ConfigDialect | 'yaml' | 'json' | undefined {
  const base = path.posix.basename(relativePath);
  if (/^Procfile([.-][\w.-]+)?$/.test(base)) return 'procfile';
  if (base === 'crontab' || /\.(crontab|cron)$/.test(base) || /(^|\/)cron\.d\//.test(relativePath))
    return 'crontab';
  if (base.endsWith('.tf')) return 'terraform';
  if (/^serverless(\.[\w-]+)?\.ya?ml$/.test(base)) return 'serverless';
  if (/^(docker-)?compose([.-][\w.-]+)?\.ya?ml$/.test(base)) return 'compose';
  if (/\.ya?ml$/.test(base)) return 'yaml';
  if (base.endsWith('.avsc')) return 'avro';
  if (base.endsWith('.json')) return 'json';
  return undefined;
}

/** Words that make a YAML file worth parsing as Kubernetes or CloudFormation. */
const YAML_MARKERS = /^\s*(apiVersion|AWSTemplateFormatVersion|Resources|Transform)\s*:/m;
/** An AsyncAPI document's version key, at the top level of YAML or JSON. */
const ASYNCAPI_MARKER = /^\s*"?asyncapi"?\s*:\s*['"]?[23]\./m;
const GO_TEMPLATE = /\{\{[^}]*\}\}/;

/** Deployment files are small; larger YAML is generated (CRD bundles) and slow to parse. */
export const MAX_CONFIG_BYTES = 512 * 1024;

export const configFrontend: Frontend<ConfigFile> = {
  language: 'config',
  load(inputs: readonly SourceInput[]) {
    const files: ConfigFile[] = [];
    const diagnostics: Diagnostic[] = [];
    for (const input of inputs) {
      const warn = (line: number | undefined, message: string) =>
        diagnostics.push({
          severity: 'warning',
          repository: input.repository,
          file: input.path,
          ...(line === undefined ? {} : { line }),
          message,
        });
      try {
        const file = loadFile(input, warn);
        if (file) files.push(file);
      } catch (error) {
        warn(undefined, `configuration not read: ${messageOf(error)}`);
      }
    }
    linkTerraformModules(files);
    debug('%d configuration files parsed', files.length);
    return { files, diagnostics };
  },
  inputOf: (file) => file.input,
};

function loadFile(
  input: SourceInput,
  warn: (line: number | undefined, message: string) => void,
): ConfigFile | undefined {
  const byPath = dialectOfPath(input.path);
  if (byPath === undefined) return undefined;
  if (byPath === 'procfile' || byPath === 'crontab')
    return { input, dialect: byPath, documents: [] };
  if (byPath === 'terraform') {
    try {
      return { input, dialect: 'terraform', documents: [], terraform: parseHcl(input.text) };
    } catch (error) {
      if (!(error instanceof HclSyntaxError)) throw error;
      warn(error.line, `HCL syntax error: ${error.message}; file not read`);
      return undefined;
    }
  }
  const asyncapi = ASYNCAPI_MARKER.test(input.text);
  if (byPath === 'yaml' && !YAML_MARKERS.test(input.text) && !asyncapi) return undefined;
  if (byPath === 'json' && !asyncapi && !isEventSchemaText(input)) return undefined;
  if (input.text.length > MAX_CONFIG_BYTES) {
    warn(undefined, `larger than ${String(MAX_CONFIG_BYTES / 1024)} KiB; not read`);
    return undefined;
  }

  const templated = GO_TEMPLATE.test(input.text);
  const { documents, problems } = parseYaml(input.text);
  for (const problem of problems) {
    const why = templated
      ? `${problem.message} (Go template / Helm markers: the file is rendered before use and ` +
        'is read only where it is plain YAML)'
      : problem.message;
    warn(problem.line, `YAML: ${why}`);
  }
  const dialect =
    byPath === 'yaml'
      ? dialectOfContent(documents)
      : byPath === 'json'
        ? contractDialect(documents[0], input.path)
        : byPath;
  if (!dialect || documents.length === 0) return undefined;
  return { input, dialect, documents };
}

function dialectOfContent(documents: readonly Located[]): ConfigDialect | undefined {
  for (const document of documents) {
    if (field(document, 'AWSTemplateFormatVersion') || isCloudFormation(document))
      return 'cloudformation';
    if (text(field(document, 'apiVersion')) && text(field(document, 'kind'))) return 'kubernetes';
    if (isAsyncApi(document)) return 'asyncapi';
  }
  return undefined;
}

function isAsyncApi(document: Located): boolean {
  return /^[23]\./.test(text(field(document, 'asyncapi')) ?? '');
}

/** JSON worth parsing as an event schema: a JSON Schema object with properties. */
function isEventSchemaText(input: SourceInput): boolean {
  return /"properties"\s*:/.test(input.text) && /"type"\s*:\s*"object"/.test(input.text);
}

/** JSON Schema files only where their name, folder, `$id` or `title` says event or message. */
const EVENT_WORDS = /(^|[^a-z])(events?|messages?)([^a-z]|$)|[a-z](Event|Message)([^a-z]|$)/i;

function contractDialect(document: Located | undefined, file: string): ConfigDialect | undefined {
  if (!document) return undefined;
  if (isAsyncApi(document)) return 'asyncapi';
  if (field(document, 'properties')?.kind !== 'map') return undefined;
  const marks = [file, text(field(document, '$id')), text(field(document, 'title'))];
  return marks.some((mark) => mark !== undefined && EVENT_WORDS.test(mark))
    ? 'json-schema'
    : undefined;
}

function isCloudFormation(document: Located): boolean {
  const resources = field(document, 'Resources');
  if (resources?.kind !== 'map') return false;
  return [...resources.entries.values()].some((r) =>
    /^(AWS|Custom)::/.test(text(field(r, 'Type')) ?? ''),
  );
}

/** Resources of the `.tf` files of one folder, so references resolve across the module. */
function linkTerraformModules(files: ConfigFile[]): void {
  const modules = new Map<string, Map<string, TerraformResource>>();
  for (const file of files) {
    if (!file.terraform) continue;
    const folder = path.posix.dirname(file.input.path);
    const module = modules.get(folder) ?? new Map<string, TerraformResource>();
    modules.set(folder, module);
    for (const block of file.terraform.blocks) {
      const [type, name] = block.labels;
      if (block.type !== 'resource' || !type || !name) continue;
      module.set(`${type}.${name}`, { type, name, block, file: file.input.path });
    }
    file.terraformModule = module;
  }
}
