// Scanned code carries connection strings; a report or export must never repeat a password.
// One function redacts every string we write, and one walks any JSON-like value with it.

const MASK = '***';

// scheme://user:password@host — the password may itself contain '@', so it runs to the last
// '@' before the host part ends; quotes and whitespace end it because code surrounds it.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^:/?#@\s'"`]*):([^/?#\s'"`]*)@/gi;

// password=..., token=..., in query strings, DSNs and key=value connection strings.
const SECRET_KEYS = [
  'password',
  'passwd',
  'pwd',
  'pass',
  'secret',
  'token',
  'access_token',
  'api_key',
  'apikey',
  'sasl_password',
  'sharedaccesskey',
];
const SECRET_PARAMETER = new RegExp(`\\b((?:${SECRET_KEYS.join('|')})=)([^&;\\s'"\`,]+)`, 'gi');

/** The text with the secret parts of connection strings replaced by `***`. */
export function redact(text: string): string {
  return text
    .replace(URL_USERINFO, (match, scheme: string, user: string, secret: string) =>
      secret === '' || isMasked(secret) ? match : `${scheme}${user}:${MASK}@`,
    )
    .replace(SECRET_PARAMETER, (match, key: string, secret: string) =>
      isMasked(secret) ? match : `${key}${MASK}`,
    );
}

// Redacting twice changes nothing, even after Markdown escaped the mask as `\*\*\*`.
function isMasked(secret: string): boolean {
  return /^(?:\\?\*){3}$/.test(secret);
}

/** A copy of a JSON-like value with every string in it (keys too) redacted. */
export function redactDeep<T>(value: T): T {
  return walk(value) as T;
}

function walk(value: unknown): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map(walk);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [redact(key), walk(item)]),
    );
  }
  return value;
}
