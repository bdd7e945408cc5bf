import { describe, expect, it } from 'vitest';
import { readManifest } from '../../src/extractors/manifests/manifests.js';

describe('readManifest', () => {
  it('reads package.json names and runtime dependencies with their lines', () => {
    const text =
      '{\n  "name": "@shop/orders",\n  "dependencies": {\n    "kafkajs": "^2.2.4"\n  },\n  "devDependencies": { "vitest": "4" }\n}\n';
    expect(readManifest('services/orders/package.json', text)).toEqual({
      manifest: {
        path: 'services/orders/package.json',
        directory: 'services/orders',
        name: '@shop/orders',
        dependencies: ['kafkajs'],
        dependencyLines: { kafkajs: 4 },
      },
    });
  });

  it('reads requirements files, normalising names and ignoring options and comments', () => {
    const text =
      '# pinned\n-r base.txt\nCelery[redis]==5.3.6\nkafka_python>=2.0  # consumer\n\npika\n';
    const result = readManifest('requirements.txt', text);
    expect(result).toEqual({
      manifest: {
        path: 'requirements.txt',
        directory: '',
        name: null,
        dependencies: ['celery', 'kafka-python', 'pika'],
        dependencyLines: { celery: 3, 'kafka-python': 4, pika: 6 },
      },
    });
  });

  it('reads PEP 621 and Poetry pyproject files', () => {
    const pep = '[project]\nname = "reports"\ndependencies = ["celery>=5", "confluent-kafka"]\n';
    const poetry =
      '[tool.poetry]\nname = "audit"\n[tool.poetry.dependencies]\npython = "^3.11"\npika = "^1.3"\n';
    const a = readManifest('svc/pyproject.toml', pep);
    const b = readManifest('pyproject.toml', poetry);
    expect('manifest' in a && [a.manifest.name, a.manifest.dependencies]).toEqual([
      'reports',
      ['celery', 'confluent-kafka'],
    ]);
    expect('manifest' in b && [b.manifest.name, b.manifest.dependencies]).toEqual([
      'audit',
      ['pika'],
    ]);
  });

  it('turns a broken manifest into an error instead of throwing', () => {
    const result = readManifest('package.json', '{ "name": ');
    expect('error' in result && result.error).toMatch(/JSON/);
  });
});
