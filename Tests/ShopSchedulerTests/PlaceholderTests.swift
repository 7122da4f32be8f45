import XCTest

final class ShopSchedulerPlaceholderTests: XCTestCase {
    func testModuleLinks() throws {}
}
