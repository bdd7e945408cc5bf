// id: message-pattern-routing
// title: Routing by message pattern
// why: one subscription hands each message to the handler registered for its pattern (a
//   framework's message pattern inside the message), so the pattern, not the queue, decides
//   which code runs.
// requires: CONSUMES with pattern and dispatcher (the subscription that dispatches by
//   pattern); two or more patterns behind one dispatcher.
// finds: content-based-routing
MATCH (handler)-[c:CONSUMES]->(q:Queue)
WHERE c.dispatcher IS NOT NULL AND c.pattern IS NOT NULL
WITH q, c.dispatcher AS dispatcher,
  count(DISTINCT c.pattern) AS patternCount,
  collect(DISTINCT c.pattern) AS patterns,
  collect(DISTINCT handler.id) AS handlerIds,
  collect(DISTINCT c.evidence) AS evidence
WHERE patternCount >= 2
RETURN q.id AS exchangeId,
  q.name AS exchangeName,
  'message pattern' AS exchangeType,
  patterns AS routingKeys,
  [q.name] AS queueNames,
  [q.id] + handlerIds AS subjects,
  evidence AS evidence
ORDER BY exchangeId
