// id: idempotent-consumer
// title: Duplicates dropped by key
// why: a message or job sent with a deduplication key (a job id, an SQS deduplication id,
//   a singleton key, a workflow id) is taken once however often it is sent, so a retried
//   send cannot run the work twice.
// requires: dedupKey on PUBLISHES or ENQUEUES edges.
// finds: idempotent-consumer
MATCH (sender)-[send:PUBLISHES|ENQUEUES]->(target)
WHERE send.dedupKey IS NOT NULL
WITH target,
  collect(DISTINCT send.dedupKey) AS keys,
  collect(DISTINCT sender.id) AS senderIds,
  collect(DISTINCT send.evidence) AS evidence
RETURN target.id AS targetId,
  target.name AS targetName,
  target.kind AS targetKind,
  keys AS keys,
  senderIds + [target.id] AS subjects,
  evidence AS evidence
ORDER BY targetId
