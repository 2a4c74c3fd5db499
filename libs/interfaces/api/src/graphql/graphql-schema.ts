/**
 * The GraphQL schema at /graphql: the questions the REST API answers (why, insights,
 * events, impact, an event's context, patterns) for clients that want one query across
 * them (the web UI, dashboards). Entities, insights and events are typed, with their
 * links (an insight's events, an event's entity); the larger answers (why, impact, context,
 * a pattern's detail) are the REST API's documents as JSON, so the two cannot drift.
 */
export const GRAPHQL_SCHEMA = /* GraphQL */ `
  "Any JSON value: the REST API's document for the same question (see /docs)."
  scalar JSON

  "A Kubernetes object. kind is canonical (Pod, Deployment, ConfigMap...)."
  type Entity {
    kind: String!
    name: String!
    namespace: String
    cluster: String
    "Why this entity is in trouble: the REST API's WhyAnswer."
    why(since: String, until: String): JSON
    "The insights that name this entity."
    insights(limit: Int): [Insight!]!
  }

  type Event {
    id: ID!
    type: String!
    timestamp: String!
    source: String!
    severity: String!
    message: String!
    entity: Entity
    "The whole UnifiedEvent."
    document: JSON!
  }

  type Insight {
    id: ID!
    title: String!
    severity: String!
    confidence: Float!
    pattern: String
    rootCause: Entity!
    "The root cause's description, change and evidence."
    rootCauseDetail: JSON!
    symptoms: [Entity!]!
    affected: [Entity!]!
    chain: JSON!
    story: String!
    nextChecks: [String!]!
    previousOccurrences: [String!]!
    firstSeen: String!
    lastSeen: String!
    cluster: String
    "The events that explain it, as stored."
    events: [Event!]!
  }

  type InsightPage {
    items: [Insight!]!
    nextCursor: String
  }

  type EventPage {
    items: [Event!]!
    nextCursor: String
  }

  type Query {
    "An entity by kind (any kubectl spelling, any letter case), namespace (for namespaced kinds) and name."
    entity(kind: String!, namespace: String, name: String!, cluster: String): Entity!
    why(kind: String!, namespace: String, name: String!, cluster: String, since: String, until: String): JSON
    insights(kind: String, namespace: String, name: String, pattern: String, minSeverity: String, since: String, until: String, limit: Int, cursor: String): InsightPage!
    insight(id: ID!): Insight
    events(kind: String, namespace: String, name: String, types: [String!], minSeverity: String, since: String, until: String, limit: Int, cursor: String): EventPage!
    event(id: ID!): Event
    "An event with its causes and effects: the REST API's EventContext."
    eventContext(id: ID!): JSON
    "What a change to this entity reaches: the REST API's ImpactAnswer."
    impact(kind: String!, namespace: String, name: String!, cluster: String): JSON
    "Every behavior pattern with its learnt confidence."
    patterns: JSON!
    pattern(name: String!): JSON
  }
`;
