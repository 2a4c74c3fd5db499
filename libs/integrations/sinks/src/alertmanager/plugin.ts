import { definePlugin } from '@tapio/domain';
import { AlertmanagerSink, AlertmanagerSinkConfig } from './alertmanager-sink.js';

/** `sinks.alertmanager`: one alert per incident, resolved when the incident ends. */
export const alertmanagerSinkPlugin = definePlugin({
  id: 'alertmanager',
  kind: 'sink',
  description: 'Fires one Alertmanager alert per incident (POST /api/v2/alerts), updates it, resolves it when the incident ends',
  needs: {},
  configSchema: AlertmanagerSinkConfig,
  register: ({ config }) => ({ sinks: [new AlertmanagerSink(config)] }),
});
