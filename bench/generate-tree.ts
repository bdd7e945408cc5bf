// Writes a synthetic repository of many TypeScript and Python services with messaging code
// spread thinly through ordinary code, the way a large fleet looks to the scanner.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

const FILLER_TS = (i: number) => `
export interface Record${String(i)} { id: string; amount: number; createdAt: Date }

export function normalise${String(i)}(input: Record${String(i)}): Record${String(i)} {
  const amount = Math.round(input.amount * 100) / 100;
  if (amount < 0) {
    throw new Error('negative amount in record ' + input.id);
  }
  return { ...input, amount };
}
`;

const FILLER_PY = (i: number) => `
def normalise_${String(i)}(record):
    amount = round(record["amount"], 2)
    if amount < 0:
        raise ValueError("negative amount in record %s" % record["id"])
    return dict(record, amount=amount)

`;

export interface GeneratedTree {
  root: string;
  files: number;
  lines: number;
}

export async function generateTree(root: string, targetLines: number): Promise<GeneratedTree> {
  let lines = 0;
  let files = 0;
  for (let service = 0; lines < targetLines; service += 1) {
    const dir = path.join(root, 'services', `svc-${String(service)}`);
    await mkdir(path.join(dir, 'src'), { recursive: true });
    await writeFile(
      path.join(dir, 'package.json'),
      JSON.stringify({ name: `svc-${String(service)}`, dependencies: { kafkajs: '^2.2.4' } }),
    );
    const kafka = [
      "import { Kafka } from 'kafkajs';",
      "const kafka = new Kafka({ clientId: 'svc', brokers: ['localhost:9092'] });",
      'export const producer = kafka.producer();',
      `export async function emit(id: string) {`,
      `  await producer.send({ topic: 'svc-${String(service)}.changed', messages: [{ key: id, value: id }] });`,
      '}',
    ].join('\n');
    await writeFile(path.join(dir, 'src', 'kafka.ts'), kafka);
    lines += 6;
    files += 2;
    for (let f = 0; f < 40; f += 1) {
      const ts = Array.from({ length: 8 }, (_, k) => FILLER_TS(f * 8 + k)).join('');
      await writeFile(path.join(dir, 'src', `module-${String(f)}.ts`), ts);
      const py = Array.from({ length: 8 }, (_, k) => FILLER_PY(f * 8 + k)).join('');
      await writeFile(path.join(dir, 'src', `module_${String(f)}.py`), py);
      lines += ts.split('\n').length + py.split('\n').length;
      files += 2;
    }
  }
  return { root, files, lines };
}
