import ChainClient
import Foundation
import Testing
@testable import MeterDaemon

/// `meterd key rotate`'s steps on real files: the whole rotation, and every interruption between its
/// steps leaves a state from which meterd starts (`completeInterrupted` is what it runs at start).
@Suite struct DeviceKeyRotationTests {
    let old = JournalFixtures.key
    let new = try! PrivateKey(bytes: Hex.decode("8da4ef21b864d2cc526dbdb2a120bd2874c36c9d0a1fb7f8c63d7f7a8b41de8f"))

    /// A key file holding the old key and a journal it signs.
    private func site(_ directory: TemporaryDirectory) throws -> (key: String, journal: String) {
        let paths = (key: directory.file("device.key"), journal: directory.file("journal"))
        try DeviceKeyFile.create(path: paths.key, key: old)
        let (journal, _) = try Journal.open(directory: paths.journal, key: old, options: JournalFixtures.fastOptions)
        try journal.append(JournalFixtures.readingEntries(0..<5))
        try journal.close()
        return paths
    }

    /// What meterd does at start: finish what is left, load the key, open the journal with it.
    private func start(_ paths: (key: String, journal: String)) throws -> (DeviceKeyRotation.Leftover, Address) {
        let leftover = try DeviceKeyRotation.completeInterrupted(keyPath: paths.key, journalDirectory: paths.journal)
        let key = try DeviceKeyFile.load(path: paths.key)
        let (journal, _) = try Journal.open(directory: paths.journal, key: key, options: JournalFixtures.fastOptions)
        try journal.append(JournalFixtures.readingEntries(10..<11))
        try journal.close()
        return (leftover, key.address)
    }

    private func mode(_ path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test func aRotationInstallsTheNewKeyKeepsTheOldAndTheJournalVerifies() throws {
        let directory = TemporaryDirectory("rotate")
        defer { directory.remove() }
        let paths = try site(directory)
        let outcome = try DeviceKeyRotation.rotate(keyPath: paths.key, journalDirectory: paths.journal, newKey: new, options: JournalFixtures.fastOptions)
        #expect(outcome.old == old.address && outcome.new == new.address)
        #expect(try DeviceKeyFile.load(path: paths.key).address == new.address)
        #expect(try mode(paths.key) == 0o600)
        #expect(try DeviceKeyFile.load(path: outcome.backup).address == old.address)
        #expect(outcome.backup == paths.key + ".old-" + old.address.checksummed)
        #expect(!FileManager.default.fileExists(atPath: DeviceKeyRotation.pendingPath(paths.key)))
        let (leftover, signer) = try start(paths)
        #expect(leftover == .none && signer == new.address)
        #expect(try JournalVerifier.verify(directory: paths.journal, signer: new.address).isValid)
        // The same key again is refused; nothing changes.
        #expect(throws: MeterdError.sameKey(path: paths.key, address: new.address.checksummed)) {
            try DeviceKeyRotation.rotate(keyPath: paths.key, journalDirectory: paths.journal, newKey: new, options: JournalFixtures.fastOptions)
        }
    }

    /// The interesting interruption: the journal is the new key's, the key file still the old one's.
    @Test func killedAfterTheJournalWasHandedOverMeterdFinishesTheRotationAtStart() throws {
        let directory = TemporaryDirectory("rotate-after-journal")
        defer { directory.remove() }
        let paths = try site(directory)
        try DeviceKeyRotation.prepare(keyPath: paths.key, newKey: new)
        _ = try DeviceKeyRotation.journal(directory: paths.journal, old: old, new: new, options: JournalFixtures.fastOptions)
        expectMeterdError(\.isJournalRefusal, "the old key no longer opens the journal") {
            try Journal.open(directory: paths.journal, key: old, options: JournalFixtures.fastOptions)
        }
        let (leftover, signer) = try start(paths)
        guard case .completed(let outcome) = leftover else { Issue.record("\(leftover)"); return }
        #expect(signer == new.address && outcome.new == new.address)
        #expect(try DeviceKeyFile.load(path: outcome.backup).address == old.address)
        #expect(try JournalVerifier.verify(directory: paths.journal, signer: new.address).isValid)
    }

    @Test func killedAfterTheBackupBeforeTheRenameMeterdFinishesTheRotation() throws {
        let directory = TemporaryDirectory("rotate-after-backup")
        defer { directory.remove() }
        let paths = try site(directory)
        try DeviceKeyRotation.prepare(keyPath: paths.key, newKey: new)
        _ = try DeviceKeyRotation.journal(directory: paths.journal, old: old, new: new, options: JournalFixtures.fastOptions)
        #expect(link(paths.key, DeviceKeyRotation.backupPath(paths.key, old: old.address)) == 0)
        let (leftover, signer) = try start(paths)
        guard case .completed = leftover else { Issue.record("\(leftover)"); return }
        #expect(signer == new.address)
    }

    @Test func killedBeforeTheJournalMeterdStartsWithTheOldKeyAndTheNextRotationReplacesTheUnusedKey() throws {
        let directory = TemporaryDirectory("rotate-before-journal")
        defer { directory.remove() }
        let paths = try site(directory)
        try DeviceKeyRotation.prepare(keyPath: paths.key, newKey: new)
        let (leftover, signer) = try start(paths)
        #expect(leftover == .unused(path: DeviceKeyRotation.pendingPath(paths.key), address: new.address))
        #expect(signer == old.address)
        // Cut short while it was written: unused too.
        try Data("8da4".utf8).write(to: URL(fileURLWithPath: DeviceKeyRotation.pendingPath(paths.key)))
        #expect(try start(paths).0 == .unused(path: DeviceKeyRotation.pendingPath(paths.key), address: nil))
    }

    @Test func aRefusedRotationLeavesNoNewKeyBehind() throws {
        let directory = TemporaryDirectory("rotate-refused")
        defer { directory.remove() }
        let paths = try site(directory)
        // A running meterd holds the journal.
        let (running, _) = try Journal.open(directory: paths.journal, key: old, options: JournalFixtures.fastOptions)
        defer { try? running.close() }
        #expect(throws: MeterdError.journalLocked(directory: paths.journal)) {
            try DeviceKeyRotation.rotate(keyPath: paths.key, journalDirectory: paths.journal, newKey: new, options: JournalFixtures.fastOptions)
        }
        #expect(!FileManager.default.fileExists(atPath: DeviceKeyRotation.pendingPath(paths.key)))
        #expect(try DeviceKeyFile.load(path: paths.key).address == old.address)
    }
}
