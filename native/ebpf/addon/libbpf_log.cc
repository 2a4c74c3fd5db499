#include <bpf/libbpf.h>
#include <cstdarg>
#include <cstdio>
#include <deque>
#include <mutex>
#include <string>
#include "probe_error.h"

namespace {
std::mutex log_mutex;
std::deque<std::string> log_lines;
constexpr size_t kMaxLines = 60;

int CaptureLibbpfPrint(enum libbpf_print_level level, const char* format, va_list args) {
  if (level == LIBBPF_DEBUG) return 0;
  char line[1024];
  int n = vsnprintf(line, sizeof(line), format, args);
  if (n <= 0) return n;
  std::lock_guard<std::mutex> lock(log_mutex);
  std::string text(line);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  log_lines.push_back(text);
  while (log_lines.size() > kMaxLines) log_lines.pop_front();
  return n;
}
}  // namespace

void InstallLibbpfLogCapture() { libbpf_set_print(CaptureLibbpfPrint); }

std::string LibbpfLogTail() {
  std::lock_guard<std::mutex> lock(log_mutex);
  std::string out;
  for (const auto& line : log_lines) {
    out += line;
    out += '\n';
  }
  return out;
}

void ClearLibbpfLog() {
  std::lock_guard<std::mutex> lock(log_mutex);
  log_lines.clear();
}
