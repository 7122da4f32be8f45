/// The `architecture` section of an `image_search.cnn` config.json, as
/// tools/train/image_search writes it.
///
/// ```json
/// {"input": {"height": 28, "width": 28, "channels": 1},
///  "conv": [{"prefix": "conv1", "kernel": 3, "padding": 1, "out_channels": 16, "pool": 2}, …],
///  "mlp": [{"prefix": "fc1", "activation": "relu"}, {"prefix": "fc2", "activation": "none"}],
///  "embedding_dimension": 64,
///  "index": {"prefix": "catalogue", "default_mode": "exact", "default_nprobe": 8,
///            "categories": ["T-shirt/top", …]}}
/// ```
public struct ImageSearchArchitecture: Decodable, Sendable, Equatable {
    public struct Input: Decodable, Sendable, Equatable {
        public var height: Int
        public var width: Int
        public var channels: Int
    }

    /// One convolution (zero padding, stride 1, ReLU) followed by a `pool × pool` max pool (1: none).
    public struct Convolution: Decodable, Sendable, Equatable {
        public var prefix: String
        public var kernel: Int
        public var padding: Int
        public var out_channels: Int
        public var pool: Int
    }

    public struct Dense: Decodable, Sendable, Equatable {
        public var prefix: String
        public var activation: Activation
    }

    public struct Index: Decodable, Sendable, Equatable {
        /// Tensor prefix of the catalogue's vector index.
        public var prefix: String
        /// `exact` or `ivf`: the mode of a request that does not choose one.
        public var default_mode: String
        /// Lists scanned by an IVF search that does not choose.
        public var default_nprobe: Int
        /// Category names, indexed by the index's category ids.
        public var categories: [String]
    }

    public var input: Input
    public var conv: [Convolution]
    public var mlp: [Dense]
    public var embedding_dimension: Int
    public var index: Index
}
