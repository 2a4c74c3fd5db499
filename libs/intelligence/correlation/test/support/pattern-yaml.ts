/** A minimal behavior pattern file: one `type equals` condition and one outage prediction. */
export function patternYaml(name: string, eventType: string, severity = 'high'): string {
  return `apiVersion: behavior.tapio.io/v1
kind: BehaviorPattern
metadata:
  name: ${name}
spec:
  severity: ${severity}
  conditions:
    - field: type
      operator: equals
      value: ${eventType}
  predictions:
    - type: outage
      confidence_base: 0.9
      message: "${name} seen"
`;
}
