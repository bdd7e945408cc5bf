// The left column: legend with kind filters, technology and repository filters, the service
// picker, and the list of derived patterns and gaps.
import { el } from './dom.js';
import type { ExportFinding, GraphExport } from './data.js';
import { KINDS, KIND_LOOK, type Kind } from './graph-view.js';

export const NO_TECHNOLOGY = '(none)';

export function checkList(
  list: HTMLElement,
  entries: { value: string; text: string; count: number; swatch?: Kind }[],
  onChange: (value: string, checked: boolean) => void,
): void {
  for (const entry of entries) {
    const box = el('input', { type: 'checkbox', value: entry.value, 'data-filter': list.id });
    box.checked = true;
    box.addEventListener('change', () => {
      onChange(entry.value, box.checked);
    });
    const label = el(
      'label',
      {},
      box,
      entry.swatch ? swatch(entry.swatch) : null,
      el('span', {}, entry.text),
      el('span', { class: 'count' }, String(entry.count)),
    );
    list.append(el('li', {}, label));
  }
}

export function kindEntries(
  graph: GraphExport,
): { value: string; text: string; count: number; swatch: Kind }[] {
  return KINDS.map((kind) => ({
    value: kind,
    text: kind,
    count: graph.nodes.filter((n) => n.label === kind).length,
    swatch: kind,
  }));
}

export function countedValues(values: string[]): { value: string; text: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([value, count]) => ({ value, text: value, count }));
}

/** A small picture of a kind's shape and colour, drawn as SVG with fixed geometry only. */
function swatch(kind: Kind): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('width', '16');
  svg.setAttribute('height', '14');
  svg.setAttribute('class', 'swatch');
  const points: Record<Kind, string> = {
    Service: '1,2 15,2 15,12 1,12',
    Topic: '4,1 12,1 15,7 12,13 4,13 1,7',
    Queue: '2,1 14,1 15,4 15,10 14,13 2,13 1,10 1,4',
    Handler: '',
    Event: '1,2 11,2 15,7 11,12 1,12',
    Job: '8,1 15,7 8,13 1,7',
  };
  const shape =
    kind === 'Handler'
      ? document.createElementNS(ns, 'ellipse')
      : document.createElementNS(ns, 'polygon');
  if (kind === 'Handler') {
    for (const [name, value] of [
      ['cx', '8'],
      ['cy', '7'],
      ['rx', '7'],
      ['ry', '6'],
    ]) {
      shape.setAttribute(name ?? '', value ?? '');
    }
  } else {
    shape.setAttribute('points', points[kind]);
  }
  shape.setAttribute('fill', KIND_LOOK[kind].colour);
  svg.append(shape);
  return svg;
}

export interface FindingEntry {
  finding: ExportFinding;
  gap: boolean;
  button: HTMLButtonElement;
}

export function findingList(
  target: HTMLElement,
  graph: GraphExport,
  onPick: (entry: FindingEntry) => void,
): FindingEntry[] {
  const entries: FindingEntry[] = [];
  const groups = new Map<string, { gap: boolean; findings: ExportFinding[] }>();
  for (const [gap, list] of [
    [false, graph.patterns],
    [true, graph.findings],
  ] as const) {
    for (const finding of list) {
      const group = groups.get(finding.id) ?? { gap, findings: [] };
      group.findings.push(finding);
      groups.set(finding.id, group);
    }
  }
  if (groups.size === 0) target.append(el('p', { class: 'hint' }, 'none derived'));
  for (const [id, group] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const section = el(
      'div',
      { class: 'finding-group' },
      el('h4', {}, `${id} (${String(group.findings.length)})`),
    );
    for (const finding of group.findings) {
      const button = el(
        'button',
        { type: 'button', class: group.gap ? 'finding gap' : 'finding', 'data-finding': id },
        finding.summary,
      );
      const entry = { finding, gap: group.gap, button };
      button.addEventListener('click', () => {
        onPick(entry);
      });
      entries.push(entry);
      section.append(button);
    }
    target.append(section);
  }
  return entries;
}
