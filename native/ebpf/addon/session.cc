#include "session.h"
#include <bpf/bpf.h>
#include <pthread.h>
#include <signal.h>
#include <cerrno>
#include <cstring>
#include <exception>
#include "probe_error.h"

namespace {
constexpr int kBatchFull = -EFBIG;  // sample callback: batch is full, flush before reading on

ProbeOptions ReadOptions(const Napi::Object& object) {
  ProbeOptions options;
  if (object.Has("config")) {
    Napi::Object config = object.Get("config").As<Napi::Object>();
    Napi::Array keys = config.GetPropertyNames();
    for (uint32_t i = 0; i < keys.Length(); i++) {
      std::string key = keys.Get(i).As<Napi::String>();
      Napi::Value value = config.Get(key);
      std::vector<unsigned long long> numbers;
      if (value.IsArray()) {
        Napi::Array array = value.As<Napi::Array>();
        for (uint32_t j = 0; j < array.Length(); j++) numbers.push_back(array.Get(j).As<Napi::Number>().Int64Value());
      } else if (value.IsBigInt()) {
        bool lossless;
        numbers.push_back(value.As<Napi::BigInt>().Uint64Value(&lossless));
      } else {
        numbers.push_back(value.As<Napi::Number>().Int64Value());
      }
      options.config[key] = numbers;
    }
  }
  if (object.Has("disabled")) {
    Napi::Array disabled = object.Get("disabled").As<Napi::Array>();
    for (uint32_t i = 0; i < disabled.Length(); i++) options.disabled.push_back(disabled.Get(i).As<Napi::String>());
  }
  if (object.Has("cgroupPath")) options.cgroup_path = object.Get("cgroupPath").As<Napi::String>();
  return options;
}

// The verifier gives up with EAGAIN when the loading thread has a signal pending
// (profilers' SIGPROF, SIGCHLD...). Loading on a thread with every signal blocked
// keeps process-directed signals away from it.
template <typename Load>
std::unique_ptr<ProbeSet> LoadWithSignalsBlocked(Load load) {
  std::unique_ptr<ProbeSet> result;
  std::exception_ptr failure;
  std::thread loader([&] {
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, nullptr);
    try {
      result = load();
    } catch (...) {
      failure = std::current_exception();
    }
  });
  loader.join();
  if (failure) std::rethrow_exception(failure);
  return result;
}

Napi::Error ToJsError(Napi::Env env, const ProbeError& error) {
  std::string message = error.step + ": " + strerror(error.err);
  Napi::Error js = Napi::Error::New(env, message);
  js.Set("step", Napi::String::New(env, error.step));
  js.Set("errno", Napi::Number::New(env, error.err));
  js.Set("detail", Napi::String::New(env, error.what()));
  return js;
}
}  // namespace

Napi::Function Session::Define(Napi::Env env) {
  return DefineClass(env, "Session",
                     {InstanceMethod<&Session::Stop>("stop"), InstanceMethod<&Session::Counters>("counters"),
                      InstanceMethod<&Session::Running>("running")});
}

