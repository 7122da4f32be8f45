import ArgumentParser
import ShopClient
import ShopWire

/// `shopctl health [SERVICE] [--watch]`: grpc.health.v1 Check or Watch.
struct Health: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check (or watch) the serving status of the server or one service.",
        discussion: """
        Prints the status (SERVING, NOT_SERVING, SERVICE_UNKNOWN, UNKNOWN). Exit status: 0 when
        SERVING, 1 when not; a failed call exits with its gRPC code (NOT_FOUND = 5 for a
        service the server does not know). --watch prints every change until the server ends
        the stream, --count updates were seen, or Ctrl-C.
        """
    )

    @ParentCommand var root: ShopCtl

    @Argument(help: "Fully-qualified service name; empty for the server as a whole.")
    var service: String = ""

    @Flag(name: .long, help: "Stream status changes (grpc.health.v1.Health/Watch).")
    var watch = false

    @Option(name: .long, help: "With --watch: stop after this many updates.")
    var count: Int?

    func run() async throws {
        let connection: ClientConnection
        let options: CallOptions
        do {
            options = try root.connection.callOptions(defaultTimeout: watch ? nil : .seconds(10))
            connection = try root.connection.connect()
        } catch {
            throw Output.usage(error)
        }
        defer { connection.shutdown() }
        let client = HealthClient(connection: connection)
        let label = service.isEmpty ? "(server)" : service

        if !watch {
            do {
                let status = try await client.check(service: service, options: options)
                Output.out("\(label): \(status)")
                if status != "SERVING" { throw ExitCode(1) }
            } catch let status as GRPCStatus {
                throw Output.report(status)
            }
            return
        }

        var seen = 0
        var last = "UNKNOWN"
        do {
            for try await status in try client.watch(service: service, options: options) {
                Output.out("\(label): \(status)")
                last = status
                seen += 1
                if let count, seen >= count { break }
            }
        } catch let status as GRPCStatus {
            throw Output.report(status)
        }
        if last != "SERVING" { throw ExitCode(1) }
    }
}
