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
  // One call may carry a whole verifier log: format it in full, keep its last lines.
  va_list measure;
  va_copy(measure, args);
  int n = vsnprintf(nullptr, 0, format, measure);
  va_end(measure);
  if (n <= 0) return n;
  std::string text(static_cast<size_t>(n) + 1, '\0');
  vsnprintf(text.data(), text.size(), format, args);
  text.resize(static_cast<size_t>(n));
  std::lock_guard<std::mutex> lock(log_mutex);
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) log_lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
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
