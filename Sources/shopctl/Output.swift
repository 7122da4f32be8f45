import ArgumentParser
import Foundation
import ShopClient
import ShopWire

/// Terminal output and exit codes shared by the subcommands.
enum Output {
    /// Writes a line to stdout and flushes (responses may stream).
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Writes a line to stderr.
    static func err(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Prints the status (`CODE: message`) to stderr; returns the exit code for it.
    static func report(_ status: GRPCStatus) -> ExitCode {
        err(status.message.isEmpty ? status.code.name : "\(status.code.name): \(status.message)")
        return status.code == .ok ? .success : ExitCode(Int32(status.code.rawValue))
    }

    /// Exit code 64 with a message, for bad input and local set-up errors.
    static func usage(_ error: Error) -> ExitCode {
        err("error: \(error)")
        return ExitCode(64)
    }
}
