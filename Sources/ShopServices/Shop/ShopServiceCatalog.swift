/// The five `shop.v1` services, each bound to the model behind it.
///
/// Model names (directories of the model repository): `recall`, `rank`, `price`,
/// `image_search`, `dialogue`.
enum ShopServiceCatalog {
    static func makeServices(models: any ModelAvailability, price: PriceServiceOptions = PriceServiceOptions()) -> [ModelBackedService] {
        [
            RecallService.make(models: models),
            RankService.make(models: models),
            PriceService.make(models: models, options: price),
            ImageSearchService.make(models: models),
            DialogueService.make(models: models),
        ]
    }
}
