import ArgumentParser
import ShopClient
import ShopWire

/// `shopctl list [SERVICE]`: services, or one service's methods, via server reflection.
struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the server's services, or the methods of one service (server reflection v1, falling back to v1alpha)."
    )

    @ParentCommand var root: ShopCtl

    @Argument(help: "Fully-qualified service name whose methods to list.")
    var service: String?

    @Flag(name: [.short, .long], help: "With SERVICE: print each method's signature.")
    var long = false

    func run() async throws {
        let connection: ClientConnection
        let options: CallOptions
        do {
            options = try root.connection.callOptions(defaultTimeout: .seconds(10))
            connection = try root.connection.connect()
        } catch {
            throw Output.usage(error)
        }
        defer { connection.shutdown() }
        let reflection = ReflectionClient(connection: connection, options: options)
        do {
            guard let service else {
                for name in try await reflection.listServices() { Output.out(name) }
                return
            }
            for method in try await reflection.methods(of: service) {
                guard long else {
                    Output.out("\(service).\(method.name)")
                    continue
                }
                let input = (method.clientStreaming ? "stream " : "") + method.inputType
                let output = (method.serverStreaming ? "stream " : "") + method.outputType
                Output.out("rpc \(method.name)(\(input)) returns (\(output))")
            }
        } catch let status as GRPCStatus {
            throw Output.report(status)
        } catch {
            throw Output.usage(error)
        }
    }
}
