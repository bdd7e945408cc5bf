// id: consumers-without-dead-letter
// title: Consumers without a dead-letter route
// why: a message its consumer keeps failing on either blocks the channel or is lost when the
//   channel has no dead-letter route; these are the consumers to look at first. Channels
//   named only at run time are left out: their route may exist where the scan cannot see it.
// params: none
MATCH (reader)-[r:CONSUMES]->(ch)
WHERE NOT coalesce(ch.dynamic, false)
  AND NOT EXISTS { MATCH (ch)-[:DEAD_LETTERS_TO]->(dlq) }
  AND NOT EXISTS { MATCH (source)-[:DEAD_LETTERS_TO]->(ch) }
OPTIONAL MATCH (owner:Service)-[:CONTAINS]->(reader)
RETURN CASE WHEN reader.kind = 'Service' THEN reader.name ELSE owner.name END AS service,
  reader.name AS consumer,
  ch.name AS channel,
  ch.technology AS technology,
  r.evidence AS evidence
ORDER BY service, consumer, channel
