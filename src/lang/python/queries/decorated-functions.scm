; A function with its decorators, one match per decorator.
(decorated_definition
  (decorator) @decorator
  definition: (function_definition name: (identifier) @name) @function) @definition
