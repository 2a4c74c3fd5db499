// The DNS probe set: cgroup skb capture of DNS traffic (bpf/dns.bpf.c), attached to a
// cgroup v2 directory (the root, to see every socket).
#include <fcntl.h>
#include <unistd.h>
#include <cerrno>
#include "attach.h"
#include "dns.skel.h"
#include "probe_error.h"
#include "probe_set.h"

namespace {
class DnsProbes : public ProbeSet {
 public:
  explicit DnsProbes(const ProbeOptions& options) {
    if (options.cgroup_path.empty()) throw ProbeError("configure", EINVAL, "the DNS probes need a cgroup v2 directory (cgroupPath)");
    cgroup_fd_ = open(options.cgroup_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cgroup_fd_ < 0) throw ProbeError("open cgroup " + options.cgroup_path, errno, "");
    skel_ = dns_bpf__open();
    if (!skel_) {
      int err = errno;
      close(cgroup_fd_);
      throw ProbeError("open", err, LibbpfLogTail());
    }
    try {
      Configure(options);
      DisablePrograms(skel_->obj, options.disabled);
      LoadObject(dns_bpf__load(skel_));
      links_ = AttachPrograms(skel_->obj, cgroup_fd_);
    } catch (...) {
      dns_bpf__destroy(skel_);
      close(cgroup_fd_);
      throw;
    }
  }
  ~DnsProbes() override {
    DetachAll(links_);
    dns_bpf__destroy(skel_);
    close(cgroup_fd_);
  }
  int RingBufferFd() const override { return bpf_map__fd(skel_->maps.dns_events); }
  int CountersFd() const override { return bpf_map__fd(skel_->maps.counters); }
  unsigned CounterSlots() const override { return bpf_map__max_entries(skel_->maps.counters); }

 private:
  void Configure(const ProbeOptions& options) {
    for (const auto& [name, values] : options.config) {
      if (name == "dns_ports") {
        constexpr size_t capacity = sizeof(skel_->rodata->dns_ports) / sizeof(skel_->rodata->dns_ports[0]);
        if (values.empty() || values.size() > capacity)
          throw ProbeError("configure", EINVAL, "dns_ports takes 1 to " + std::to_string(capacity) + " ports");
        for (size_t i = 0; i < values.size(); i++) skel_->rodata->dns_ports[i] = static_cast<__u16>(values[i]);
        skel_->rodata->dns_port_count = values.size();
      } else if (name == "wakeup_bytes" && values.size() == 1) {
        skel_->rodata->wakeup_bytes = values[0];
      } else {
        throw ProbeError("configure", EINVAL, "unknown DNS probe setting '" + name + "'");
      }
    }
  }
  int cgroup_fd_ = -1;
  struct dns_bpf* skel_ = nullptr;
  std::vector<struct bpf_link*> links_;
};
}  // namespace

std::unique_ptr<ProbeSet> OpenDnsProbes(const ProbeOptions& options) {
  return std::make_unique<DnsProbes>(options);
}
