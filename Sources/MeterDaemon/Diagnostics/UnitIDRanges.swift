import ChainClient

/// Parses lists of Modbus unit ids such as `1-247` or `1,2,10-20`.
public enum UnitIDRanges {
    public static func parse(_ text: String) throws(MeterdError) -> [UInt8] {
        var ids: [UInt8] = []
        for part in text.split(separator: ",") {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false).map { Int($0.trimmed()) }
            guard (1...2).contains(bounds.count), bounds.allSatisfy({ $0 != nil }) else {
                throw MeterdError.unitIDs("'\(part)' is not a unit id or a range like 1-247")
            }
            let low = bounds[0]!, high = bounds.last!!
            guard (1...247).contains(low), (1...247).contains(high), low <= high else {
                throw MeterdError.unitIDs("'\(part)': unit ids run from 1 to 247, low to high")
            }
            for id in low...high where !ids.contains(UInt8(id)) { ids.append(UInt8(id)) }
        }
        guard !ids.isEmpty else { throw MeterdError.unitIDs("no unit id given") }
        return ids
    }
}

extension UnitIDRanges {
    /// Unit ids written back as ranges, e.g. [1, 2, 3, 7] → "1-3,7".
    public static func describe(_ ids: [UInt8]) -> String {
        var parts: [String] = []
        var index = 0
        let sorted = ids.sorted()
        while index < sorted.count {
            var end = index
            while end + 1 < sorted.count, sorted[end + 1] == sorted[end] + 1 { end += 1 }
            parts.append(end == index ? "\(sorted[index])" : "\(sorted[index])-\(sorted[end])")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }
}
