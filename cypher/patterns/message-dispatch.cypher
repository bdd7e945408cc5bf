// id: message-dispatch
// title: Dispatch by message pattern
// why: one subscription to a queue hands each message to the handler registered for the
//   pattern or job name it carries (NestJS @MessagePattern / @EventPattern, Bull @Process), so
//   what a publisher writes in the message decides who handles it: content-based routing.
// requires: CONSUMES (Handler to Queue) with dispatcher and pattern.
// finds: content-based-routing
MATCH (handler)-[c:CONSUMES]->(q:Queue)
WHERE c.dispatcher IS NOT NULL AND c.pattern IS NOT NULL
WITH q, c.dispatcher AS dispatcher,
  count(DISTINCT c.pattern) AS patternCount,
  collect(DISTINCT c.pattern) AS patterns,
  collect(DISTINCT handler.id) AS handlerIds,
  collect(DISTINCT handler.name) AS handlerNames,
  collect(DISTINCT c.evidence) AS evidence
WHERE patternCount >= 2
RETURN q.id AS queueId,
  q.name AS queueName,
  dispatcher AS dispatcher,
  patterns AS patterns,
  handlerNames AS handlerNames,
  [q.id] + handlerIds AS subjects,
  evidence AS evidence
ORDER BY queueId, dispatcher
