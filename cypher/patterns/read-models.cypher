// id: read-models
// title: CQRS read models
// why: a handler that projects events into a table other code queries keeps a read model
//   apart from the command side; the read side lags behind until the events are handled,
//   and a lost event leaves it wrong.
// requires: Handler nodes with projection (the table they maintain) consuming a Topic, and
//   Handler nodes with role 'command' in the same repository.
// finds: cqrs
MATCH (projector:Handler)-[c:CONSUMES]->(t:Topic)
WHERE projector.projection IS NOT NULL
MATCH (command:Handler)
WHERE command.role = 'command' AND command.repository = projector.repository
WITH projector,
  collect(DISTINCT t.id) AS topicIds,
  collect(DISTINCT t.name) AS eventNames,
  count(DISTINCT command.id) AS commandHandlerCount,
  collect(DISTINCT c.evidence) AS evidence
RETURN projector.id AS projectorId,
  projector.name AS projectorName,
  projector.projection AS readModel,
  eventNames AS eventNames,
  commandHandlerCount AS commandHandlerCount,
  [projector.id] + topicIds AS subjects,
  evidence + [projector.evidence] AS evidence
ORDER BY projectorId
