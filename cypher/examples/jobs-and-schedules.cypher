// id: jobs-and-schedules
// title: Background jobs and their schedules
// why: lists every job with the schedule that starts it (cron, interval) or none when only
//   other code enqueues it, and the queue it runs on.
// params: none
MATCH (j:Job)
OPTIONAL MATCH (owner:Service)-[:CONTAINS]->(j)
OPTIONAL MATCH (s:Service)-[r:SCHEDULES]->(j)
RETURN j.name AS job,
  j.technology AS technology,
  j.queue AS queue,
  coalesce(owner.name, s.name) AS service,
  r.schedule AS schedule,
  r.scheduleKind AS scheduleKind
ORDER BY job, schedule
