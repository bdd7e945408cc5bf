// id: exactly-once
// title: Exactly-once publishing
// why: an idempotent or transactional producer keeps broker retries from duplicating
//   messages, and transactions tie a publish to the consumer offsets it read.
// requires: idempotent or transactional on PUBLISHES edges.
// finds: exactly-once
MATCH (producer)-[pub:PUBLISHES]->(ch)
WHERE pub.idempotent = true OR pub.transactional = true
RETURN producer.id AS producerId,
  producer.name AS producerName,
  ch.id AS channelId,
  ch.name AS channelName,
  coalesce(pub.idempotent, false) AS idempotent,
  coalesce(pub.transactional, false) AS transactional,
  [producer.id, ch.id] AS subjects,
  [pub.evidence] AS evidence
ORDER BY producerId, channelId
