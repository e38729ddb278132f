// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "DeepProv",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "deepprov", targets: ["deepprov"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // C shims: a module map and a header each.
        .systemLibrary(name: "CZstd", path: "Sources/CZstd"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .systemLibrary(name: "CXXHash", path: "Sources/CXXHash"),
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        .systemLibrary(name: "CEdit", path: "Sources/CEdit"),
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        .systemLibrary(name: "CFileWriteback", path: "Sources/CFileWriteback"),

        .target(name: "IPG", dependencies: ["CZstd", "CZlib", "CXXHash", "CFileWriteback", .product(name: "Crypto", package: "swift-crypto")]),
        .target(
            name: "Engine",
            dependencies: [
                "IPG", "CZlib", "CBLAS", "CMalloc",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "Store",
            dependencies: [
                "IPG", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "StoreClickHouse",
            dependencies: ["IPG", "Store", "CZlib", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(name: "Query", dependencies: ["IPG"]),
        .target(name: "Analysis", dependencies: ["IPG", "Engine", "Store", "Query", .product(name: "Mustache", package: "swift-mustache")]),
        .target(
            name: "DeepProvCLI",
            dependencies: [
                "IPG", "Engine", "Store", "StoreClickHouse", "Query", "Analysis", "CEdit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "deepprov", dependencies: ["DeepProvCLI"]),

        .target(name: "TestSupport", dependencies: ["IPG", "Engine", "Store"]),
        .testTarget(
            name: "StoreTests",
            dependencies: ["Store", "IPG", "Engine", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(name: "StoreClickHouseTests", dependencies: ["StoreClickHouse", "Store", "IPG", "Engine", "TestSupport"]),
        .testTarget(name: "IPGTests", dependencies: ["IPG", "TestSupport"]),
        .testTarget(name: "QueryTests", dependencies: ["Query", "IPG", "TestSupport"], exclude: ["__Golden__"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "IPG", "TestSupport"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "Store", "Query", "Engine", "IPG", "TestSupport"]),
        .testTarget(name: "DeepProvCLITests", dependencies: ["DeepProvCLI", "Analysis", "Engine", "IPG", "Store", "StoreClickHouse", "Query", "TestSupport"]),
    ]
)
