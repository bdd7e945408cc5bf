// id: message-type-dispatch
// title: Dispatch by message type
// why: an in-process bus that looks handlers up by the class of each message routes on
//   content: the type a sender builds decides which handlers run, and a type nobody
//   registered is dropped or fails at run time.
// requires: Topic nodes with dispatch 'message-type' (one per message class of a bus),
//   CONSUMES from their handlers. One row per repository with two or more such types.
// finds: content-based-routing
MATCH (handler)-[c:CONSUMES]->(t:Topic)
WHERE t.dispatch = 'message-type'
WITH t.repository AS repository,
  count(DISTINCT t.id) AS typeCount,
  collect(DISTINCT t.id) AS topicIds,
  collect(DISTINCT t.name) AS typeNames,
  count(DISTINCT handler.id) AS handlerCount,
  collect(DISTINCT c.evidence) AS evidence
WHERE typeCount >= 2
RETURN repository AS repository,
  typeCount AS typeCount,
  typeNames AS typeNames,
  handlerCount AS handlerCount,
  topicIds AS subjects,
  evidence AS evidence
ORDER BY repository
