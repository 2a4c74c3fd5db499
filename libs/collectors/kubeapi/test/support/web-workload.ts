/**
 * The `web` Deployment (busybox httpd on 8080, one replica) and its Service (port 80) in
 * a test namespace: the small real workload the real-cluster tests watch. `resources` is
 * the container's resources block in YAML flow style, when a test needs limits.
 */
export function webWorkloadYaml(namespace: string, resources?: string): string {
  return `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: ${namespace} }
spec:
  replicas: 1
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: web
          image: tapio.local/busybox:3
          imagePullPolicy: Never
          command: ["/bin/sh", "-c", "exec httpd -f -p 8080 -h /"]${resources ? `\n          resources: ${resources}` : ''}
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: ${namespace} }
spec: { selector: { app: web }, ports: [{ port: 80, targetPort: 8080 }] }
`;
}
