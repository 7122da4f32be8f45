/// The five `shop.v1` services, their models and request validation.
enum ShopServiceCatalog {
    static func makeServices(models: any ModelAvailability) -> [ModelBackedService] {
        []
    }
}
