import XCTest

final class ShopServicesPlaceholderTests: XCTestCase {
    func testModuleLinks() throws {}
}
