// A loaded and attached set of BPF programs (one skeleton), reduced to what the drain
// loop needs: its ring buffer, its per-CPU counters, and detach-on-destroy.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

struct ProbeOptions {
  // .rodata settings by variable name; arrays for array variables.
  std::map<std::string, std::vector<unsigned long long>> config;
  // Programs not to load (by program name).
  std::vector<std::string> disabled;
  // Cgroup v2 directory for cgroup-attached programs.
  std::string cgroup_path;
};

class ProbeSet {
 public:
  virtual ~ProbeSet() = default;
  virtual int RingBufferFd() const = 0;
  virtual int CountersFd() const = 0;
  virtual unsigned CounterSlots() const = 0;
};

// Throw ProbeError naming the failed step.
std::unique_ptr<ProbeSet> OpenKernelProbes(const ProbeOptions& options);
std::unique_ptr<ProbeSet> OpenDnsProbes(const ProbeOptions& options);
