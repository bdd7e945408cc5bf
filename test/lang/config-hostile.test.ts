// Hostile configuration: each file gives a diagnostic with its line, never a crash or a hang.
import { describe, expect, it } from 'vitest';
import { configFrontend, MAX_CONFIG_BYTES } from '../../src/lang/config/frontend.js';
import { parseHcl, HclSyntaxError } from '../../src/lang/config/hcl.js';
import { field, parseYaml, text } from '../../src/lang/config/yaml-tree.js';

function load(path: string, content: string) {
  const input = {
    repository: 'hostile',
    root: '/nowhere',
    path,
    language: 'config' as const,
    text: content,
  };
  const workspace = {
    repository: 'hostile',
    root: '/nowhere',
    files: new Set([path]),
    read: () => undefined,
  };
  return configFrontend.load([input], workspace);
}

describe('hostile YAML', () => {
  it('stops aliases that expand without end (billion laughs) with a diagnostic', () => {
    let yaml = 'a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
    for (let i = 1; i < 10; i += 1)
      yaml += `a${String(i)}: &a${String(i)} [${Array(10)
        .fill(`*a${String(i - 1)}`)
        .join(', ')}]\n`;
    const started = Date.now();
    const loaded = load('docker-compose.yml', `${yaml}services: {}\n`);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(loaded.files).toHaveLength(0);
    expect(loaded.diagnostics.map((d) => [d.line, d.message])).toEqual([
      [1, 'YAML: aliases expand beyond 50000 nodes; document not read'],
    ]);
  });

  it('applies merge keys and small aliases as compose files use them', () => {
    const { documents } = parseYaml(
      'x-env: &env\n  A: 1\n  B: 2\nservices:\n  w:\n    environment:\n      <<: *env\n      B: 3\n',
    );
    const env = field(documents[0], 'services', 'w', 'environment');
    expect([text(field(env, 'A')), text(field(env, 'B'))]).toEqual(['1', '3']);
  });

  it('keeps the last of duplicate keys and says where the duplicate is', () => {
    const { documents, problems } = parseYaml('queue: first\nqueue: second\n');
    expect(text(field(documents[0], 'queue'))).toBe('second');
    expect(problems).toEqual([{ line: 2, message: 'duplicate key "queue"; the last one is kept' }]);
  });

  it('reports tabs used as indentation with their line', () => {
    const loaded = load('compose.yaml', 'services:\n  worker:\n\tcommand: celery worker\n');
    expect(loaded.files).toHaveLength(0);
    expect(loaded.diagnostics[0]?.line).toBe(3);
    expect(loaded.diagnostics[0]?.message).toMatch(/^YAML: Tabs are not allowed/);
  });

  it('gives a YAML error as one whole sentence, its position only in the line number', () => {
    const loaded = load('docker-compose.yml', 'services:\n  a:\n    image: x\n  b: [\nfoo: bar\n');
    const message = loaded.diagnostics[0]?.message ?? '';
    expect(message).toMatch(
      /^YAML: Flow sequence in block collection must be sufficiently indented/,
    );
    expect(message).not.toMatch(/at line|column|:$/);
  });

  it('reads every document of a multi-document file and skips only a broken one', () => {
    const loaded = load(
      'k8s/all.yaml',
      'apiVersion: v1\nkind: Service\n---\napiVersion: batch/v1\nkind: CronJob\nmetadata: {name: [unclosed\n---\napiVersion: apps/v1\nkind: Deployment\n',
    );
    expect(loaded.files[0]?.documents.map((d) => text(field(d, 'kind')))).toEqual([
      'Service',
      'Deployment',
    ]);
    expect(loaded.diagnostics).toHaveLength(1);
    expect(loaded.diagnostics[0]?.line).toBeGreaterThanOrEqual(6);
  });

  it('names Go templates (Helm) when they make a file invalid YAML', () => {
    const loaded = load(
      'chart/templates/cronjob.yaml',
      'apiVersion: batch/v1\nkind: CronJob\nspec:\n  {{- if .Values.cron.enabled }}\n  schedule: {{ .Values.cron.schedule | quote }}\n  {{- end }}\n',
    );
    expect(loaded.diagnostics[0]?.message).toMatch(/Go template \/ Helm markers/);
  });

  it('leaves files over the size limit with a diagnostic instead of parsing them', () => {
    const huge = `services:\n${'  # padding\n'.repeat(MAX_CONFIG_BYTES / 10)}`;
    const loaded = load('docker-compose.yml', huge);
    expect(loaded.files).toEqual([]);
    expect(loaded.diagnostics.map((d) => d.message)).toEqual(['larger than 512 KiB; not read']);
  });

  it('ignores YAML that is no deployment file, without a word', () => {
    const loaded = load('mkdocs.yml', 'site_name: x\nnav:\n\t- bad tabs\n');
    expect(loaded).toEqual({ files: [], diagnostics: [] });
  });
});

describe('hostile HCL', () => {
  it.each([
    ['resource "aws_sqs_queue" "a" {\n  name = "x"\n', 3, 'block is never closed'],
    ['resource "aws_sqs_queue" "a" {\n  name = "unterminated\n}\n', 2, 'unterminated string'],
    ['locals {\n  a = <<EOT\nnever closed\n', 2, 'heredoc EOT is never closed'],
    ['resource "x" "y" {\n  a = = 1\n}\n', 2, 'unexpected "=" in an expression'],
    ['resource "x" "y" {\n  a = 1 }\n}\n', 3, 'unexpected "}"'],
    ['variable "v" {\n  default = ~\n}\n', 2, 'unexpected character "~"'],
  ])('reports %j at its line', (source, line, message) => {
    let caught: unknown;
    try {
      parseHcl(source);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(HclSyntaxError);
    expect([(caught as HclSyntaxError).line, (caught as HclSyntaxError).message]).toEqual([
      line,
      message,
    ]);
  });

  it('reads expressions it does not evaluate as text, and for expressions', () => {
    const body = parseHcl(
      'resource "aws_sqs_queue" "q" {\n  count = var.enabled ? 1 : 0\n  name  = "${var.env}-q"\n  tags  = { for k, v in var.tags : k => upper(v) }\n  policy = jsonencode({\n    maxReceiveCount = 3,\n    list = [for q in local.queues : q.arn]\n  })\n}\n',
    );
    const attributes = body.blocks[0]?.body.attributes;
    expect(attributes?.get('count')).toEqual({
      kind: 'raw',
      text: 'var.enabled ? 1 : 0',
      line: 2,
    });
    expect(attributes?.get('name')).toEqual({
      kind: 'string',
      value: '${var.env}-q',
      line: 3,
      template: true,
    });
    expect(attributes?.get('tags')?.kind).toBe('raw');
    expect(attributes?.get('policy')?.kind).toBe('call');
  });
});
