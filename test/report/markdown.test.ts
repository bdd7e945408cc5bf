import { describe, expect, test } from 'vitest';
import { code, mermaidLabel, oneLine, text } from '../../src/report/markdown.js';

describe('markdown escaping of scanned names', () => {
  test('plain names go in backticks', () => {
    expect(code('orders.created')).toBe('`orders.created`');
    expect(code('order_queue')).toBe('`order_queue`');
  });

  test('line breaks and control characters become one space', () => {
    expect(oneLine('a\r\nb\n\n\tc\u2028d')).toBe('a b c d');
    expect(code('orders\n# Pwned')).toBe('`orders # Pwned`');
  });

  test('names a code span cannot hold become escaped text', () => {
    expect(code('a|b')).toBe('a\\|b');
    expect(code('x`y')).toBe('x\\`y');
    expect(code('<script>alert(1)</script>')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  test('text escapes what could start markup', () => {
    expect(text('*bold* _em_ [link](x) <b> & ~s~ #h')).toBe(
      '\\*bold\\* \\_em\\_ \\[link\\](x) &lt;b&gt; &amp; \\~s\\~ \\#h',
    );
  });

  test('snake_case stays readable while _emphasis_ cannot start', () => {
    expect(text('order_queue dead-letters to _dlq_')).toBe('order_queue dead-letters to \\_dlq\\_');
  });

  test('an empty name is still visible', () => {
    expect(code(' \n ')).toBe('(empty)');
  });

  test('mermaid labels are quoted with entity codes for what ends them', () => {
    expect(mermaidLabel('say "hi" <b>;|[x]#1`')).toBe(
      '"say #quot;hi#quot; #lt;b#gt;#59;#124;#91;x#93;#35;1#96;"',
    );
    expect(mermaidLabel('a\nb')).toBe('"a b"');
  });
});
