import XCTest

final class ShopWirePlaceholderTests: XCTestCase {
    func testModuleLinks() throws {}
}
