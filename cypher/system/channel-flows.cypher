// id: channel-flows
// title: Flows between services through channels
// why: one service publishes to a channel (directly, or through one exchange route) that
//   code of another service consumes: the edges of the service map
// requires: PUBLISHES and CONSUMES to Topic or Queue, optional ROUTES_TO; the owning service
//   of a Handler or Job in its `service` column
MATCH (producer)-[pub:PUBLISHES]->(ch)-[:ROUTES_TO*0..1]->(target)<-[sub:CONSUMES]-(consumer)
WITH
  ch,
  pub,
  sub,
  CASE WHEN producer.kind = 'Service' THEN producer.id ELSE producer.service END AS fromId,
  CASE WHEN consumer.kind = 'Service' THEN consumer.id ELSE consumer.service END AS toId
WHERE fromId IS NOT NULL AND toId IS NOT NULL AND fromId <> toId
MATCH (a:Service), (b:Service)
WHERE a.id = fromId AND b.id = toId
RETURN
  a.id AS fromService,
  a.name AS fromName,
  a.repository AS fromRepository,
  b.id AS toService,
  b.name AS toName,
  b.repository AS toRepository,
  ch.id AS via,
  ch.name AS viaName,
  ch.kind AS viaKind,
  ch.technology AS technology,
  min(pub.evidence) AS publishedAt,
  min(sub.evidence) AS consumedAt
ORDER BY fromService, toService, via
