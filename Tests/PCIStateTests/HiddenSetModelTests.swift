import PCIModel
import PropertyBased
import Testing

@testable import PCIState

/// The hidden set's fast paths (binary search, one merge per batch) against the rules written
/// the slow way: a plain array scanned for every question, one entry hidden at a time.
@Suite("hidden set against a reference model")
struct HiddenSetModelTests {
    /// The rules of `PCIHideState.hide`, by linear scans (what the set did before it was made fast).
    struct Model {
        var hidden: [HiddenEntry] = []
        mutating func hide(_ e: HiddenEntry) -> PCIHideState.HideResult {
            if hidden.contains(where: { $0.selection == e.selection }) { return .alreadyHidden }
            if let c = hidden.first(where: { $0.selection != e.selection && e.selection.isCovered(by: $0.selection) }) { return .coveredBy(c.selection) }
            let inside = hidden.filter { $0.selection.isCovered(by: e.selection) }.sorted { $0.selection < $1.selection }
            let claimed = inside.filter(\.carriesRecords)
            if !claimed.isEmpty { return .overlaps(claimed) }
            hidden.removeAll { $0.selection.isCovered(by: e.selection) }
            hidden.append(e)
            hidden.sort { $0.selection < $1.selection }
            return inside.isEmpty ? .added : .absorbed(inside.map(\.selection))
        }
    }

    /// Selections on two buses of two slots, so that wildcards and exact entries meet often.
    static func selection(_ n: Int) -> DeviceSelection {
        let bus = UInt8(n / 24), rest = n % 24
        if rest == 0 { return DeviceSelection(bus: bus, device: nil, function: nil) }
        if rest <= 2 { return DeviceSelection(bus: bus, device: UInt8(rest - 1), function: nil) }
        return DeviceSelection(bus: bus, device: UInt8((rest - 3) / 8 % 2), function: UInt8((rest - 3) % 8))
    }
    static let entry = Gen.int(in: 0...(48 * 4 - 1)).map { n -> HiddenEntry in
        var e = HiddenEntry(selection: selection(n % 48), since: "t")
        if n / 48 == 3 { e.policy = .manual }  // carries a record: a wider entry may not absorb it
        return e
    }

    @Test func batchesAndSinglesFollowTheModel() async {
        await propertyCheck(count: 400, input: Self.entry.array(of: 0...12), Self.entry.array(of: 1...12)) { first, batch in
            var model = Model()
            var state = PCIHideState()
            for e in first { #expect(state.hide(e) == model.hide(e)) }
            #expect(state.hidden == model.hidden)
            let expected = batch.map { model.hide($0) }
            #expect(state.hide(batch) == expected)
            #expect(state.hidden == model.hidden)
            // Lookups agree with scans.
            for n in 0...47 {
                let s = Self.selection(n)
                #expect(state.entry(for: s)?.selection == model.hidden.first { $0.selection == s }?.selection)
            }
            for a in (0..<2).flatMap({ b in (0..<2).flatMap { d in (0..<8).map { PCIAddress(bus: UInt8(b), device: UInt8(d), function: UInt8($0)) } } }) {
                let scan = model.hidden.first { $0.selection == DeviceSelection(a) } ?? model.hidden.first { $0.selection.matches(a) }
                #expect(state.entry(hiding: a)?.selection == scan?.selection)
            }
        }
    }
}
