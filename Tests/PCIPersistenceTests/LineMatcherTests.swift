import Foundation
import PropertyBased
import Testing

@testable import PCIPersistence

/// The diff behind `grub` and every boot-file edit: Myers' linear-space algorithm must find a
/// longest common subsequence, the same length an n x m table finds.
@Suite struct LineMatcherTests {
    static func tableLength(_ a: [String], _ b: [String]) -> Int {
        var row = [Int](repeating: 0, count: b.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            var next = [Int](repeating: 0, count: b.count + 1)
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                next[j] = a[i] == b[j] ? row[j + 1] + 1 : max(row[j], next[j + 1])
            }
            row = next
        }
        return row[0]
    }

    static let lines = Gen.int(in: 0...3).map { ["a", "b", "c", "GRUB_CMDLINE_LINUX=\"\""][$0] }.array(of: 0...30)

    @Test func findsALongestCommonSubsequence() async {
        await propertyCheck(count: 1500, input: Self.lines, Self.lines) { a, b in
            let (ka, kb) = LineMatcher.common(a, b)
            let keptA = a.indices.filter { ka[$0] }.map { a[$0] }
            let keptB = b.indices.filter { kb[$0] }.map { b[$0] }
            #expect(keptA == keptB)
            #expect(keptA.count == Self.tableLength(a, b))
        }
    }

    @Test(arguments: [([], ["x"]), (["x"], []), (["x", "y"], ["y", "x"]), (["a", "b", "c"], ["c", "b", "a"])])
    func edgeCases(a: [String], b: [String]) {
        let (ka, kb) = LineMatcher.common(a, b)
        #expect(ka.filter { $0 }.count == Self.tableLength(a, b))
        #expect(kb.filter { $0 }.count == Self.tableLength(a, b))
    }

    /// One changed line in 20,000: the diff is three lines of context around it.
    @Test func longFileOneChange() {
        let old = (0..<20_000).map { "# line \($0)\n" }.joined()
        let new = old.replacingOccurrences(of: "# line 10000\n", with: "GRUB_CMDLINE_XEN=\"\"\n")
        let diff = unifiedDiff(old: old, new: new, oldName: "x", newName: "y")
        #expect(diff == "--- x\n+++ y\n@@ -9998,7 +9998,7 @@\n # line 9997\n # line 9998\n # line 9999\n-# line 10000\n+GRUB_CMDLINE_XEN=\"\"\n # line 10001\n # line 10002\n # line 10003\n")
    }
}
