// Status paths of the gRPC protocol as a stock C++ client sees them: unknown
// service or method, malformed message, deadlines, and ShopServe's
// x-request-id echo.
#include <thread>

#include "grpc/health/v1/health.grpc.pb.h"
#include "interop_check.h"

namespace interop {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

std::string CheckUnknownMethod(const CheckContext& ctx) {
  grpc::ClientContext call;
  call.set_deadline(FromNow(kCallTimeout));
  auto status = RawUnaryCall(ctx, &call, "/grpc.health.v1.Health/NoSuchMethod", "", nullptr);
  return ExpectCode(status, grpc::StatusCode::UNIMPLEMENTED);
}

std::string CheckUnknownService(const CheckContext& ctx) {
  grpc::ClientContext call;
  call.set_deadline(FromNow(kCallTimeout));
  auto status = RawUnaryCall(ctx, &call, "/no.such.v1.Service/Method", "", nullptr);
  return ExpectCode(status, grpc::StatusCode::UNIMPLEMENTED);
}

// Bytes that are not a HealthCheckRequest: field 1 (string) claiming 100 bytes
// with only 3 present.
std::string CheckMalformedMessage(const CheckContext& ctx) {
  grpc::ClientContext call;
  call.set_deadline(FromNow(kCallTimeout));
  const std::string garbage("\x0a\x64xyz", 5);
  auto status = RawUnaryCall(ctx, &call, "/grpc.health.v1.Health/Check", garbage, nullptr);
  return ExpectCode(status, grpc::StatusCode::INVALID_ARGUMENT);
}

// A deadline that has already passed when the call starts ends it with
// DEADLINE_EXCEEDED, and the channel keeps working afterwards.
std::string CheckExpiredDeadline(const CheckContext& ctx) {
  auto stub = Health::NewStub(ctx.channel);
  {
    grpc::ClientContext call;
    call.set_deadline(std::chrono::system_clock::now() - std::chrono::seconds(1));
    HealthCheckRequest request;
    HealthCheckResponse response;
    auto problem = ExpectCode(stub->Check(&call, request, &response), grpc::StatusCode::DEADLINE_EXCEEDED);
    if (!problem.empty()) return "expired deadline: " + problem;
  }
  grpc::ClientContext call;
  call.set_deadline(FromNow(kCallTimeout));
  HealthCheckRequest request;
  HealthCheckResponse response;
  auto problem = ExpectCode(stub->Check(&call, request, &response), grpc::StatusCode::OK);
  return problem.empty() ? "" : "call after the expired one: " + problem;
}

// A short deadline on a server-streaming call the server never ends by itself:
// the grpc-timeout header reaches the server and the call ends with
// DEADLINE_EXCEEDED within a bounded time (not the client's 10 s fallback).
std::string CheckDeadlineOnOpenStream(const CheckContext& ctx) {
  auto stub = Health::NewStub(ctx.channel);
  grpc::ClientContext call;
  const auto started = std::chrono::steady_clock::now();
  call.set_deadline(FromNow(std::chrono::milliseconds(300)));
  HealthCheckRequest request;
  auto reader = stub->Watch(&call, request);
  HealthCheckResponse response;
  while (reader->Read(&response)) {
    if (std::chrono::steady_clock::now() - started > std::chrono::seconds(30))
      return "the stream was still delivering messages after 30 s";
  }
  return ExpectCode(reader->Finish(), grpc::StatusCode::DEADLINE_EXCEEDED);
}

// Looks for `key` in the response headers, then the trailers.
std::string FindMetadata(const grpc::ClientContext& call, const std::string& key) {
  for (const auto* map : {&call.GetServerInitialMetadata(), &call.GetServerTrailingMetadata()}) {
    auto found = map->find(key);
    if (found != map->end()) return std::string(found->second.data(), found->second.size());
  }
  return "";
}

std::string CheckRequestIdEcho(const CheckContext& ctx) {
  auto stub = Health::NewStub(ctx.channel);
  {
    grpc::ClientContext call;
    call.set_deadline(FromNow(kCallTimeout));
    call.AddMetadata("x-request-id", "interop-cpp-0042");
    HealthCheckRequest request;
    HealthCheckResponse response;
    auto problem = ExpectCode(stub->Check(&call, request, &response), grpc::StatusCode::OK);
    if (!problem.empty()) return problem;
    auto echoed = FindMetadata(call, "x-request-id");
    if (echoed != "interop-cpp-0042") return "sent x-request-id interop-cpp-0042, got back '" + echoed + "'";
  }
  grpc::ClientContext call;
  call.set_deadline(FromNow(kCallTimeout));
  HealthCheckRequest request;
  HealthCheckResponse response;
  auto problem = ExpectCode(stub->Check(&call, request, &response), grpc::StatusCode::OK);
  if (!problem.empty()) return problem;
  if (FindMetadata(call, "x-request-id").empty()) return "no x-request-id generated for a call without one";
  return "";
}

}  // namespace

std::vector<Check> StatusChecks() {
  return {
      {"unknown method is UNIMPLEMENTED", false, CheckUnknownMethod},
      {"unknown service is UNIMPLEMENTED", false, CheckUnknownService},
      {"malformed request message is INVALID_ARGUMENT", false, CheckMalformedMessage},
      {"expired deadline is DEADLINE_EXCEEDED and the channel still works", false, CheckExpiredDeadline},
      {"300 ms deadline ends an open Watch with DEADLINE_EXCEEDED", false, CheckDeadlineOnOpenStream},
      {"x-request-id is echoed, and generated when absent", true, CheckRequestIdEcho},
  };
}

}  // namespace interop
