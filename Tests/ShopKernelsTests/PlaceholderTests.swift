import XCTest

final class ShopKernelsPlaceholderTests: XCTestCase {
    func testModuleLinks() throws {}
}
