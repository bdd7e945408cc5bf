// id: orphan-channels
// title: Channels with only one side in the scanned code
// why: a channel published and never consumed (or consumed and never published) is either
//   handled by code outside the scan, or a message nobody reads; both deserve a look.
// requires: PUBLISHES, CONSUMES, ROUTES_TO (an exchange passes on what is published to it,
//   and counts as consumed when a queue bound to it is consumed), DEAD_LETTERS_TO (the broker
//   publishes into a dead-letter channel), ENQUEUES and SCHEDULES (enqueuing or scheduling a
//   job publishes to the queue the job is consumed from).
// finds: orphan-channel
MATCH (ch)
WHERE ch.kind = 'Topic' OR ch.kind = 'Queue'
WITH ch,
  EXISTS { MATCH (publisher)-[:PUBLISHES]->(ch) }
    OR EXISTS { MATCH (publisher)-[:PUBLISHES]->(exchange:Topic)-[:ROUTES_TO]->(ch) }
    OR EXISTS { MATCH (source)-[:DEAD_LETTERS_TO]->(ch) }
    OR EXISTS { MATCH (caller)-[:ENQUEUES]->(job:Job)-[:CONSUMES]->(ch) }
    OR EXISTS { MATCH (scheduler)-[:SCHEDULES]->(timed:Job)-[:CONSUMES]->(ch) } AS published,
  EXISTS { MATCH (consumer)-[:CONSUMES]->(ch) }
    OR EXISTS { MATCH (ch)-[:ROUTES_TO]->(bound:Queue)<-[:CONSUMES]-(consumer) } AS consumed
WHERE published <> consumed
OPTIONAL MATCH (party)-[link:PUBLISHES|CONSUMES]->(ch)
WITH ch, published, consumed,
  collect(DISTINCT party.id) AS partyIds,
  collect(DISTINCT link.evidence) AS linkEvidence
RETURN ch.id AS channelId,
  ch.name AS channelName,
  ch.kind AS channelLabel,
  ch.technology AS technology,
  ch.dynamic AS dynamic,
  published AS published,
  EXISTS { MATCH (source)-[:DEAD_LETTERS_TO]->(ch) } AS deadLetterTarget,
  consumed AS consumed,
  [ch.id] + coalesce(partyIds, []) AS subjects,
  [ch.evidence] + coalesce(linkEvidence, []) AS evidence
ORDER BY channelId
