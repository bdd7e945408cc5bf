// id: job-flows
// title: Flows between services through jobs
// why: one service enqueues or schedules a job that another service defines and runs
// requires: ENQUEUES or SCHEDULES to a Job whose owning service is in its `service` column
MATCH (caller)-[send:ENQUEUES|SCHEDULES]->(job:Job)
WITH
  job,
  send,
  CASE WHEN caller.kind = 'Service' THEN caller.id ELSE caller.service END AS fromId,
  job.service AS toId
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
  job.id AS via,
  job.name AS viaName,
  job.kind AS viaKind,
  job.technology AS technology,
  min(send.evidence) AS publishedAt,
  min(job.evidence) AS consumedAt
ORDER BY fromService, toService, via
