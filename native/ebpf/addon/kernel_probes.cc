// The kernel probe set: process, OOM, signal and TCP tracepoints (bpf/kernel.bpf.c).
#include <cerrno>
#include "attach.h"
#include "kernel.skel.h"
#include "probe_error.h"
#include "probe_set.h"

namespace {
class KernelProbes : public ProbeSet {
 public:
  explicit KernelProbes(const ProbeOptions& options) {
    skel_ = kernel_bpf__open();
    if (!skel_) throw ProbeError("open", errno, LibbpfLogTail());
    try {
      Configure(options);
      DisablePrograms(skel_->obj, options.disabled);
      LoadObject(kernel_bpf__load(skel_));
      links_ = AttachPrograms(skel_->obj, -1);
    } catch (...) {
      kernel_bpf__destroy(skel_);
      throw;
    }
  }
  ~KernelProbes() override {
    DetachAll(links_);
    kernel_bpf__destroy(skel_);
  }
  int RingBufferFd() const override { return bpf_map__fd(skel_->maps.events); }
  int CountersFd() const override { return bpf_map__fd(skel_->maps.counters); }
  unsigned CounterSlots() const override { return bpf_map__max_entries(skel_->maps.counters); }

 private:
  void Configure(const ProbeOptions& options) {
    for (const auto& [name, values] : options.config) {
      if (values.size() != 1) throw ProbeError("configure", EINVAL, "'" + name + "' takes one number");
      unsigned long long value = values[0];
      if (name == "report_exec") skel_->rodata->report_exec = value;
      else if (name == "report_nonzero_exit") skel_->rodata->report_nonzero_exit = value;
      else if (name == "fatal_signal_mask") skel_->rodata->fatal_signal_mask = value;
      else if (name == "retransmit_threshold") skel_->rodata->retransmit_threshold = value;
      else if (name == "wakeup_bytes") skel_->rodata->wakeup_bytes = value;
      else throw ProbeError("configure", EINVAL, "unknown kernel probe setting '" + name + "'");
    }
  }
  struct kernel_bpf* skel_ = nullptr;
  std::vector<struct bpf_link*> links_;
};
}  // namespace

std::unique_ptr<ProbeSet> OpenKernelProbes(const ProbeOptions& options) {
  return std::make_unique<KernelProbes>(options);
}
