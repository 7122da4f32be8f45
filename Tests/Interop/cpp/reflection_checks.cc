// Server reflection through stubs generated from Debian's grpc-proto files:
// list_services in v1alpha (what grpc C++ 1.51's own tooling speaks) and v1.
#include <algorithm>

#include "grpc/reflection/v1/reflection.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "interop_check.h"

namespace interop {
namespace {

// Asks for the service list and checks it names the health service. `Reflection`
// is the generated service class of one reflection version.
template <typename Reflection, typename Request, typename Response>
std::string ListServicesContainsHealth(const CheckContext& ctx) {
  auto stub = Reflection::NewStub(ctx.channel);
  grpc::ClientContext call;
  call.set_deadline(FromNow(kCallTimeout));
  auto stream = stub->ServerReflectionInfo(&call);
  Request request;
  request.set_list_services("");
  if (!stream->Write(request)) return "could not send list_services (" + CodeName(stream->Finish().error_code()) + ")";
  stream->WritesDone();
  Response response;
  if (!stream->Read(&response)) {
    auto status = stream->Finish();
    return "no response; call ended with " + CodeName(status.error_code()) + " (\"" + status.error_message() + "\")";
  }
  Response extra;
  while (stream->Read(&extra)) {
  }
  if (auto problem = ExpectCode(stream->Finish(), grpc::StatusCode::OK); !problem.empty()) return problem;
  if (!response.has_list_services_response()) return "the answer is not a list_services_response";
  const auto& services = response.list_services_response().service();
  bool found = std::any_of(services.begin(), services.end(),
                           [](const auto& s) { return s.name() == "grpc.health.v1.Health"; });
  if (!found) return "grpc.health.v1.Health is not in the listed services";
  return "";
}

std::string CheckReflectionV1alpha(const CheckContext& ctx) {
  namespace r = grpc::reflection::v1alpha;
  return ListServicesContainsHealth<r::ServerReflection, r::ServerReflectionRequest, r::ServerReflectionResponse>(ctx);
}

std::string CheckReflectionV1(const CheckContext& ctx) {
  namespace r = grpc::reflection::v1;
  return ListServicesContainsHealth<r::ServerReflection, r::ServerReflectionRequest, r::ServerReflectionResponse>(ctx);
}

}  // namespace

std::vector<Check> ReflectionChecks() {
  return {
      {"reflection v1alpha lists grpc.health.v1.Health", false, CheckReflectionV1alpha},
      {"reflection v1 lists grpc.health.v1.Health", true, CheckReflectionV1},
  };
}

}  // namespace interop
