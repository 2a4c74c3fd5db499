// A running probe set: a drain thread polls the ring buffer and hands batches of raw
// event bytes to a JavaScript callback through a thread-safe function. JavaScript
// decodes; this side never interprets an event.
//
// Batch format: records of [u32 length][u32 reserved][length bytes][zero pad to 8].
#pragma once
#include <bpf/libbpf.h>
#include <napi.h>
#include <atomic>
#include <memory>
#include <thread>
#include <vector>
#include "probe_set.h"

class Session : public Napi::ObjectWrap<Session> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit Session(const Napi::CallbackInfo& info);
  ~Session() override;

 private:
  struct Batch {
    std::vector<uint8_t> bytes;
    uint32_t records = 0;
    int error = 0;  // set on the final message when polling failed
  };
  static int OnSample(void* context, void* data, size_t size);
  static void CallJs(Napi::Env env, Napi::Function callback, Batch* batch);
  void Drain();
  void Flush();
  void Finished(Napi::Env env);
  Napi::Value Stop(const Napi::CallbackInfo& info);
  Napi::Value Counters(const Napi::CallbackInfo& info);
  Napi::Value Running(const Napi::CallbackInfo& info);

  std::unique_ptr<ProbeSet> probes_;
  struct ring_buffer* ring_ = nullptr;
  Napi::ThreadSafeFunction tsfn_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  bool finished_ = false;
  std::unique_ptr<Batch> batch_;
  size_t max_batch_bytes_ = 256 * 1024;
  int poll_ms_ = 100;
  std::vector<Napi::Promise::Deferred> waiting_;
};
