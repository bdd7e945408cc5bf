// id: paths-between-services
// title: Every message path from one service to another
// why: shows how work started in one service reaches another: each hop is a channel some
//   handler of the next service consumes, and that handler may publish again. Up to three
//   channels; longer chains are left out on purpose (the query stays fast and readable).
// params: from: the starting service, by name, folder or id; to: the service reached, likewise
MATCH (a:Service), (b:Service)
WHERE (a.name = $from OR a.id = $from OR (a.id ENDS WITH $from AND right(a.id, size($from) + 1) STARTS WITH '/'))
  AND (b.name = $to OR b.id = $to OR (b.id ENDS WITH $to AND right(b.id, size($to) + 1) STARTS WITH '/'))
MATCH (p0)-[:PUBLISHES]->(c1)-[:ROUTES_TO*0..1]->(q1)<-[:CONSUMES]-(h1)
WHERE (p0.id = a.id OR p0.service = a.id) AND h1.service = b.id
RETURN 1 AS hops, c1.name AS first, CASE WHEN false THEN c1.name END AS second,
  CASE WHEN false THEN c1.name END AS third, h1.name AS reachedBy
UNION
MATCH (a:Service), (b:Service)
WHERE (a.name = $from OR a.id = $from OR (a.id ENDS WITH $from AND right(a.id, size($from) + 1) STARTS WITH '/'))
  AND (b.name = $to OR b.id = $to OR (b.id ENDS WITH $to AND right(b.id, size($to) + 1) STARTS WITH '/'))
MATCH (p0)-[:PUBLISHES]->(c1)-[:ROUTES_TO*0..1]->(q1)<-[:CONSUMES]-(h1)
MATCH (h1)-[:PUBLISHES]->(c2)-[:ROUTES_TO*0..1]->(q2)<-[:CONSUMES]-(h2)
WHERE (p0.id = a.id OR p0.service = a.id) AND h2.service = b.id
RETURN 2 AS hops, c1.name AS first, c2.name AS second,
  CASE WHEN false THEN c2.name END AS third, h2.name AS reachedBy
UNION
MATCH (a:Service), (b:Service)
WHERE (a.name = $from OR a.id = $from OR (a.id ENDS WITH $from AND right(a.id, size($from) + 1) STARTS WITH '/'))
  AND (b.name = $to OR b.id = $to OR (b.id ENDS WITH $to AND right(b.id, size($to) + 1) STARTS WITH '/'))
MATCH (p0)-[:PUBLISHES]->(c1)-[:ROUTES_TO*0..1]->(q1)<-[:CONSUMES]-(h1)
MATCH (h1)-[:PUBLISHES]->(c2)-[:ROUTES_TO*0..1]->(q2)<-[:CONSUMES]-(h2)
MATCH (h2)-[:PUBLISHES]->(c3)-[:ROUTES_TO*0..1]->(q3)<-[:CONSUMES]-(h3)
WHERE (p0.id = a.id OR p0.service = a.id) AND h3.service = b.id
RETURN 3 AS hops, c1.name AS first, c2.name AS second, c3.name AS third, h3.name AS reachedBy
