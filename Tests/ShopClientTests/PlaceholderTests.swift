import XCTest

final class ShopClientPlaceholderTests: XCTestCase {
    func testModuleLinks() throws {}
}
