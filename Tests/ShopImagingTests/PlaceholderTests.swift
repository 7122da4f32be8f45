import XCTest
@testable import ShopImaging

final class ShopImagingPlaceholderTests: XCTestCase {}
