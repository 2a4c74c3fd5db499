// The inspector's CPU profiler around a benchmark's measured loop alone (what --cpu-prof gives,
// without the set-up and the warm-up): BENCH_PROFILE=file.cpuprofile in the benches that take
// it; tools/bench/cpu-profile-summary.mjs reads the file.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/** Starts sampling every 0.5 ms; returns the session to hand to `stopLoopProfile`. */
export async function startLoopProfile() {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  return session;
}

/** Stops sampling and writes the profile to `file`. */
export async function stopLoopProfile(session, file) {
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  writeFileSync(file, JSON.stringify(profile));
}
