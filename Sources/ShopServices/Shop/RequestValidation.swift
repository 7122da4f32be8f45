import CProtobufC
import ShopWire

#if canImport(Glibc)
import Glibc
#endif

/// The checks request validators share. Each failure is INVALID_ARGUMENT with a message that
/// names the field (as `shop.v1`'s conventions require), e.g. `skus[3].current_price: must be
/// finite and > 0, got -1.0`.
enum RequestValidation {
    static func invalid(_ field: String, _ reason: String) -> GRPCStatus {
        GRPCStatus(.invalidArgument, "\(field): \(reason)")
    }

    /// A proto3 `string` field: valid UTF-8 (protobuf-c does not check), at most `maxBytes`.
    @discardableResult
    static func string(_ pointer: UnsafeMutablePointer<CChar>?, _ field: String, maxBytes: Int = .max,
                       required: Bool = false) throws -> String {
        guard let pointer else {
            if required { throw invalid(field, "is required") }
            return ""
        }
        let length = strlen(pointer)
        guard length <= maxBytes else { throw invalid(field, "is \(length) bytes, at most \(maxBytes) allowed") }
        guard let value = String(validatingCString: pointer) else { throw invalid(field, "is not valid UTF-8") }
        if required && value.isEmpty { throw invalid(field, "is required") }
        return value
    }

    /// A repeated `string` field: at most `maxCount` entries, each valid UTF-8 and at most
    /// `maxBytes`; optionally without repeats.
    @discardableResult
    static func strings(_ values: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, count: Int, _ field: String,
                        maxCount: Int, minCount: Int = 0, maxBytes: Int = 256, unique: Bool = false,
                        nonEmpty: Bool = false) throws -> [String] {
        guard count >= minCount else {
            throw invalid(field, minCount == 1 ? "needs at least one entry" : "needs at least \(minCount) entries")
        }
        guard count <= maxCount else { throw invalid(field, "has \(count) entries, at most \(maxCount) allowed") }
        var result: [String] = []
        result.reserveCapacity(count)
        var seen: Set<String> = []
        for i in 0..<count {
            let value = try string(values?[i], "\(field)[\(i)]", maxBytes: maxBytes, required: nonEmpty)
            if unique && !seen.insert(value).inserted {
                throw invalid("\(field)[\(i)]", "repeats '\(value)'")
            }
            result.append(value)
        }
        return result
    }

    static func range<T: Comparable>(_ value: T, _ range: ClosedRange<T>, _ field: String) throws {
        guard range.contains(value) else {
            throw invalid(field, "must be in \(range.lowerBound)...\(range.upperBound), got \(value)")
        }
    }

    static func atLeast<T: Comparable>(_ value: T, _ minimum: T, _ field: String) throws {
        guard value >= minimum else { throw invalid(field, "must be >= \(minimum), got \(value)") }
    }

    static func finite<T: BinaryFloatingPoint>(_ value: T, _ field: String, atLeast minimum: T? = nil,
                                               above exclusiveMinimum: T? = nil, atMost maximum: T? = nil) throws {
        guard value.isFinite else { throw invalid(field, "must be finite, got \(value)") }
        if let minimum, value < minimum { throw invalid(field, "must be >= \(minimum), got \(value)") }
        if let exclusiveMinimum, value <= exclusiveMinimum { throw invalid(field, "must be > \(exclusiveMinimum), got \(value)") }
        if let maximum, value > maximum { throw invalid(field, "must be <= \(maximum), got \(value)") }
    }

    /// An enum field holds one of the declared values (proto3 enums are open: protobuf-c keeps
    /// any number it reads).
    /// `descriptor` is the generated `..._descriptor` global (read through a pointer to it).
    static func enumeration(_ rawValue: UInt32, _ descriptor: ProtobufCEnumDescriptor, _ field: String) throws {
        let value = Int32(bitPattern: rawValue)
        let known = withUnsafePointer(to: descriptor) { protobuf_c_enum_descriptor_get_value($0, value) != nil }
        guard known else {
            throw invalid(field, "\(value) is not a value of \(String(cString: descriptor.name))")
        }
    }

    static func bytes(_ data: ProtobufCBinaryData, _ field: String, maxBytes: Int) throws {
        guard data.len <= maxBytes else { throw invalid(field, "is \(data.len) bytes, at most \(maxBytes) allowed") }
    }
}
