// Code nested thousands of levels deep (generated parentheses, call chains) overflows the
// recursive parsers, binders and resolvers that read it. Such a file is left out with a
// warning instead of ending the scan.
import type { Diagnostic, SourceInput, Workspace } from '../extractors/contract.js';

export const TOO_DEEP_MESSAGE = 'too deeply nested to read (maximum call stack exceeded)';

/** Whether an error is the engine running out of stack, not a bug to report as such. */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /maximum call stack/i.test(error.message);
}

export function tooDeepDiagnostic(repository: string, file: string): Diagnostic {
  return { severity: 'warning', repository, file, message: TOO_DEEP_MESSAGE };
}

/** The workspace without the files left out, so no import leads back into them. */
export function withoutFiles(workspace: Workspace, left: ReadonlySet<string>): Workspace {
  if (left.size === 0) return workspace;
  return {
    ...workspace,
    files: new Set([...workspace.files].filter((file) => !left.has(file))),
    read: (file) => (left.has(file) ? undefined : workspace.read(file)),
  };
}

export function withoutInputs(
  inputs: readonly SourceInput[],
  left: ReadonlySet<string>,
): SourceInput[] {
  return inputs.filter((input) => !left.has(input.path));
}
