; Every call, split by the shape of what is called: `receiver.method(...)` or `function(...)`.
; The arguments are an argument_list, or a generator_expression for `group(x.s() for x in xs)`.
(call
  function: (attribute object: (_) @receiver attribute: (identifier) @method)
  arguments: (_) @arguments) @call
(call function: (identifier) @function arguments: (_) @arguments) @call
