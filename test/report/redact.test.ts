import { describe, expect, test } from 'vitest';
import { redact, redactDeep } from '../../src/report/redact.js';

describe('redact', () => {
  test.each([
    ['amqp://user:secret@host:5672/vhost', 'amqp://user:***@host:5672/vhost'],
    ['amqps://guest:p@ss@rabbit', 'amqps://guest:***@rabbit'],
    ['redis://:pass@cache:6379/0', 'redis://:***@cache:6379/0'],
    ['kafka://u:p@h:9092', 'kafka://u:***@h:9092'],
    ['postgres://app:pw@db/app?sslmode=require', 'postgres://app:***@db/app?sslmode=require'],
    ['mongodb://h/db?user=a&password=hunter2&x=1', 'mongodb://h/db?user=a&password=***&x=1'],
    ['host=db user=app password=hunter2 dbname=x', 'host=db user=app password=*** dbname=x'],
    ["connect('amqp://u:s3@h') or 'x@y'", "connect('amqp://u:***@h') or 'x@y'"],
  ])('%s', (input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  test('leaves strings without secrets alone', () => {
    for (const plain of [
      'amqp://rabbit:5672',
      'amqp://user@host',
      'orders.created',
      'a:b@c',
      'x=1',
    ]) {
      expect(redact(plain)).toBe(plain);
    }
  });

  test('is idempotent, also on the Markdown-escaped mask', () => {
    expect(redact(redact('amqp://u:secret@h'))).toBe('amqp://u:***@h');
    expect(redact('amqp://u:\\*\\*\\*@h')).toBe('amqp://u:\\*\\*\\*@h');
    expect(redact('password=\\*\\*\\*')).toBe('password=\\*\\*\\*');
  });

  test('redactDeep redacts every string of a value without changing the original', () => {
    const original = {
      url: 'redis://:pw@h',
      list: ['kafka://a:b@c', 1, true, null],
      nested: { k: 'password=x' },
    };
    expect(redactDeep(original)).toEqual({
      url: 'redis://:***@h',
      list: ['kafka://a:***@c', 1, true, null],
      nested: { k: 'password=***' },
    });
    expect(original.url).toBe('redis://:pw@h');
  });
});
