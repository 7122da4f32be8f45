/// The encoded request messages a run rotates through (one for `--data`, many for a
/// JSON-lines file or a workload generator). Encoding happens once, before the run.
public struct RequestPool: Sendable {
    public let messages: [[UInt8]]

    /// - Precondition: at least one message.
    public init(_ messages: [[UInt8]]) {
        precondition(!messages.isEmpty, "a request pool needs at least one message")
        self.messages = messages
    }

    public init(single message: [UInt8]) { self.init([message]) }

    public var count: Int { messages.count }
}
