// id: retry
// title: Retry policies
// why: a retried message or job runs more than once, so its handler must be idempotent, and
//   the policy (attempts, backoff) decides how long a failure keeps a worker busy.
// requires: retry on Handler and Job nodes; retry or attempts on PUBLISHES and ENQUEUES edges.
//   One row per node with a policy, or per send with a policy (with its sender).
// finds: retry
MATCH (site)
WHERE site.kind = 'Service' OR site.kind = 'Handler' OR site.kind = 'Job'
OPTIONAL MATCH (site)-[send:PUBLISHES|ENQUEUES]->(target)
WHERE send.retry IS NOT NULL OR send.attempts > 1
WITH site, send, target
WHERE site.retry IS NOT NULL OR send IS NOT NULL
RETURN site.id AS siteId,
  site.kind AS siteLabel,
  site.name AS siteName,
  site.retry AS siteRetry,
  send.id AS sendId,
  send.kind AS sendKind,
  target.id AS targetId,
  target.name AS targetName,
  send.retry AS sendRetry,
  send.attempts AS sendAttempts,
  site.evidence AS siteEvidence,
  send.evidence AS sendEvidence
ORDER BY siteId, sendId
