; Import statements, one match per imported name, for the module index.
; `import a.b` and `import a.b as c`
(import_statement name: (dotted_name) @module) @import
(import_statement
  name: (aliased_import name: (dotted_name) @module alias: (identifier) @alias)) @import

; `from a import b`, `from .a import b as c`, `from a import *`
(import_from_statement module_name: (_) @from name: (dotted_name) @name) @import
(import_from_statement
  module_name: (_) @from
  name: (aliased_import name: (dotted_name) @name alias: (identifier) @alias)) @import
(import_from_statement module_name: (_) @from (wildcard_import) @wildcard) @import
