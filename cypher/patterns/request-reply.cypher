// id: request-reply
// title: Request-reply over messaging
// why: a sender that names a reply address or a correlation id waits for an answer, so the
//   responder's latency and availability become part of the sender's.
// requires: replyTo or correlationId on PUBLISHES edges.
// finds: request-reply
MATCH (requester)-[pub:PUBLISHES]->(ch)
WHERE pub.replyTo IS NOT NULL OR pub.correlationId IS NOT NULL
RETURN requester.id AS requesterId,
  requester.name AS requesterName,
  ch.id AS channelId,
  ch.name AS channelName,
  pub.replyTo AS replyTo,
  pub.correlationId AS correlationId,
  [requester.id, ch.id] AS subjects,
  [pub.evidence] AS evidence
ORDER BY requesterId, channelId
