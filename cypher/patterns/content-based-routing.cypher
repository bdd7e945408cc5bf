// id: content-based-routing
// title: Content-based routing
// why: an exchange that binds queues with different routing keys, or with wildcard patterns,
//   sends each message to the queues its key matches, so the key chosen by a publisher
//   decides who handles the message.
//   (message-pattern-routing.cypher finds the same by a framework's message patterns.)
// requires: ROUTES_TO (Topic to Queue) with routingKey.
// finds: content-based-routing
MATCH (exchange:Topic)-[r:ROUTES_TO]->(q:Queue)
WHERE r.routingKey IS NOT NULL
WITH exchange,
  count(DISTINCT r.routingKey) AS routingKeyCount,
  collect(DISTINCT r.routingKey) AS routingKeys,
  collect(DISTINCT q.id) AS queueIds,
  collect(DISTINCT q.name) AS queueNames,
  collect(DISTINCT r.evidence) AS evidence
WHERE routingKeyCount >= 2
  OR any(key IN routingKeys WHERE key CONTAINS '*' OR key CONTAINS '#')
RETURN exchange.id AS exchangeId,
  exchange.name AS exchangeName,
  exchange.exchangeType AS exchangeType,
  routingKeys AS routingKeys,
  queueNames AS queueNames,
  [exchange.id] + queueIds AS subjects,
  evidence AS evidence
ORDER BY exchangeId
