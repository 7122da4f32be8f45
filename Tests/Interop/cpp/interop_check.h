// Shared vocabulary of the C++ interop client: a named check, the options every
// check sees, and small helpers to compare what the server answered with what
// the gRPC protocol (or ShopServe's contract) says it must answer.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace interop {

/// What every check gets: the channel to the server under test and whether the
/// server is ShopServe (which promises more than a stock gRPC server does).
struct CheckContext {
  std::shared_ptr<grpc::Channel> channel;
  /// False when the target is the stock C++ reference server: checks of
  /// ShopServe-only behaviour (x-request-id echo, INVALID_ARGUMENT for a
  /// malformed message, reflection v1) are then skipped.
  bool shopserve = true;
};

/// One named check. `run` returns an empty string on success, else what went
/// wrong (expected vs. actual).
struct Check {
  std::string name;
  /// True when only ShopServe promises this behaviour.
  bool shopserveOnly = false;
  std::function<std::string(const CheckContext&)> run;
};

/// The checks of one area, to be appended to the full list in main.
std::vector<Check> HealthChecks();
std::vector<Check> StatusChecks();
std::vector<Check> ReflectionChecks();

/// The canonical name of a status code ("UNIMPLEMENTED").
std::string CodeName(grpc::StatusCode code);

/// "" when `status` has `expected` code, else a description of the mismatch.
std::string ExpectCode(const grpc::Status& status, grpc::StatusCode expected);

/// A deadline `d` from now.
inline std::chrono::system_clock::time_point FromNow(std::chrono::milliseconds d) {
  return std::chrono::system_clock::now() + d;
}

/// Generous deadline for calls that must succeed (a slow debug server on a busy
/// machine must not fail them).
constexpr std::chrono::milliseconds kCallTimeout{10000};

/// Sends `payload` (already-serialized message bytes, possibly garbage) to the
/// unary method `path` ("/pkg.Service/Method") with the generic stub and
/// returns the final status. `response` receives the response bytes.
grpc::Status RawUnaryCall(const CheckContext& ctx, grpc::ClientContext* call,
                          const std::string& path, const std::string& payload,
                          std::string* response);

}  // namespace interop
