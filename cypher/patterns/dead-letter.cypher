// id: dead-letter
// title: Dead-letter routes of consumed channels
// why: a message its consumer keeps failing on either goes to a dead-letter channel where
//   someone can inspect it, or blocks the channel or disappears; uncovered consumers are gaps.
// requires: CONSUMES (Handler or Job to Topic or Queue); DEAD_LETTERS_TO (Topic or Queue to
//   Topic or Queue). One row per consumer and channel, with the route when there is one, plus
//   one row per dead-letter route whose source nobody in the scanned code consumes. A channel
//   named only at run time, or declared with arguments the scan could not read, may have a
//   route nobody can see: its rows say so, and it is never reported as uncovered.
// finds: dead-letter, no-dead-letter-route
MATCH (ch)
WHERE ch.kind = 'Topic' OR ch.kind = 'Queue'
OPTIONAL MATCH (consumer)-[c:CONSUMES]->(ch)
OPTIONAL MATCH (ch)-[d:DEAD_LETTERS_TO]->(dlq)
WITH ch, consumer, c, d, dlq
WHERE consumer IS NOT NULL OR dlq IS NOT NULL
RETURN ch.id AS channelId,
  ch.name AS channelName,
  consumer.id AS consumerId,
  consumer.name AS consumerName,
  dlq.id AS deadLetterId,
  dlq.name AS deadLetterName,
  EXISTS { MATCH (source)-[:DEAD_LETTERS_TO]->(ch) } AS isDeadLetterChannel,
  coalesce(ch.dynamic, false) OR ch.unresolvedArguments IS NOT NULL AS routeUnknown,
  [ch.id, consumer.id, dlq.id] AS subjects,
  [c.evidence, d.evidence] AS evidence
ORDER BY channelId, consumerId, deadLetterId
