; Every call, split by the shape of what is called: `receiver.method(...)` or `function(...)`.
(call
  function: (attribute object: (_) @receiver attribute: (identifier) @method)
  arguments: (argument_list) @arguments) @call
(call function: (identifier) @function arguments: (argument_list) @arguments) @call
