// id: transactional-outbox
// title: Transactional outbox
// why: a message written to an outbox table in the same transaction as the state it describes
//   is published exactly when that state commits; the relay that drains the table decides how
//   late, and how often, each message goes out.
// requires: Queue nodes with outbox (set only where the write shares a transaction with other
//   state), a PUBLISHES into them and a CONSUMES from the relay that publishes their rows.
//   Not `transactional` on the edge: that is a Kafka transaction, read by exactly-once.
// finds: transactional-outbox
MATCH (writer)-[w:PUBLISHES]->(q:Queue)
WHERE q.outbox = true
MATCH (relay)-[r:CONSUMES]->(q)
WITH q,
  collect(DISTINCT relay.name) AS relayNames,
  collect(DISTINCT relay.id) AS relayIds,
  collect(DISTINCT w.evidence) AS writeEvidence,
  collect(DISTINCT r.evidence) AS relayEvidence
RETURN q.id AS outboxId,
  q.name AS outboxName,
  relayNames AS relayNames,
  [q.id] + relayIds AS subjects,
  writeEvidence + relayEvidence AS evidence
ORDER BY outboxId
