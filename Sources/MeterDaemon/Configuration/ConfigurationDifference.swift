/// Where two configuration files differ, as the places a reload talks about: a whole table
/// ("[buses]", "[limiter]"), or for [meterd], whose keys reload differently, a key
/// ("[meterd] poll_interval_seconds"). Comments and layout are not differences.
struct ConfigurationDifference: Equatable {
    static let keyByKeyTables: Set<String> = ["meterd"]

    let places: [String]

    init(from old: [String: TOMLNode], to new: [String: TOMLNode]) {
        var places: [String] = []
        for table in Set(old.keys).union(new.keys).sorted() where old[table] != new[table] {
            if Self.keyByKeyTables.contains(table) {
                let oldKeys = Self.entries(old[table]), newKeys = Self.entries(new[table])
                for key in Set(oldKeys.keys).union(newKeys.keys).sorted() where oldKeys[key] != newKeys[key] {
                    places.append("[\(table)] \(key)")
                }
            } else {
                places.append("[\(table)]")
            }
        }
        self.places = places
    }

    private static func entries(_ node: TOMLNode?) -> [String: TOMLNode] {
        if case .table(let entries)? = node { return entries }
        return [:]
    }
}
