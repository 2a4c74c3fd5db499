// Runs a standalone systemd-journald (StandaloneJournald) until SIGTERM / SIGINT, for scripts:
// prints `JOURNAL_DIR=...` and `JOURNALD_SOCKET=...` once it is up, then stops it (by its PID)
// and removes its folder on the signal. It reads the kernel log (ReadKMsg), so a node agent's
// journal collector pointed at it sees the host's OOM kills and other kernel messages.
import { StandaloneJournald } from './standalone-journald.mjs';

const journald = StandaloneJournald.create();
await journald.start();
process.stdout.write(`JOURNAL_DIR=${journald.journalDir}\nJOURNALD_SOCKET=${journald.varlinkSocket}\n`);
const stop = () => journald.stop().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
setInterval(() => undefined, 60_000);
