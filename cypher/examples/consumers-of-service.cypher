// id: consumers-of-service
// title: Who consumes what a service publishes
// why: before changing a message, find every service that reads it, directly or through a
//   RabbitMQ exchange bound to the queue it reads.
// params: service: the publishing service, by name (@shop/orders), folder (orders) or id
MATCH (s:Service)
WHERE s.name = $service OR s.id = $service
  OR (s.id ENDS WITH $service AND right(s.id, size($service) + 1) STARTS WITH '/')
MATCH (p)-[:PUBLISHES]->(ch)-[:ROUTES_TO*0..1]->(target)<-[:CONSUMES]-(c)
WHERE p.id = s.id OR p.service = s.id
OPTIONAL MATCH (owner:Service)-[:CONTAINS]->(c)
RETURN DISTINCT s.name AS publisher,
  ch.name AS channel,
  ch.technology AS technology,
  target.name AS readFrom,
  CASE WHEN c.kind = 'Service' THEN c.name ELSE owner.name END AS consumerService,
  c.name AS consumer
ORDER BY channel, readFrom, consumerService, consumer
