/// The longest common subsequence of two line lists, by Myers' O(ND) algorithm with the
/// linear-space middle-snake split (as diff and diff-match-patch do): memory grows with the
/// number of lines, and time with lines times differences. pcihide's edits change a few lines of
/// files that may be long, so the common prefix and suffix, stripped first, are most of it.
/// (An LCS table was n x m: 136 MB for a 4,000-line file.)
enum LineMatcher {
    /// For each line of `a` and of `b`: is it one of the common lines?
    static func common(_ a: [String], _ b: [String]) -> (a: [Bool], b: [Bool]) {
        // Lines become numbers, so that comparing two is one integer compare.
        var codes: [String: Int] = [:]
        func code(_ s: String) -> Int {
            if let c = codes[s] { return c }
            let c = codes.count
            codes[s] = c
            return c
        }
        var m = Matcher(a: a.map(code), b: b.map(code))
        m.match(0, a.count, 0, b.count)
        return (m.keptA, m.keptB)
    }

    struct Matcher {
        let a: [Int], b: [Int]
        var keptA: [Bool], keptB: [Bool]

        init(a: [Int], b: [Int]) {
            self.a = a; self.b = b
            keptA = [Bool](repeating: false, count: a.count)
            keptB = [Bool](repeating: false, count: b.count)
        }

        /// Marks the common lines of a[aLo..<aHi] and b[bLo..<bHi].
        mutating func match(_ aLo: Int, _ aHi: Int, _ bLo: Int, _ bHi: Int) {
            var aLo = aLo, aHi = aHi, bLo = bLo, bHi = bHi
            while aLo < aHi && bLo < bHi && a[aLo] == b[bLo] { keptA[aLo] = true; keptB[bLo] = true; aLo += 1; bLo += 1 }
            while aLo < aHi && bLo < bHi && a[aHi - 1] == b[bHi - 1] { aHi -= 1; bHi -= 1; keptA[aHi] = true; keptB[bHi] = true }
            guard aLo < aHi && bLo < bHi else { return }
            // A split at a corner would not make the problem smaller (it cannot happen once the
            // common ends are stripped; the guard keeps a mistake from recursing forever).
            guard let (x, y) = split(aLo, aHi, bLo, bHi), (x, y) != (aLo, bLo), (x, y) != (aHi, bHi) else { return }
            match(aLo, x, bLo, y)
            match(x, aHi, y, bHi)
        }

        /// The middle of a shortest edit path between the two ranges (searched from both ends
        /// at once), or nil when they have no line in common.
        func split(_ aLo: Int, _ aHi: Int, _ bLo: Int, _ bHi: Int) -> (Int, Int)? {
            let n = aHi - aLo, m = bHi - bLo
            let maxD = (n + m + 1) / 2
            let offset = maxD, length = 2 * maxD + 2
            var forward = [Int](repeating: -1, count: length)
            var backward = [Int](repeating: -1, count: length)
            forward[offset + 1] = 0
            backward[offset + 1] = 0
            let delta = n - m
            let frontCheck = delta % 2 != 0
            var k1Start = 0, k1End = 0, k2Start = 0, k2End = 0
            for d in 0..<maxD {
                for k1 in stride(from: -d + k1Start, through: d - k1End, by: 2) {
                    let i = offset + k1
                    var x = (k1 == -d || (k1 != d && forward[i - 1] < forward[i + 1])) ? forward[i + 1] : forward[i - 1] + 1
                    var y = x - k1
                    while x < n && y < m && a[aLo + x] == b[bLo + y] { x += 1; y += 1 }
                    forward[i] = x
                    if x > n {
                        k1End += 2
                    } else if y > m {
                        k1Start += 2
                    } else if frontCheck {
                        let j = offset + delta - k1
                        if j >= 0 && j < length && backward[j] != -1 && x >= n - backward[j] { return (aLo + x, bLo + y) }
                    }
                }
                for k2 in stride(from: -d + k2Start, through: d - k2End, by: 2) {
                    let i = offset + k2
                    var x = (k2 == -d || (k2 != d && backward[i - 1] < backward[i + 1])) ? backward[i + 1] : backward[i - 1] + 1
                    var y = x - k2
                    while x < n && y < m && a[aHi - x - 1] == b[bHi - y - 1] { x += 1; y += 1 }
                    backward[i] = x
                    if x > n {
                        k2End += 2
                    } else if y > m {
                        k2Start += 2
                    } else if !frontCheck {
                        let j = offset + delta - k2
                        if j >= 0 && j < length && forward[j] != -1 {
                            let x1 = forward[j], y1 = offset + x1 - j
                            if x1 >= n - x { return (aLo + x1, bLo + y1) }
                        }
                    }
                }
            }
            return nil
        }
    }
}
