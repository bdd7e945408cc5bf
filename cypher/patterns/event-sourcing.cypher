// id: event-sourcing
// title: Event-sourced streams
// why: state kept as an append-only log of events is rebuilt by replaying them, so an event
//   once stored can never change shape without an upcaster, and every reader replays it.
// requires: Topic nodes with eventLog (an aggregate's stream in an event store, or an events
//   table the code appends to and replays); CARRIES to the events stored, CONSUMES from the
//   code that replays them.
// finds: event-sourcing
MATCH (t:Topic)
WHERE t.eventLog = true
OPTIONAL MATCH (t)-[:CARRIES]->(e:Event)
OPTIONAL MATCH (reader)-[r:CONSUMES]->(t)
WITH t,
  collect(DISTINCT e.name) AS eventNames,
  collect(DISTINCT reader.name) AS readerNames,
  collect(DISTINCT reader.id) AS readerIds,
  collect(DISTINCT r.evidence) AS replayEvidence
RETURN t.id AS streamId,
  t.name AS streamName,
  t.technology AS technology,
  coalesce(eventNames, []) AS eventNames,
  coalesce(readerNames, []) AS readerNames,
  [t.id] + coalesce(readerIds, []) AS subjects,
  [t.evidence] + coalesce(replayEvidence, []) AS evidence
ORDER BY streamId
