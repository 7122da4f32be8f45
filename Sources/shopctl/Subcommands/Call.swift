import ArgumentParser
import Foundation
import ShopClient
import ShopWire

/// `shopctl call SERVICE/METHOD --data JSON`: any compiled-in method, JSON in and out.
struct Call: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Call a method with a JSON request (proto3 JSON mapping) and print the JSON response(s).",
        discussion: """
        The method must be compiled into shopctl (shop.v1 services, grpc.health.v1.Health,
        grpc.reflection.v1/v1alpha). Each response message is printed to stdout as JSON;
        the final status goes to stderr as CODE or CODE: message.
        """
    )

    @ParentCommand var root: ShopCtl

    @Argument(help: "Fully-qualified SERVICE/METHOD, e.g. grpc.health.v1.Health/Check.")
    var method: String

    @Option(name: [.short, .long], help: "Request as JSON, @FILE to read a file, or - for stdin.")
    var data: String = "{}"

    @Flag(name: .long, help: "Print each response on one line.")
    var compact = false

    @Flag(name: [.short, .long], help: "Also print response headers and trailers to stderr.")
    var verbose = false

    func run() async throws {
        let descriptor: MethodDescriptor
        let request: [UInt8]
        let options: CallOptions
        let connection: ClientConnection
        do {
            descriptor = try MethodRegistry.lookup(method)
            request = try descriptor.input.encode(json: try RequestData.read(data))
            options = try root.connection.callOptions(defaultTimeout: .seconds(30))
            connection = try root.connection.connect()
        } catch {
            throw Output.usage(error)
        }
        defer { connection.shutdown() }

        let output = descriptor.output
        let compact = self.compact
        let decodeFailures = Counter()
        let printResponse: @Sendable ([UInt8]) -> Void = { bytes in
            do {
                Output.out(try output.decode(bytes, compact: compact))
            } catch {
                decodeFailures.increment()
                Output.err("cannot decode a response as \(output.messageName): \(error)")
            }
        }
        // Streamed responses print as they arrive; a unary response only with status OK.
        let result = await connection.call(descriptor.path, request: request, options: options,
                                           onMessage: descriptor.serverStreaming ? printResponse : nil)
        if !descriptor.serverStreaming && result.status.code == .ok {
            result.messages.forEach(printResponse)
        }
        if verbose {
            for (name, value) in result.headers { Output.err("< \(name): \(value)") }
            for (name, value) in result.trailers { Output.err("< (trailer) \(name): \(value)") }
        }
        let code = Output.report(result.status)
        if code != .success { throw code }
        if decodeFailures.value > 0 { throw ExitCode(Int32(GRPCStatus.Code.internal.rawValue)) }
    }
}

/// Reads `--data`: inline JSON, `@FILE`, or `-` for stdin.
enum RequestData {
    static func read(_ argument: String) throws -> String {
        if argument == "-" {
            return String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        }
        if argument.hasPrefix("@") {
            let path = String(argument.dropFirst())
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("cannot read request file \(path)")
            }
            return String(decoding: data, as: UTF8.self)
        }
        return argument
    }
}

/// A counter bumped on the event-loop thread and read after the call completed.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
