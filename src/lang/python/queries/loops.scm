; Loops: `for x in consumer:` reads a consumer; `while True:` wraps a poll loop.
(for_statement left: (_) @target right: (_) @iterable) @loop
(while_statement) @loop
