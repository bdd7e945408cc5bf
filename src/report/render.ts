// Renders the report's view model with the Handlebars templates in the project's templates/
// folder. Rendering adds no content of its own: the view model is already escaped and redacted.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { projectRoot } from '../project-root.js';
import { redact } from './redact.js';
import type { ReportView } from './view-model.js';

/** The whole report when a scan finds nothing, as the contract with callers fixes it. */
export const NO_FINDINGS = 'no event-driven patterns';

type ReportTemplate = (view: ReportView) => string;
let compiled: ReportTemplate | null = null;

export function renderReport(view: ReportView): string {
  if (view.verdict === 'none') return `${NO_FINDINGS}\n`;
  compiled ??= compileTemplates(templatesDirectory());
  // Blocks end with blank lines; runs of them collapse so the Markdown stays tidy.
  const markdown = compiled(view)
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return `${redact(markdown)}\n`;
}

function compileTemplates(directory: string): ReportTemplate {
  // A private instance, so partials registered elsewhere cannot change the report.
  const handlebars = Handlebars.create();
  const partials = path.join(directory, 'partials');
  for (const file of readdirSync(partials)
    .filter((f) => f.endsWith('.hbs'))
    .sort()) {
    handlebars.registerPartial(
      path.basename(file, '.hbs'),
      readFileSync(path.join(partials, file), 'utf8'),
    );
  }
  const source = readFileSync(path.join(directory, 'report.hbs'), 'utf8');
  return handlebars.compile<ReportView>(source, { noEscape: true, strict: true });
}

function templatesDirectory(): string {
  return path.join(projectRoot(), 'templates');
}
