// A stock gRPC C++ client (Debian's libgrpc++) run against a live server:
// health Check/Watch, status paths, deadlines, compression, reflection.
//
//   interop_client --target HOST:PORT [--stock-server] [--only SUBSTRING]
//
// Prints one PASS/FAIL/SKIP line per check and exits 0 when every check
// passed, 1 when any failed, 2 on a usage error or when the server cannot be
// reached. --stock-server skips the checks of behaviour only ShopServe
// promises (used to validate this client against the stock C++ server).
#include <cstdio>
#include <cstring>
#include <string>

#include "interop_check.h"

namespace {

void Usage() {
  std::fprintf(stderr, "usage: interop_client --target HOST:PORT [--stock-server] [--only SUBSTRING]\n");
}

}  // namespace

int main(int argc, char** argv) {
  std::string target, only;
  bool stockServer = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--target" && i + 1 < argc) {
      target = argv[++i];
    } else if (arg == "--only" && i + 1 < argc) {
      only = argv[++i];
    } else if (arg == "--stock-server") {
      stockServer = true;
    } else {
      Usage();
      return 2;
    }
  }
  if (target.empty()) {
    Usage();
    return 2;
  }

  interop::CheckContext ctx;
  ctx.shopserve = !stockServer;
  ctx.channel = grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  if (!ctx.channel->WaitForConnected(interop::FromNow(std::chrono::seconds(15)))) {
    std::fprintf(stderr, "interop_client: cannot connect to %s within 15 s\n", target.c_str());
    return 2;
  }

  std::vector<interop::Check> checks;
  for (auto group : {interop::HealthChecks(), interop::StatusChecks(), interop::ReflectionChecks()})
    checks.insert(checks.end(), group.begin(), group.end());

  int passed = 0, failed = 0, skipped = 0;
  for (const auto& check : checks) {
    if (!only.empty() && check.name.find(only) == std::string::npos) continue;
    if (check.shopserveOnly && !ctx.shopserve) {
      std::printf("SKIP  %s (ShopServe-only behaviour)\n", check.name.c_str());
      ++skipped;
      continue;
    }
    std::string problem = check.run(ctx);
    if (problem.empty()) {
      std::printf("PASS  %s\n", check.name.c_str());
      ++passed;
    } else {
      std::printf("FAIL  %s: %s\n", check.name.c_str(), problem.c_str());
      ++failed;
    }
    std::fflush(stdout);
  }
  std::printf("interop_client: %d passed, %d failed, %d skipped against %s\n", passed, failed, skipped,
              target.c_str());
  if (passed + failed == 0) {
    std::fprintf(stderr, "interop_client: no check matched\n");
    return 2;
  }
  return failed == 0 ? 0 : 1;
}
