/// Image decoding and preprocessing for ImageSearch (PNG via libpng, JPEG via libjpeg-turbo).
/// Placeholder until the vision work lands.
enum ShopImagingPlaceholder {}
