// Tapio: ready queries for Neo4j Browser (see docs/neo4j-browser.md).
//
// Each query starts with a "// name:" line, says what it answers, and lists the parameters it
// needs on a "// params:" line (example values; set yours in Browser with :param or :params).
// Times are compared as native datetimes: `:param since => datetime() - duration('PT1H')`
// means "the last hour". Every query here is run by a test against a real Neo4j
// (libs/integrations/neo4j/test/browser-queries.test.ts).

// name: why-pod
// Why did this pod fail? Its events since $since, each with the root of its causal chain
// (seed 000's root-cause query): the earliest event that CAUSED / TRIGGERED it.
// params: {"namespace": "shop", "pod": "checkout-abc-1", "since": "2026-03-02T10:00:00Z"}
MATCH (p:Pod {namespace: $namespace, name: $pod})<-[:AFFECTS]-(e:Event)
WHERE e.timestamp >= datetime($since)
OPTIONAL MATCH chain = (root:Event)-[:CAUSED|TRIGGERED*1..10]->(e)
WHERE NOT (root)<-[:CAUSED|TRIGGERED]-(:Event)
OPTIONAL MATCH (root)-[:AFFECTS]->(cause:Resource)
WITH e, root, cause, chain ORDER BY length(chain) DESC
WITH e, head(collect({root: root, cause: cause, chain: chain})) AS deepest
RETURN e.timestamp AS at, e.type AS event, e.message AS message,
       deepest.root.type AS root_event, deepest.cause.kind + ' ' + coalesce(deepest.cause.namespace + '/', '') + deepest.cause.name AS root_cause,
       deepest.root.timestamp AS root_at, [n IN nodes(deepest.chain) | n.type] AS chain
ORDER BY at DESC;

// name: why-pod-graph
// The same question as a picture: the pod, its events, and every causal path into them.
// params: {"namespace": "shop", "pod": "checkout-abc-1", "since": "2026-03-02T10:00:00Z"}
MATCH (p:Pod {namespace: $namespace, name: $pod})<-[affects:AFFECTS]-(e:Event)
WHERE e.timestamp >= datetime($since)
OPTIONAL MATCH chain = (:Event)-[:CAUSED|TRIGGERED*1..10]->(e)
OPTIONAL MATCH (e)<-[:CAUSED|TRIGGERED*1..10]-(:Event)-[causeAffects:AFFECTS]->(cause:Resource)
RETURN p, affects, e, chain, causeAffects, cause;

// name: insight-causal-chain
// Show the causal chain of insight X: the events it explains, in time order, with what they hit.
// params: {"insightId": "test-insight-1"}
MATCH (i:Insight {id: $insightId})-[:EXPLAINS]->(e:Event)
OPTIONAL MATCH (e)-[:AFFECTS]->(r:Resource)
RETURN i.title AS insight, e.timestamp AS at, e.type AS event, r.kind AS kind, r.namespace AS namespace, r.name AS name, e.message AS message
ORDER BY at;

// name: insight-causal-graph
// The causal chain of insight X as a graph: explained events, causality between them, resources.
// params: {"insightId": "test-insight-1"}
MATCH (i:Insight {id: $insightId})-[explains:EXPLAINS]->(e:Event)
OPTIONAL MATCH causal = (e)-[:CAUSED|TRIGGERED|PRECEDED]->(:Event)<-[:EXPLAINS]-(i)
OPTIONAL MATCH (e)-[affects:AFFECTS]->(r:Resource)
RETURN i, explains, e, causal, affects, r;

// name: touched-in-window
// Everything that touched node N (any resource: a Node, a Service, a ConfigMap...) since $since:
// events on it and on the resources directly connected to it.
// params: {"kind": "Node", "name": "node-1", "since": "2026-03-02T10:00:00Z"}
MATCH (n:Resource {kind: $kind, name: $name})
OPTIONAL MATCH (n)-[:OWNS|SELECTS|MOUNTS|USES_SECRET|CLAIMS|BOUND_TO|RUNS_ON|ROUTES_TO|APPLIES_TO|SCALES|RUNS_AS|GRANTS|BINDS]-(neighbour:Resource)
WITH n, collect(DISTINCT neighbour) + [n] AS around
UNWIND around AS r
MATCH (r)<-[:AFFECTS]-(e:Event)
WHERE e.timestamp >= datetime($since)
RETURN e.timestamp AS at, e.type AS event, e.severity AS severity, r.kind AS kind, r.namespace AS namespace, r.name AS name, e.message AS message
ORDER BY at DESC;

// name: pods-sharing-changed-configmap
// Pods that share the ConfigMap that changed: every ConfigMap edited since $since, the live pods
// that mount it, and the Services selecting those pods.
// params: {"since": "2026-03-02T10:00:00Z"}
MATCH (change:Event {type: 'config_changed'})-[:AFFECTS]->(cm:ConfigMap)
WHERE change.timestamp >= datetime($since)
MATCH (cm)<-[:MOUNTS]-(p:Pod)
WHERE NOT p.deleted
OPTIONAL MATCH (p)<-[:SELECTS]-(s:Service)
RETURN cm.namespace AS namespace, cm.name AS configmap, change.timestamp AS changed_at,
       collect(DISTINCT p.name) AS pods, collect(DISTINCT s.name) AS services
