// id: consumers-of-service
// title: Who consumes what a service publishes
// why: before changing a message, find every service that reads it, directly or through a
//   RabbitMQ exchange bound to the queue it reads.
// params: service: the publishing service, by name (@shop/orders), folder (orders) or id
MATCH (s:Service)
WHERE s.name = $service OR s.id = $service OR s.id ENDS WITH '/' + $service
MATCH (publisher)-[:PUBLISHES]->(channel)-[:ROUTES_TO*0..1]->(read)<-[:CONSUMES]-(consumer)
WHERE publisher.id = s.id OR publisher.service = s.id
RETURN DISTINCT s.name AS publisher,
  channel.name AS channel,
  channel.technology AS technology,
  read.name AS readFrom,
  coalesce(consumer.service, consumer.id) AS consumerService,
  consumer.name AS consumer
ORDER BY channel, readFrom, consumerService, consumer
