// id: dead-letter
// title: Dead-letter routes of consumed channels
// why: a message its consumer keeps failing on either goes to a dead-letter channel where
//   someone can inspect it, or blocks the channel or disappears; uncovered consumers are gaps.
// requires: CONSUMES (Handler or Job to Topic or Queue); DEAD_LETTERS_TO (Topic or Queue to
//   Topic or Queue). One row per consumer and channel, with the route when there is one, plus
//   one row per dead-letter route whose source nobody in the scanned code consumes. A channel
//   named only at run time, or declared with arguments the scan could not read, may have a
//   route nobody can see: its rows say so, and it is never reported as uncovered. A consumer
//   whose own code (the handler or its service) publishes to a channel named after the
//   consumed one with a dead-letter suffix (orders.created.dlq) parks failed messages there:
//   that is its route. An in-process bus calls its handlers directly: no broker holds a
//   failed message, so its channels are left out.
// finds: dead-letter, no-dead-letter-route
MATCH (ch)
WHERE (ch.kind = 'Topic' OR ch.kind = 'Queue') AND coalesce(ch.technology, '') <> 'in-process'
OPTIONAL MATCH (consumer)-[c:CONSUMES]->(ch)
OPTIONAL MATCH (ch)-[d:DEAD_LETTERS_TO]->(dlq)
// Kùzu drops every match when this WHERE tests only earlier variables (dlq IS NULL), so the
// configured route is preferred in RETURN instead.
OPTIONAL MATCH (sender)-[park:PUBLISHES]->(parked)
WHERE (sender.id = consumer.id OR sender.id = consumer.service)
  AND parked.name STARTS WITH ch.name
  AND parked.name <> ch.name
  AND (toLower(parked.name) ENDS WITH 'dlq'
    OR toLower(parked.name) ENDS WITH 'dlt'
    OR toLower(parked.name) ENDS WITH 'dead-letter'
    OR toLower(parked.name) ENDS WITH 'deadletter'
    OR toLower(parked.name) ENDS WITH 'dead_letter')
WITH ch, consumer, c, d, dlq, park, parked
WHERE consumer IS NOT NULL OR dlq IS NOT NULL
RETURN ch.id AS channelId,
  ch.name AS channelName,
  consumer.id AS consumerId,
  consumer.name AS consumerName,
  coalesce(dlq.id, parked.id) AS deadLetterId,
  coalesce(dlq.name, parked.name) AS deadLetterName,
  dlq IS NULL AND parked IS NOT NULL AS parkedByConsumer,
  EXISTS { MATCH (source)-[:DEAD_LETTERS_TO]->(ch) } AS isDeadLetterChannel,
  coalesce(ch.dynamic, false) OR ch.unresolvedArguments IS NOT NULL AS routeUnknown,
  [ch.id, consumer.id, coalesce(dlq.id, parked.id)] AS subjects,
  [c.evidence, d.evidence, CASE WHEN dlq IS NULL THEN park.evidence END] AS evidence
ORDER BY channelId, consumerId, deadLetterId
