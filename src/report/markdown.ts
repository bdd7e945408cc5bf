// Names come from scanned code and may hold anything. Templates compile with noEscape, so the
// view model makes every such string safe here: it must not end a table cell, open HTML, break
// a code span or start a new line, wherever the template puts it (table cell or list item).

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]+/g;

// Characters a name may not hold inside a code span: a pipe ends a table cell (and `\|` would
// show its backslash in a list), a backtick ends the span, and '<' '>' are kept out of the
// output entirely so no renderer can mistake them for HTML.
const UNSAFE_IN_CODE = /[|`<>]/;

// The punctuation that can start markup in the middle of a line. Backslash-escaped ASCII
// punctuation is literal in CommonMark, and GFM tables honour `\|` even inside other spans.
// An underscore between two letters or digits never emphasises, so snake_case stays readable.
const MARKDOWN_PUNCTUATION = /[\\`*[\]|~#]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu;

// '<', '>' and '&' become entities: no '<' reaches the output, and no renderer, strict or
// lax about backslash escapes, can read a tag or an entity into a name.
const ENTITIES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;' };

/** One line of text: control characters and line breaks become single spaces. */
export function oneLine(text: string): string {
  return text.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
}

/** Text shown as is: Markdown punctuation escaped so it renders literally. */
export function text(value: string): string {
  return oneLine(value)
    .replace(MARKDOWN_PUNCTUATION, (c) => `\\${c}`)
    .replace(/[<>&]/g, (c) => ENTITIES[c] ?? c);
}

/** A name in backticks, or escaped text when a code span cannot hold it safely. */
export function code(value: string): string {
  const line = oneLine(value);
  if (line === '') return '(empty)';
  return UNSAFE_IN_CODE.test(line) ? text(line) : `\`${line}\``;
}

// Mermaid labels are quoted; inside quotes only entity codes are safe for these characters.
const MERMAID_ENTITIES: Record<string, string> = {
  '#': '#35;',
  '"': '#quot;',
  '<': '#lt;',
  '>': '#gt;',
  '`': '#96;',
  ';': '#59;',
  '|': '#124;',
  '[': '#91;',
  ']': '#93;',
};

/** A Mermaid label, quoted. */
export function mermaidLabel(value: string): string {
  const escaped = oneLine(value).replace(/[#"<>`;|[\]]/g, (c) => MERMAID_ENTITIES[c] ?? c);
  return `"${escaped === '' ? ' ' : escaped}"`;
}
