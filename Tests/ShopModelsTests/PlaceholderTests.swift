import XCTest

final class ShopModelsPlaceholderTests: XCTestCase {
    func testModuleLinks() throws {}
}
