{{/* Names and labels shared by every object of the release. */}}
{{- define "tapio.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}{{ .Release.Name | trunc 50 | trimSuffix "-" }}{{- else -}}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" }}{{- end -}}
{{- end -}}

{{- define "tapio.labels" -}}
app.kubernetes.io/name: tapio
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* selector labels of one component: include "tapio.selector" (list . "agent") */}}
{{- define "tapio.selector" -}}
app.kubernetes.io/name: tapio
app.kubernetes.io/instance: {{ (index . 0).Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{- define "tapio.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* The bus: NATS when the node agent or the distributed profile needs one, else embedded. */}}
{{- define "tapio.busType" -}}
{{- if or .Values.agent.enabled (eq .Values.profile "distributed") -}}nats{{- else -}}embedded{{- end -}}
{{- end -}}

{{- define "tapio.natsUrl" -}}
{{- if .Values.nats.enabled -}}nats://{{ include "tapio.fullname" . }}-nats:4222{{- else -}}{{ required "nats.external.url is needed when nats.enabled is false and the node agent or profile distributed is on" .Values.nats.external.url }}{{- end -}}
{{- end -}}

{{/* tapio.yaml sections every process shares: cluster, log, bus, graph. */}}
{{- define "tapio.commonConfig" -}}
cluster: {{ .Values.cluster | quote }}
log:
  level: {{ .Values.log.level }}
  format: json
deadLetters:
  file: /var/lib/tapio/dead-letters.ndjson
bus:
  type: {{ include "tapio.busType" . }}
{{- if eq (include "tapio.busType" .) "nats" }}
  nats:
    servers: {{ include "tapio.natsUrl" . | quote }}
    name: {{ include "tapio.fullname" . | quote }}
    partitions: {{ if eq .Values.profile "distributed" }}{{ .Values.correlation.partitions }}{{ else }}1{{ end }}
    streams:
      raw: { maxBytes: {{ int64 .Values.nats.streams.rawMaxBytes }} }
      unified: { maxBytes: {{ int64 .Values.nats.streams.unifiedMaxBytes }} }
      insights: { maxBytes: {{ int64 .Values.nats.streams.insightsMaxBytes }} }
{{- end }}
graph:
  type: {{ .Values.graph.type }}
{{- if eq .Values.graph.type "neo4j" }}
  neo4j:
    uri: {{ required "graph.neo4j.uri is needed with graph.type neo4j" .Values.graph.neo4j.uri | quote }}
    user: {{ .Values.graph.neo4j.user | quote }}
    database: {{ .Values.graph.neo4j.database | quote }}
    {{- if .Values.graph.neo4j.passwordSecret.name }}
    password: "${NEO4J_PASSWORD}"
    {{- end }}
{{- else }}
  memory:
    maxEvents: {{ int64 .Values.graph.memory.maxEvents }}
    maxAge: {{ .Values.graph.memory.maxAge }}
    snapshotFile: /var/lib/tapio/graph.ndjson
    snapshotInterval: {{ .Values.graph.memory.snapshotInterval }}
{{- end }}
{{- end -}}

{{/* The Kubernetes API collector's section, in the pod's own identity. */}}
{{- define "tapio.kubeapiConfig" -}}
kubeapi:
  cluster: {{ .Values.cluster | quote }}
  inCluster: true
  namespaces:
    {{- with .Values.kubeapi.namespaces.include }}
    include: {{ toJson . }}
    {{- end }}
    exclude: {{ toJson .Values.kubeapi.namespaces.exclude }}
  secrets:
    read: {{ .Values.kubeapi.secrets.read }}
    {{- if eq .Values.kubeapi.secrets.read "fingerprints" }}
    fingerprintKey: { env: TAPIO_SECRET_FINGERPRINT_KEY }
    {{- end }}
{{- end -}}

{{/* The API section (host 0.0.0.0 inside the pod; the Service's names allowed). */}}
{{- define "tapio.apiConfig" -}}
api:
  host: 0.0.0.0
  port: {{ .Values.api.port }}
  protectReads: {{ .Values.api.protectReads }}
  {{- if .Values.api.tokenSecret }}
  token: "${TAPIO_API_TOKEN}"
  {{- end }}
  allowedHosts:
    - {{ include "tapio.fullname" . }}-api
    - {{ include "tapio.fullname" . }}-api.{{ .Release.Namespace }}
    - {{ include "tapio.fullname" . }}-api.{{ .Release.Namespace }}.svc
    - {{ include "tapio.fullname" . }}-api.{{ .Release.Namespace }}.svc.cluster.local
{{- end -}}

{{/* Environment of the central containers: secrets referenced from tapio.yaml. */}}
{{- define "tapio.centralEnv" -}}
- name: NODE_NAME
  valueFrom: { fieldRef: { fieldPath: spec.nodeName } }
{{- with .Values.maxOldSpaceMb }}
- name: NODE_OPTIONS
  value: {{ printf "--max-old-space-size=%d" (int .) | quote }}
{{- end }}
{{- if .Values.graph.neo4j.passwordSecret.name }}
- name: NEO4J_PASSWORD
  valueFrom: { secretKeyRef: { name: {{ .Values.graph.neo4j.passwordSecret.name }}, key: {{ .Values.graph.neo4j.passwordSecret.key | default "password" }} } }
{{- end }}
{{- if .Values.api.tokenSecret }}
- name: TAPIO_API_TOKEN
  valueFrom: { secretKeyRef: { name: {{ .Values.api.tokenSecret }}, key: token } }
- name: TAPIO_API_READ_TOKEN
  valueFrom: { secretKeyRef: { name: {{ .Values.api.tokenSecret }}, key: readToken, optional: true } }
{{- end }}
{{- if eq .Values.kubeapi.secrets.read "fingerprints" }}
- name: TAPIO_SECRET_FINGERPRINT_KEY
  valueFrom: { secretKeyRef: { name: {{ required "kubeapi.secrets.fingerprintKeySecret.name is needed with secrets.read fingerprints" .Values.kubeapi.secrets.fingerprintKeySecret.name }}, key: {{ .Values.kubeapi.secrets.fingerprintKeySecret.key | default "key" }} } }
{{- end }}
{{- end -}}

{{/* The restricted security context of every central container: uid 10001, nothing added. */}}
{{- define "tapio.restricted" -}}
securityContext:
  runAsNonRoot: true
  runAsUser: 10001
  runAsGroup: 10001
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities: { drop: [ALL] }
  seccompProfile: { type: RuntimeDefault }
{{- end -}}

{{- define "tapio.dataVolume" -}}
- name: data
{{- if eq .Values.persistence.type "pvc" }}
  persistentVolumeClaim: { claimName: {{ include "tapio.fullname" . }}-data }
{{- else }}
  emptyDir: {}
{{- end }}
{{- end -}}

{{- /* The in-release NATS server's configuration (ConfigMap and the pod's checksum annotation).
sync_interval is quoted: unquoted, NATS's parser reads `2m` as the number 2,000,000 (seconds). */}}
{{- define "tapio.natsConfig" -}}
port: 4222
http_port: 8222
jetstream {
  store_dir: /data/jetstream
  max_file_store: {{ .Values.nats.maxFileStore }}
  # always: fsync before each acknowledgement; a duration: fsync on that period only
  # (docs/reliability.md, "Storage: the fsync trade-off").
  sync_interval: {{ .Values.nats.syncInterval | quote }}
}
{{- end }}
