/** The client commands' part of `tapio help`. */
export const CLIENT_HELP = `Asking a running Tapio (REST API; --server URL or TAPIO_SERVER, default http://127.0.0.1:7345):
  tapio why KIND NAMESPACE/NAME [--since T] [--until T]   why an entity is in trouble: root cause,
  tapio why KIND NAME                                     causal chain, impact (kinds as kubectl spells
                                                          them: pod, deploy, svc, cm, node, pv...)
  tapio events [KIND NAMESPACE/NAME] [--type T1,T2] [--severity S] [--since T] [--limit N] [--cursor C]
  tapio insights [ID | KIND NAMESPACE/NAME] [--pattern P] [--severity S] [--since T]
  tapio patterns [NAME]                                   patterns and their learned confidence
  tapio feedback PREDICTION_ID --accurate|--inaccurate [--rating -1|0|1] [--comment TEXT]
                                                          needs TAPIO_TOKEN (the server's api.token)
  --json on every one prints the API's JSON; T is RFC 3339 or a duration back from now (30m, 2h, 1d).
  Exit status: 0 ok, 1 server error, 2 usage or invalid request, 4 not found,
  5 token missing or refused, 6 server unreachable.
`;
