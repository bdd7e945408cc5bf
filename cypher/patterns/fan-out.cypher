// id: fan-out
// title: Fan-out
// why: every independent consumer of a topic receives each message, so one publish starts work
//   in several places; a change to the message touches all of them.
// requires: CONSUMES (Handler or Job to Topic) with consumerGroup, or the consumer's service;
//   ROUTES_TO (Topic to Queue) for exchanges that copy a message into several consumed queues.
//   A topic named only at run time is left out: one expression may stand for several topics.
// finds: fan-out
MATCH (t:Topic)
WHERE NOT coalesce(t.dynamic, false)
OPTIONAL MATCH (consumer)-[c:CONSUMES]->(t)
WITH t,
  count(DISTINCT coalesce(c.consumerGroup, consumer.consumerGroup, consumer.service, consumer.id))
    AS audienceCount,
  collect(DISTINCT coalesce(c.consumerGroup, consumer.consumerGroup, consumer.service, consumer.id))
    AS audiences,
  collect(DISTINCT coalesce(c.consumerGroup, consumer.consumerGroup)) AS groups,
  collect(DISTINCT consumer.id) AS consumerIds,
  collect(DISTINCT c.evidence) AS consumeEvidence
OPTIONAL MATCH (t)-[r:ROUTES_TO]->(q:Queue)
WHERE EXISTS { MATCH (queueConsumer)-[:CONSUMES]->(q) }
WITH t, audienceCount, audiences, groups, consumerIds, consumeEvidence,
  count(DISTINCT q.id) AS queueCount,
  collect(DISTINCT q.name) AS queueNames,
  collect(DISTINCT q.id) AS queueIds,
  collect(DISTINCT r.evidence) AS routeEvidence
WHERE audienceCount >= 2 OR queueCount >= 2
RETURN t.id AS channelId,
  t.name AS channelName,
  t.channelKind AS channelKind,
  t.technology AS technology,
  audienceCount AS audienceCount,
  coalesce(audiences, []) AS audiences,
  coalesce(groups, []) AS groups,
  queueCount AS queueCount,
  coalesce(queueNames, []) AS queueNames,
  [t.id] + coalesce(consumerIds, []) + coalesce(queueIds, []) AS subjects,
  coalesce(consumeEvidence, []) + coalesce(routeEvidence, []) AS evidence
ORDER BY channelId
