// Result<T>: a value, or an error message a user can act on.
// Expected failures (bad input, a refused request) travel as Results;
// exceptions are kept for bugs and for start-up failures in main().
#pragma once
#include <optional>
#include <string>
#include <utility>

namespace drover {

template <class T>
class Result {
 public:
  static Result ok(T value) { Result r; r.value_ = std::move(value); return r; }
  static Result fail(std::string message) { Result r; r.error_ = std::move(message); return r; }

  explicit operator bool() const { return value_.has_value(); }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  const std::string& error() const { return error_; }

 private:
  std::optional<T> value_;
  std::string error_;
};

// For operations that return nothing but may fail.
struct Ok {};
using Status = Result<Ok>;
inline Status ok_status() { return Status::ok(Ok{}); }

}  // namespace drover