ORDER BY changed_at DESC;

// name: configmap-impact
// Seed 000's impact analysis: what will a change to this ConfigMap affect?
// params: {"namespace": "shop", "configMap": "checkout-config"}
MATCH (cm:ConfigMap {namespace: $namespace, name: $configMap})<-[mounts:MOUNTS]-(p:Pod)
OPTIONAL MATCH (p)<-[selects:SELECTS]-(s:Service)
OPTIONAL MATCH (s)<-[routes:ROUTES_TO]-(i:Ingress)
OPTIONAL MATCH (p)<-[owns:OWNS*1..3]-(w:Resource)
RETURN cm, mounts, p, selects, s, routes, i, owns, w;

// name: death-spirals
// Seed 000's death spirals: pods with more than $minRestarts restarts since $since.
// params: {"since": "2026-03-02T10:00:00Z", "minRestarts": 3}
MATCH (e:Event {type: 'pod_restart'})-[:AFFECTS]->(p:Pod)
WHERE e.timestamp >= datetime($since)
WITH p, count(e) AS restart_count
WHERE restart_count > $minRestarts
RETURN p.namespace AS namespace, p.name AS pod, p.node AS node, restart_count
ORDER BY restart_count DESC;

// name: event-context
// Seed 002's context revelation for one event: affected resource, owners, dependencies,
// events on the same resource within 5 minutes, root cause and consequences.
// params: {"eventId": "test-crash"}
MATCH (e:Event {id: $eventId})
OPTIONAL MATCH (e)-[:AFFECTS]->(resource:Resource)
OPTIONAL MATCH (resource)<-[:OWNS*1..5]-(owner:Resource)
OPTIONAL MATCH (resource)-[:MOUNTS|SELECTS|USES_SECRET|CLAIMS|BOUND_TO|ROUTES_TO|APPLIES_TO|SCALES*1..3]-(dependent:Resource)
OPTIONAL MATCH (resource)<-[:AFFECTS]-(temporal:Event)
WHERE temporal <> e
  AND temporal.timestamp >= e.timestamp - duration('PT5M')
  AND temporal.timestamp <= e.timestamp + duration('PT5M')
OPTIONAL MATCH (root:Event)-[:CAUSED|TRIGGERED*1..10]->(e)
WHERE NOT (root)<-[:CAUSED|TRIGGERED]-(:Event)
OPTIONAL MATCH (e)-[:CAUSED|TRIGGERED*1..10]->(consequence:Event)
RETURN e.type AS event, e.timestamp AS at,
       collect(DISTINCT resource.kind + ' ' + resource.name) AS affected_resources,
       collect(DISTINCT owner.kind + ' ' + owner.name) AS ownership_chain,
       collect(DISTINCT dependent.kind + ' ' + dependent.name) AS dependencies,
       collect(DISTINCT temporal.type + ' @ ' + toString(temporal.timestamp)) AS correlated_events,
       collect(DISTINCT root.type + ' @ ' + toString(root.timestamp)) AS root_cause,
       collect(DISTINCT consequence.type + ' @ ' + toString(consequence.timestamp)) AS consequences;

// name: pattern-discovery
// Seed 002's pattern discovery: which event types cause which, and how often.
// params: {"minOccurrences": 1}
MATCH (cause:Event)-[:CAUSED|TRIGGERED]->(effect:Event)
WITH cause.type AS cause, effect.type AS effect, count(*) AS occurrences
WHERE occurrences >= $minOccurrences
RETURN cause, effect, occurrences
ORDER BY occurrences DESC, cause, effect;

// name: entity-timeline
// Timeline of one entity: everything that happened to it, oldest first.
// params: {"kind": "Pod", "namespace": "shop", "name": "checkout-abc-1"}
MATCH (r:Resource {kind: $kind, name: $name})<-[:AFFECTS]-(e:Event)
WHERE coalesce(r.namespace, '') = coalesce($namespace, '')
RETURN e.timestamp AS at, e.type AS event, e.severity AS severity, e.source AS source, e.message AS message
ORDER BY at;

// name: recent-insights
// The insights of the last period, most confident first, with their root cause.
// params: {"since": "2026-03-02T10:00:00Z"}
MATCH (i:Insight)
WHERE i.last_seen >= datetime($since)
RETURN i.id AS id, i.severity AS severity, i.confidence AS confidence, i.title AS title, i.root_cause_key AS root_cause, i.first_seen AS first_seen
ORDER BY confidence DESC, first_seen DESC;

// name: pattern-accuracy
// How patterns fare with users: predictions made, feedback received, share judged accurate.
// params: {}
MATCH (p:Pattern)
OPTIONAL MATCH (p)-[:PREDICTED]->(prediction:Prediction)
OPTIONAL MATCH (prediction)<-[:VALIDATES]-(f:Feedback)
RETURN p.id AS pattern, p.confidence AS confidence, count(DISTINCT prediction) AS predictions, count(f) AS feedback,
       sum(CASE WHEN f.accurate THEN 1 ELSE 0 END) AS accurate
ORDER BY pattern;
