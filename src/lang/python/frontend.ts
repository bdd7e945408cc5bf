// The Python frontend: parses every selected file once with tree-sitter, indexes the project's
// modules for name resolution, and reports files with syntax errors without dropping them.
import createDebug from 'debug';
import type { Diagnostic, Frontend, SourceInput, Workspace } from '../../extractors/contract.js';
import type { PyModule } from './module-index.js';
import { PythonProject } from './module-index.js';
import { Resolver } from './resolve.js';
import { isStackOverflow, tooDeepDiagnostic } from '../too-deep.js';
import { describeSyntaxError, firstSyntaxError, parsePython } from './tree-sitter.js';
import { messageOf } from '../../errors.js';

const debug = createDebug('eventgraph:lang:python');

/** One parsed Python file with the project it belongs to. */
export interface PyFile {
  input: SourceInput;
  module: PyModule;
  project: PythonProject;
  resolver: Resolver;
}

export const pythonFrontend: Frontend<PyFile> = {
  language: 'python',
  load(inputs: readonly SourceInput[], workspace: Workspace) {
    const project = new PythonProject(workspace);
    const resolver = new Resolver(project);
    const files: PyFile[] = [];
    const diagnostics: Diagnostic[] = [];
    for (const input of inputs) {
      let root;
      try {
        root = parsePython(input.text).rootNode;
      } catch (error) {
        diagnostics.push({
          severity: 'error',
          repository: input.repository,
          file: input.path,
          message: `Python parser failed: ${messageOf(error)}`,
        });
        continue;
      }
      let module: PyModule;
      try {
        const error = firstSyntaxError(root);
        if (error) {
          // The tree still holds everything around the error; extraction goes on.
          diagnostics.push({
            severity: 'warning',
            repository: input.repository,
            file: input.path,
            line: error.startPosition.row + 1,
            message: `syntax error: ${describeSyntaxError(error)}`,
          });
        }
        module = project.add(input.path, input.text, root);
      } catch (error) {
        if (!isStackOverflow(error)) throw error;
        diagnostics.push(tooDeepDiagnostic(input.repository, input.path));
        continue;
      }
      files.push({ input, module, project, resolver });
    }
    debug('%d Python files parsed', files.length);
    return { files, diagnostics };
  },
  inputOf: (file) => file.input,
};
