// id: competing-consumers
// title: Competing consumers
// why: several workers share one stream of messages, so each message is handled once by
//   whichever worker takes it; ordering across workers is lost and handlers must be safe to
//   run side by side.
// requires: CONSUMES (Handler or Job to Topic or Queue); consumerGroup on the edge or the
//   consumer; concurrency on the edge or the consumer. Consumers of a channel named only at
//   run time are not counted together: one expression may stand for several channels.
//   Handlers one subscription dispatches to by message pattern (dispatcher on the edge, as
//   NestJS does) are one consumer.
// finds: competing-consumers
MATCH (consumer)-[c:CONSUMES]->(ch)
WITH ch, consumer, c, coalesce(c.consumerGroup, consumer.consumerGroup) AS groupName
WHERE ch.kind = 'Queue'
  OR groupName IS NOT NULL
  OR coalesce(c.concurrency, consumer.concurrency, 1) > 1
WITH ch, consumer, c, groupName,
  CASE
    WHEN ch.kind = 'Queue' THEN 'queue'
    WHEN groupName IS NOT NULL THEN 'group:' + groupName
    ELSE 'consumer:' + consumer.id
  END AS share
WITH ch, share,
  max(DISTINCT groupName) AS consumerGroup,
  count(DISTINCT coalesce(c.dispatcher, consumer.id)) AS consumerCount,
  max(DISTINCT coalesce(c.concurrency, consumer.concurrency, 1)) AS maxConcurrency,
  collect(DISTINCT consumer.id) AS consumerIds,
  collect(DISTINCT consumer.name) AS consumerNames,
  collect(DISTINCT c.evidence) AS evidence
WHERE (consumerCount >= 2 AND NOT coalesce(ch.dynamic, false)) OR maxConcurrency > 1
RETURN ch.id AS channelId,
  ch.name AS channelName,
  ch.kind AS channelLabel,
  share AS share,
  consumerGroup AS consumerGroup,
  consumerCount AS consumerCount,
  maxConcurrency AS maxConcurrency,
  consumerNames AS consumerNames,
  [ch.id] + consumerIds AS subjects,
  evidence AS evidence
ORDER BY channelId, share
