#include "attach.h"
#include <cerrno>
#include <cstring>
#include "probe_error.h"

void DisablePrograms(struct bpf_object* object, const std::vector<std::string>& disabled) {
  for (const auto& name : disabled) {
    struct bpf_program* program = bpf_object__find_program_by_name(object, name.c_str());
    if (!program) throw ProbeError("configure", EINVAL, "no BPF program named '" + name + "'");
    bpf_program__set_autoload(program, false);
  }
}

void LoadObject(int load_result) {
  if (load_result != 0) throw ProbeError("load", -load_result, LibbpfLogTail());
}

std::vector<struct bpf_link*> AttachPrograms(struct bpf_object* object, int cgroup_fd) {
  std::vector<struct bpf_link*> links;
  struct bpf_program* program;
  bpf_object__for_each_program(program, object) {
    if (!bpf_program__autoload(program)) continue;
    struct bpf_link* link = nullptr;
    bool cgroup = bpf_program__type(program) == BPF_PROG_TYPE_CGROUP_SKB;
    link = cgroup ? bpf_program__attach_cgroup(program, cgroup_fd) : bpf_program__attach(program);
    if (!link) {
      int err = errno;
      DetachAll(links);
      throw ProbeError(std::string("attach ") + bpf_program__name(program) + " (" +
                           (bpf_program__section_name(program) ? bpf_program__section_name(program) : "?") + ")",
                       err, LibbpfLogTail());
    }
    links.push_back(link);
  }
  return links;
}

void DetachAll(std::vector<struct bpf_link*>& links) {
  for (auto it = links.rbegin(); it != links.rend(); ++it) bpf_link__destroy(*it);
  links.clear();
}
