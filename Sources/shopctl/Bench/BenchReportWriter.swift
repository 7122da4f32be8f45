import ArgumentParser
import Foundation
import ShopBench

/// Writes a finished `BenchReport`: the chosen format to stdout, and the HDR and HTML files.
struct BenchReportWriter {
    let report: BenchReport
    let format: String
    let hdrFile: String?
    let htmlFile: String?

    func write() throws {
        switch format {
        case "json": Output.out(report.json())
        case "csv": FileHandle.standardOutput.write(Data(report.csv().utf8))
        default: Output.out(report.table())
        }
        if let hdrFile {
            for run in report.runs {
                let path = report.runs.count > 1 ? Self.path(hdrFile, inserting: "c\(run.concurrency)") : hdrFile
                try save(report.hdrPercentileDistribution(of: run), to: path)
            }
        }
        if let htmlFile { try save(report.html(), to: htmlFile) }
    }

    private func save(_ text: String, to path: String) throws {
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw Output.usage(ValidationError("cannot write \(path): \(error.localizedDescription)"))
        }
    }

    /// `lat.hdr` + `c16` → `lat.c16.hdr`.
    static func path(_ path: String, inserting part: String) -> String {
        let url = URL(fileURLWithPath: path)
        let ext = url.pathExtension
        let base = ext.isEmpty ? path : String(path.dropLast(ext.count + 1))
        return ext.isEmpty ? "\(base).\(part)" : "\(base).\(part).\(ext)"
    }
}
