// id: cqrs
// title: Command and query handlers kept apart
// why: commands change state and queries read it through separate handlers (and often separate
//   models), so writes and reads can change, scale and fail independently.
// requires: Handler.role ('command' or 'query') on handlers that CONSUME their messages. One
//   row per service holding both kinds.
// finds: cqrs
MATCH (command:Handler)-[c:CONSUMES]->(commandChannel)
WHERE command.role = 'command'
MATCH (query:Handler)-[q:CONSUMES]->(queryChannel)
WHERE query.role = 'query' AND query.service = command.service
WITH command.service AS serviceId,
  collect(DISTINCT command.name) AS commandHandlers,
  collect(DISTINCT query.name) AS queryHandlers,
  collect(DISTINCT command.id) AS commandIds,
  collect(DISTINCT query.id) AS queryIds,
  collect(DISTINCT c.evidence) AS commandEvidence,
  collect(DISTINCT q.evidence) AS queryEvidence
RETURN serviceId AS serviceId,
  commandHandlers AS commandHandlers,
  queryHandlers AS queryHandlers,
  commandIds + queryIds AS subjects,
  commandEvidence + queryEvidence AS evidence
ORDER BY serviceId
