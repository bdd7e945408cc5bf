// The closed list of errors a user can meet. Each says what went wrong and what to do,
// and carries a stable exit code.
export const EXIT = { ok: 0, failure: 1, usage: 2, database: 3, unreachable: 4 } as const;

export class EventgraphError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad arguments or an unusable path: exit 2. */
export class UsageError extends EventgraphError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.usage, hint);
  }
}

/** The message of anything thrown, for a diagnostic or a log line. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
