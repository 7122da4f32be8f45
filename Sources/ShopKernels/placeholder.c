void shop_kernels_placeholder(void) {}
