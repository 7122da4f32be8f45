import ArgumentParser

/// The root command (the entry point of shopctl): global connection options, then a subcommand.
@main
struct ShopCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shopctl",
        abstract: "Call ShopServe (or any gRPC server) from the command line: JSON in, JSON out.",
        discussion: """
        Examples:
          shopctl --target 127.0.0.1:50051 call grpc.health.v1.Health/Check --data '{"service": ""}'
          shopctl --target shop:443 --tls --ca ca.pem health shop.v1.RankService --watch
          shopctl list grpc.health.v1.Health

        Exit status: 0 on OK; the gRPC status code (1-16) when a call fails; 64 for bad
        input (flags, JSON, unknown method, unreadable TLS files).
        """,
        subcommands: [Call.self, Health.self, List.self, Bench.self]
    )

    @OptionGroup var connection: ConnectionOptions
}
