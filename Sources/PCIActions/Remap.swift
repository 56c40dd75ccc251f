import PCIInventory
import PCIModel
import PCIReadiness
import PCISpec
import PCIState
import SystemIO

/// `hide --remap ADDR...`: a hidden device renumbered by a card added is found by its recorded
/// identity and its entry moved there, keeping what is recorded on it (owner, policy, xl options).
public enum Remap {
    public static func run(specs: [String], tree: SysfsTree, store: StateStore, confirmed: Bool) throws {
        let selections = try HiddenSetChange.entries(from: SpecParser.parseAll(specs)).map(\.selection)
        let present = try tree.addresses()
        let moves = try store.update { state -> [(DeviceSelection, PCIAddress)] in
            var moves: [(DeviceSelection, PCIAddress)] = []
            for s in selections {
                guard let e = state.entry(for: s) else { throw Failure(.usage, "\(s) is not hidden by address; nothing to remap") }
                guard let recorded = e.identity else {
                    throw Failure(.usage, "\(s) was hidden before pcihide recorded identities: there is nothing to find it by; unhide it and hide the card at its new address")
                }
                if let a = s.address, let now = tree.identity(a), recorded.matches(now) {
                    throw Failure(.usage, "\(s) still holds the device hidden there (\(recorded.summary)); nothing to remap")
                }
                if e.runtimeDriver != nil {
                    throw Failure(.usage, "\(s) is recorded as bound to \(e.runtimeDriver!) at runtime; give it back first (pcihide unhide \(s) --now)")
                }
                let found = tree.find(recorded, among: present)
                guard let target = found.unique else {
                    throw Failure(
                        .noInput,
                        found.count == 0
                            ? "no present device is \(recorded.summary); is the card fitted?"
                            : "\(found.count) present devices are \(recorded.summary): its identity cannot say which; unhide \(s) and hide the one you mean by its address")
                }
                if state.entry(hiding: target) != nil { throw Failure(.usage, "\(target), where \(s) is now, is hidden already; nothing was changed") }
                moves.append((s, target))
                guard confirmed else { continue }
                var moved = e
                moved.selection = DeviceSelection(target)
                moved.identity = tree.identity(target)
                state.unhide(s)
                state.hide(moved)
            }
            return moves
        }
        for (from, to) in moves { print((confirmed ? "moved " : "would move ") + "\(from) to \(to)") }
        if !confirmed { note("nothing was changed: add --yes to move") }
    }
}
