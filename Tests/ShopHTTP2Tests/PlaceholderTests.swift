import XCTest

final class ShopHTTP2PlaceholderTests: XCTestCase {
    func testModuleLinks() throws {}
}
