import ShopProtoC

extension RequestValidation {
    /// `shop.v1.RequestContext` (shared by Recall and Rank): hour 0..23 when set, known enums.
    static func context(_ context: UnsafeMutablePointer<Shop__V1__RequestContext>?, _ field: String) throws {
        guard let c = context?.pointee else { return }
        if c.hour_of_day_value_case == SHOP__V1__REQUEST_CONTEXT__HOUR_OF_DAY_VALUE_HOUR_OF_DAY {
            try range(c.hour_of_day, 0...23, "\(field).hour_of_day")
        }
        try enumeration(c.weekday.rawValue, shop__v1__weekday__descriptor, "\(field).weekday")
        try enumeration(c.device_type.rawValue, shop__v1__device_type__descriptor, "\(field).device_type")
    }
}
