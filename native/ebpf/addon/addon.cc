// Tapio's eBPF addon: loads, attaches and drains probe sets; nothing else. Exports
// Session plus two clock facts JavaScript cannot read itself.
#include <napi.h>
#include <time.h>
#include <unistd.h>
#include "probe_error.h"
#include "session.h"

namespace {
int64_t ClockNs(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

// CLOCK_REALTIME minus CLOCK_BOOTTIME, in ns: turns BPF timestamps into wall time.
Napi::Value BootToWallOffsetNs(const Napi::CallbackInfo& info) {
  int64_t boot_before = ClockNs(CLOCK_BOOTTIME);
  int64_t wall = ClockNs(CLOCK_REALTIME);
  int64_t boot_after = ClockNs(CLOCK_BOOTTIME);
  return Napi::BigInt::New(info.Env(), wall - (boot_before + (boot_after - boot_before) / 2));
}

Napi::Value PageSize(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(sysconf(_SC_PAGESIZE)));
}
}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  InstallLibbpfLogCapture();
  exports.Set("Session", Session::Define(env));
  exports.Set("bootToWallOffsetNs", Napi::Function::New(env, BootToWallOffsetNs));
  exports.Set("pageSize", Napi::Function::New(env, PageSize));
  return exports;
}

NODE_API_MODULE(tapio_ebpf, Init)
