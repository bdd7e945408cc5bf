; Function and method definitions, for finding the callers of wrapper functions.
(function_definition name: (identifier) @name parameters: (parameters) @parameters) @function
