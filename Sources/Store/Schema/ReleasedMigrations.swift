/// The sha256 of every text each migration has shipped with. A shipped migration never
/// changes; `0002` was edited once after it landed, so stores made on either side of that
/// edit record one of two hashes, and both are accepted. A test fails when a migration's
/// text is not among its released hashes.
enum ReleasedMigrations {
    static let hashes: [Int: Set<String>] = [
        1: ["ecda4d23d34d30b52249a01bf5fb68a6f6b0e99c6f7003f98b098b541a5486a4"],
        2: ["712c275f17c0c6b0db8215f679a2a1fc4a38b61ced0a6d9ad91c0c9b55b37b12",
            "4064f7da9b6dc1fa90261c1c88f989cb43afea81629499f1c59086ffd167ba33"],
        3: ["0776ab17fc8bc434ebc6aa2a75b0888ba5bda086b9deba877fae8c6c49a73463"],
        4: ["9b1113c78909a4c8784b58448fa06ab5e3120d2778cf2bfbd4ee7e0ffc7313aa"],
        5: ["5481d1fd3f4bfd2422a5b407d097157389ca1d57b1f04408627309f0412a992f"],
        6: ["b2420fc85b1f9a414fb5b7656818507b4399456eed466d00256e798833a34bb6"],
        7: ["3a768b3e0d54b5651311555ad4be793ed7112caec6ab56ed3dda7162acfd9cb1"],
        8: ["84ffb24c88cce27613209432dd006db341a7f3c828f75e2d2f93e27b4b24bd64"],
        9: ["a5c001d35c60db35ab68e5f0eae06ce609dc996f363942ba24358e00ec247a2c"],
        10: ["1a15f0d6172204ec15a6163baf450a442207cb268208ccacafc6e39d611fade4"],
        11: ["ca2b4557debf598b41e616b06ffebe77c8f83619c5b9493d422fba85b03d2acd"],
        12: ["249f2ad400f16619ad53d8014cce4c436f628b3e29f06f123361e07812607d98"],
        13: ["ffe0bacf168474bd061b157a6d54a0cdf95f6b4381419c69211d4675343ec6ad"],
        14: ["f91d5f45f95447b8214d07973d100fd1c57d7f64488b8d253dc36e8bd971c33e"],
    ]

    /// Whether a store that recorded `sha256` for `migration` may be used by this build.
    static func accepts(_ sha256: String, for migration: EmbeddedMigration) -> Bool {
        sha256 == migration.sha256 || hashes[migration.version, default: []].contains(sha256)
    }
}
