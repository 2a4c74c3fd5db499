// Loading and attaching every enabled program of a skeleton's object one by one, so a
// failure names the program; links are kept for detaching in reverse order.
#pragma once
#include <bpf/libbpf.h>
#include <string>
#include <vector>
#include "probe_set.h"

void DisablePrograms(struct bpf_object* object, const std::vector<std::string>& disabled);
void LoadObject(int load_result);
std::vector<struct bpf_link*> AttachPrograms(struct bpf_object* object, int cgroup_fd);
void DetachAll(std::vector<struct bpf_link*>& links);
