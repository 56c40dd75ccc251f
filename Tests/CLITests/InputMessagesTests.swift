import Testing

/// Inputs administrators get wrong, each answered with what was meant (issue: every input
/// understood or precisely explained).
@Suite("messages that point at the real mistake")
struct InputMessagesTests {
    @Test(arguments: [
        ("02:09.0;03:00.0", "this argument holds 2 devices (02:09.0, 03:00.0): give each as its own argument (02:09.0 03:00.0) or as one list: (02:09.0)(03:00.0) (column 8)"),
        ("hide=02:09.0,03:00.0", "this argument holds 2 devices (02:09.0, 03:00.0)"),
        ("02:09.0 03:00.0", "this argument holds 2 devices"),
        (" 02:09.0", "a space around the spec; remove it (quote nothing but the spec: '02:09.0') (column 1)"),
        ("02:09.0 ", "a space around the spec; remove it"),
        ("(01:0*.0)", "a wildcard '*' stands for a whole device number, not for one of its digits: write BB:*.* for all of them"),
        ("0*:09.0", "a wildcard '*' is allowed only for the device and function numbers, not for the bus number"),
    ])
    func specMistakes(spec: String, message: String) throws {
        let cli = try CLI()
        let r = try cli.run(["hide", spec])
        #expect(r.status == 64 && r.stderr.contains(message), "\(r.stderr)")
    }

    /// A valid xl spec with options is not taken for several devices.
    @Test func xlOptionsAreNotSeveralDevices() throws {
        let cli = try CLI()
        #expect(try cli.run(["hide", "02:09.0,permissive=1"]).status == 0)
    }

    @Test(arguments: [
        (["hied", "02:09.0"], "'hied' is not a pcihide command; did you mean 'hide'?"),
        (["help", "bogus"], "'bogus' is not a pcihide command, so there is no help for it"),
        (["hide", "-02:09.0"], "'-02:09.0' is read as an option: a device spec does not start with '-'; write 02:09.0"),
        (["chek", "02:09.0"], "did you mean 'check'?"),
    ])
    func commandMistakes(args: [String], message: String) throws {
        let cli = try CLI()
        let r = try cli.run(args)
        #expect(r.status == 64 && r.stderr.contains(message) && r.stdout.isEmpty, "\(r.stdout)\(r.stderr)")
    }
}
