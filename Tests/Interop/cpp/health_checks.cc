// grpc.health.v1.Health through the stock generated C++ stub: Check and Watch
// as grpc/doc/health-checking.md specifies, gzip-compressed requests, and many
// concurrent calls on one channel.
#include <grpc/compression.h>

#include <atomic>
#include <thread>

#include "grpc/health/v1/health.grpc.pb.h"
#include "interop_check.h"

namespace interop {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

std::string StatusName(HealthCheckResponse::ServingStatus status) {
  return HealthCheckResponse::ServingStatus_Name(status);
}

std::string CheckOverallServing(const CheckContext& ctx) {
  auto stub = Health::NewStub(ctx.channel);
  grpc::ClientContext call;
  call.set_deadline(FromNow(kCallTimeout));
  HealthCheckRequest request;
  HealthCheckResponse response;
  auto status = stub->Check(&call, request, &response);
  if (auto problem = ExpectCode(status, grpc::StatusCode::OK); !problem.empty()) return problem;
  if (response.status() != HealthCheckResponse::SERVING)
    return "expected SERVING, got " + StatusName(response.status());
  return "";
}

std::string CheckUnknownServiceIsNotFound(const CheckContext& ctx) {
  auto stub = Health::NewStub(ctx.channel);
  grpc::ClientContext call;
  call.set_deadline(FromNow(kCallTimeout));
  HealthCheckRequest request;
  request.set_service("no.such.v1.Service");
  HealthCheckResponse response;
  return ExpectCode(stub->Check(&call, request, &response), grpc::StatusCode::NOT_FOUND);
}

// A gzip-compressed request the server must inflate to read the service name:
// a compressible unknown name must come back NOT_FOUND (not INTERNAL or
// UNIMPLEMENTED), and a compressed Check("") must still answer SERVING. (The
// name stays under 200 bytes: the stock C++ health service refuses longer
// names.)
std::string CheckGzipRequests(const CheckContext& ctx) {
  auto stub = Health::NewStub(ctx.channel);
  {
    grpc::ClientContext call;
    call.set_deadline(FromNow(kCallTimeout));
    call.set_compression_algorithm(GRPC_COMPRESS_GZIP);
    HealthCheckRequest request;
    request.set_service("interop.compressed." + std::string(128, 'x'));
    HealthCheckResponse response;
    auto problem = ExpectCode(stub->Check(&call, request, &response), grpc::StatusCode::NOT_FOUND);
    if (!problem.empty()) return "compressed unknown name: " + problem;
  }
  grpc::ClientContext call;
  call.set_deadline(FromNow(kCallTimeout));
  call.set_compression_algorithm(GRPC_COMPRESS_GZIP);
  HealthCheckRequest request;
  HealthCheckResponse response;
  auto status = stub->Check(&call, request, &response);
  if (auto problem = ExpectCode(status, grpc::StatusCode::OK); !problem.empty()) return "compressed Check(\"\"): " + problem;
  if (response.status() != HealthCheckResponse::SERVING)
    return "compressed Check(\"\"): expected SERVING, got " + StatusName(response.status());
  return "";
}

// Watch sends the current status at once and then stays open; the call ends
// only with the client's deadline.
std::string WatchUntilDeadline(const CheckContext& ctx, const std::string& service,
                               HealthCheckResponse::ServingStatus expected) {
  auto stub = Health::NewStub(ctx.channel);
  grpc::ClientContext call;
  call.set_deadline(FromNow(std::chrono::milliseconds(1500)));
  HealthCheckRequest request;
  request.set_service(service);
  auto reader = stub->Watch(&call, request);
  HealthCheckResponse response;
  if (!reader->Read(&response)) {
    auto status = reader->Finish();
    return "no first message; call ended with " + CodeName(status.error_code()) + " (\"" +
           status.error_message() + "\")";
  }
  if (response.status() != expected)
    return "first message: expected " + StatusName(expected) + ", got " + StatusName(response.status());
  while (reader->Read(&response)) {
    if (response.status() != expected)
      return "status changed to " + StatusName(response.status()) + " while nothing changed";
  }
  auto problem = ExpectCode(reader->Finish(), grpc::StatusCode::DEADLINE_EXCEEDED);
  return problem.empty() ? "" : "end of the watch: " + problem;
}

std::string CheckWatchOverall(const CheckContext& ctx) {
  return WatchUntilDeadline(ctx, "", HealthCheckResponse::SERVING);
}

std::string CheckWatchUnknownService(const CheckContext& ctx) {
  return WatchUntilDeadline(ctx, "not.yet.Known", HealthCheckResponse::SERVICE_UNKNOWN);
}

// 200 Checks in flight together on one channel (one HTTP/2 connection), from 8
// threads; every one must answer SERVING.
std::string CheckConcurrentCalls(const CheckContext& ctx) {
  constexpr int kThreads = 8, kCallsPerThread = 25;
  auto stub = Health::NewStub(ctx.channel);
  std::atomic<int> failures{0};
  std::string firstFailure;
  std::atomic_flag recorded = ATOMIC_FLAG_INIT;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      grpc::CompletionQueue queue;
      std::vector<std::unique_ptr<grpc::ClientContext>> calls;
      std::vector<HealthCheckResponse> responses(kCallsPerThread);
      std::vector<grpc::Status> statuses(kCallsPerThread);
      HealthCheckRequest request;
      for (int i = 0; i < kCallsPerThread; ++i) {
        calls.push_back(std::make_unique<grpc::ClientContext>());
        calls.back()->set_deadline(FromNow(kCallTimeout * 3));
        auto reader = stub->AsyncCheck(calls.back().get(), request, &queue);
        reader->Finish(&responses[i], &statuses[i], reinterpret_cast<void*>(static_cast<intptr_t>(i)));
      }
      for (int done = 0; done < kCallsPerThread; ++done) {
        void* tag = nullptr;
        bool ok = false;
        if (!queue.Next(&tag, &ok)) break;
      }
      queue.Shutdown();
      void* tag;
      bool ok;
      while (queue.Next(&tag, &ok)) {
      }
      for (int i = 0; i < kCallsPerThread; ++i) {
        std::string problem = ExpectCode(statuses[i], grpc::StatusCode::OK);
        if (problem.empty() && responses[i].status() != HealthCheckResponse::SERVING)
          problem = "expected SERVING, got " + StatusName(responses[i].status());
        if (!problem.empty()) {
          failures++;
          if (!recorded.test_and_set()) firstFailure = problem;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  if (failures == 0) return "";
  return std::to_string(failures.load()) + " of " + std::to_string(kThreads * kCallsPerThread) +
         " calls failed; first: " + firstFailure;
}

}  // namespace

std::vector<Check> HealthChecks() {
  return {
      {"health Check(\"\") is SERVING", false, CheckOverallServing},
      {"health Check(unknown) is NOT_FOUND", false, CheckUnknownServiceIsNotFound},
      {"health Check with gzip-compressed requests", false, CheckGzipRequests},
      {"health Watch(\"\") sends SERVING and stays open until the deadline", false, CheckWatchOverall},
      {"health Watch(unknown) sends SERVICE_UNKNOWN and stays open", false, CheckWatchUnknownService},
      {"200 concurrent Checks on one channel", false, CheckConcurrentCalls},
  };
}

}  // namespace interop
