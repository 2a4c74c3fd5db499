import { CLIENT_HELP } from '@tapio/cli-client';

export const HELP = `tapio: answers WHY Kubernetes broke.

Usage:
  tapio [run] [-config FILE] [-mode MODE]   run Tapio (default command)
  tapio analyze FILE [--json] [--verbose]   offline post-mortem of a recording (RawEvent NDJSON,
                                            "-" for standard input): prints the stories, or the
                                            insight document with --json
  tapio record -output FILE [-duration 10m] record the Kubernetes API server (collectors.kubeapi)
                                            as kubeapi RawEvent NDJSON until Ctrl-C or the duration
  tapio version                             print the version
  tapio help | --help                       this text

${CLIENT_HELP}
Options:
  -config FILE, --config FILE   configuration file (default: ./tapio.yaml if present)
  -mode MODE                    all | collectors | transformer | correlation | api
                                (overrides "mode:" in the configuration)

Configuration reference: README.md; plugins: docs/plugins.md.
Exit status: 0 success, 1 runtime failure, 2 usage or configuration error,
3 a requested mode or command is not available in this build.
`;
