// A failure while opening, loading or attaching probes: which step, the errno and the
// tail of libbpf's own log (verifier output included), for one clear error in JS.
#pragma once
#include <string>
#include <stdexcept>

struct ProbeError : std::runtime_error {
  std::string step;
  int err;
  ProbeError(std::string step_, int err_, const std::string& detail)
      : std::runtime_error(detail), step(std::move(step_)), err(err_) {}
};

// Last lines libbpf printed (warnings and verifier logs); thread-safe.
void InstallLibbpfLogCapture();
std::string LibbpfLogTail();
void ClearLibbpfLog();