// new Session(probeSet: 'kernel' | 'dns', options, onBatch(buffer, records, errno))
Session::Session(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Session>(info) {
  Napi::Env env = info.Env();
  std::string name = info[0].As<Napi::String>();
  Napi::Object options = info[1].As<Napi::Object>();
  Napi::Function on_batch = info[2].As<Napi::Function>();
  if (options.Has("pollMs")) poll_ms_ = options.Get("pollMs").As<Napi::Number>().Int32Value();
  if (options.Has("maxBatchBytes")) max_batch_bytes_ = options.Get("maxBatchBytes").As<Napi::Number>().Int64Value();

  try {
    ClearLibbpfLog();
    ProbeOptions probe_options = ReadOptions(options);
    if (name != "kernel" && name != "dns") throw ProbeError("configure", EINVAL, "unknown probe set '" + name + "'");
    probes_ = LoadWithSignalsBlocked([&] { return name == "kernel" ? OpenKernelProbes(probe_options) : OpenDnsProbes(probe_options); });
    ring_ = ring_buffer__new(probes_->RingBufferFd(), &Session::OnSample, this, nullptr);
    if (!ring_) throw ProbeError("ring buffer", errno, LibbpfLogTail());
  } catch (const ProbeError& error) {
    probes_.reset();
    ToJsError(env, error).ThrowAsJavaScriptException();
    return;
  }

  batch_ = std::make_unique<Batch>();
  // Keeps this object alive while the thread runs; released in Finished().
  Ref();
  tsfn_ = Napi::ThreadSafeFunction::New(env, on_batch, "tapio-ebpf-drain", 64 /* queued batches */, 1, this,
                                        [](Napi::Env env, Session* session) { session->Finished(env); });
  thread_ = std::thread([this] { Drain(); });
}

Session::~Session() {
  // Only reached after Finished() (the Ref above prevents collection before it).
  if (thread_.joinable()) thread_.join();
  if (ring_) ring_buffer__free(ring_);
}

int Session::OnSample(void* context, void* data, size_t size) {
  Session* session = static_cast<Session*>(context);
  Batch& batch = *session->batch_;
  uint32_t header[2] = {static_cast<uint32_t>(size), 0};
  size_t start = batch.bytes.size();
  size_t padded = (size + 7) & ~size_t(7);
  batch.bytes.resize(start + sizeof(header) + padded);
  memcpy(batch.bytes.data() + start, header, sizeof(header));
  memcpy(batch.bytes.data() + start + sizeof(header), data, size);
  memset(batch.bytes.data() + start + sizeof(header) + size, 0, padded - size);
  batch.records++;
  return batch.bytes.size() >= session->max_batch_bytes_ ? kBatchFull : 0;
}

void Session::Flush() {
  if (batch_->records == 0 && batch_->error == 0) return;
  Batch* ready = batch_.release();
  batch_ = std::make_unique<Batch>();
  // Blocks while 64 batches wait for JavaScript: the ring buffer then fills and the
  // kernel counts what it cannot reserve, instead of this process growing unbounded.
  if (tsfn_.BlockingCall(ready, &Session::CallJs) != napi_ok) delete ready;
}

void Session::Drain() {
  while (!stopping_.load()) {
    int result = ring_buffer__poll(ring_, poll_ms_);
    // Events submitted without a wake-up (below the wake-up threshold) raise no epoll
    // event: after each wait the ring is read regardless.
    if (result >= 0 || result == -EINTR || result == kBatchFull) result = ring_buffer__consume(ring_);
    if (result < 0 && result != kBatchFull && result != -EINTR) {
      batch_->error = -result;
      Flush();
      break;
    }
    Flush();
  }
  // Whatever the kernel already wrote is delivered before detaching.
  int result;
  do {
    result = ring_buffer__consume(ring_);
    Flush();
  } while (result == kBatchFull);
  tsfn_.Release();
}

void Session::CallJs(Napi::Env env, Napi::Function callback, Batch* batch) {
  if (env == nullptr || callback == nullptr) {
    delete batch;
    return;
  }
  uint32_t records = batch->records;
  int error = batch->error;
  Napi::Value buffer;
  if (batch->bytes.empty()) {
    buffer = Napi::Buffer<uint8_t>::New(env, 0);
    delete batch;
  } else {
    buffer = Napi::Buffer<uint8_t>::New(env, batch->bytes.data(), batch->bytes.size(),
                                        [](Napi::Env, uint8_t*, Batch* owned) { delete owned; }, batch);
  }
  callback.Call({buffer, Napi::Number::New(env, records), Napi::Number::New(env, error)});
}

void Session::Finished(Napi::Env env) {
  if (thread_.joinable()) thread_.join();
  if (ring_) {
    ring_buffer__free(ring_);
    ring_ = nullptr;
  }
  probes_.reset();  // detaches every program
  finished_ = true;
  for (auto& deferred : waiting_) deferred.Resolve(env.Undefined());
  waiting_.clear();
  Unref();
}

Napi::Value Session::Stop(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Promise::Deferred deferred = Napi::Promise::Deferred::New(env);
  if (finished_ || !probes_) {
    deferred.Resolve(env.Undefined());
  } else {
    waiting_.push_back(deferred);
    stopping_.store(true);
  }
  return deferred.Promise();
}

Napi::Value Session::Running(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), !finished_ && probes_ != nullptr && !stopping_.load());
}

// { cpus, slots, values: BigUint64Array(slots * cpus), slot-major }
Napi::Value Session::Counters(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!probes_) {
    Napi::Error::New(env, "probes are detached").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  int cpus = libbpf_num_possible_cpus();
  if (cpus <= 0) {
    Napi::Error::New(env, "cannot count possible CPUs").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  unsigned slots = probes_->CounterSlots();
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, sizeof(uint64_t) * slots * cpus);
  uint64_t* values = static_cast<uint64_t*>(buffer.Data());
  for (unsigned slot = 0; slot < slots; slot++) {
    if (bpf_map_lookup_elem(probes_->CountersFd(), &slot, values + static_cast<size_t>(slot) * cpus) != 0) {
      Napi::Error::New(env, std::string("reading counters: ") + strerror(errno)).ThrowAsJavaScriptException();
      return env.Undefined();
    }
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("cpus", cpus);
  result.Set("slots", slots);
  napi_value typed;
  napi_create_typedarray(env, napi_biguint64_array, static_cast<size_t>(slots) * cpus, buffer, 0, &typed);
  result.Set("values", Napi::Value(env, typed));
  return result;
}
