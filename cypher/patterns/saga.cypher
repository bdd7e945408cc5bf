// id: saga
// title: Sagas
// why: a saga reacts to events by dispatching the next commands of a long-running process, so
//   the steps of one business transaction are coordinated through messages rather than one call.
// requires: Handler.role 'saga'; CONSUMES (the events it reacts to) and PUBLISHES (the commands
//   it dispatches) from that handler.
// finds: saga
MATCH (saga:Handler)-[c:CONSUMES]->(event)
WHERE saga.role = 'saga'
MATCH (saga)-[p:PUBLISHES]->(command)
WITH saga,
  collect(DISTINCT event.name) AS events,
  collect(DISTINCT command.name) AS commands,
  collect(DISTINCT event.id) AS eventIds,
  collect(DISTINCT command.id) AS commandIds,
  collect(DISTINCT c.evidence) AS consumeEvidence,
  collect(DISTINCT p.evidence) AS publishEvidence
RETURN saga.id AS sagaId,
  saga.name AS sagaName,
  events AS events,
  commands AS commands,
  [saga.id] + eventIds + commandIds AS subjects,
  consumeEvidence + publishEvidence AS evidence
ORDER BY sagaId
