// id: batch-processing
// title: Batch processing
// why: a consumer that takes messages in batches acknowledges or fails them together, so one
//   bad message can redeliver the whole batch; a batching producer trades latency for volume.
// requires: batch on CONSUMES or PUBLISHES edges, or on the consuming Handler or Job.
// finds: batch-processing
MATCH (party)-[link:CONSUMES|PUBLISHES]->(ch)
WHERE link.batch = true OR (link.kind = 'CONSUMES' AND party.batch = true)
RETURN party.id AS partyId,
  party.name AS partyName,
  link.kind AS direction,
  ch.id AS channelId,
  ch.name AS channelName,
  [party.id, ch.id] AS subjects,
  [link.evidence, party.evidence] AS evidence
ORDER BY partyId, channelId, direction
