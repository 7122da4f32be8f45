import CProtobufC
import ShopProtoC
import ShopWire
import Testing

@Suite struct ArenaCodecTests {
    let requestType = ProtoMessageType<Grpc__Health__V1__HealthCheckRequest>(grpc__health__v1__health_check_request__init)

    @Test func roundTripsThroughTheArena() throws {
        let arena = MessageArena()
        let message = arena.make(requestType)
        message.pointee.service = arena.copy("shop.v1.RankService")
        let bytes = requestType.encode(message)
        #expect(bytes == [0x0A, 19] + Array("shop.v1.RankService".utf8))

        let decoded = try requestType.decode(bytes, in: arena)
        #expect(String(cString: decoded.pointee.service) == "shop.v1.RankService")
        #expect(requestType.fullName == "grpc.health.v1.HealthCheckRequest")
    }

    @Test func emptyBytesDecodeToDefaults() throws {
        let arena = MessageArena()
        let decoded = try requestType.decode([], in: arena)
        #expect(String(cString: decoded.pointee.service) == "")
    }

    @Test func malformedBytesAreInvalidArgumentNamingTheMessage() {
        // Field 1 (string) claims 100 bytes but only 2 follow.
        for bytes: [UInt8] in [[0x0A, 100, 1, 2], [0xFF, 0xFF, 0xFF], [0x0A]] {
            #expect(throws: GRPCStatus(.invalidArgument, "malformed grpc.health.v1.HealthCheckRequest")) {
                _ = try requestType.decode(bytes, in: MessageArena())
            }
        }
    }

    @Test func largeValuesGetTheirOwnBlockAndSurviveOtherAllocations() throws {
        let arena = MessageArena(blockSize: 1024)
        let long = String(repeating: "x", count: 100_000)
        let message = arena.make(requestType)
        message.pointee.service = arena.copy(long)
        let bytes = requestType.encode(message)
        var decoded: [UnsafeMutablePointer<Grpc__Health__V1__HealthCheckRequest>] = []
        for _ in 0..<50 { decoded.append(try requestType.decode(bytes, in: arena)) }
        for small in 0..<200 { _ = arena.copy("small-\(small)") }
        for message in decoded { #expect(String(cString: message.pointee.service) == long) }
    }

    @Test func allocationsAreAlignedZeroedAndResetReusesBlocks() {
        let arena = MessageArena(blockSize: 512)
        for size in [1, 3, 7, 24, 100, 200] {
            let pointer = arena.allocate(byteCount: size, alignment: 16)!
            #expect(Int(bitPattern: pointer) % 16 == 0)
            #expect((0..<size).allSatisfy { pointer.load(fromByteOffset: $0, as: UInt8.self) == 0 })
            pointer.initializeMemory(as: UInt8.self, repeating: 0xAB, count: size)
        }
        #expect(arena.bytesAllocated == 335)
        arena.reset()
        #expect(arena.bytesAllocated == 0)
        // Reused memory comes back zeroed.
        let again = arena.allocate(byteCount: 64)!
        #expect((0..<64).allSatisfy { again.load(fromByteOffset: $0, as: UInt8.self) == 0 })
    }

    @Test func bytesFieldsAreCopied() {
        let arena = MessageArena()
        var source: [UInt8] = [1, 2, 3, 4]
        let copy = arena.copy(bytes: source)
        source[0] = 9
        #expect(copy.len == 4)
        #expect(Array(UnsafeBufferPointer(start: copy.data, count: copy.len)) == [1, 2, 3, 4])
    }
}
